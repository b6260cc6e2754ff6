import { describe, expect, it } from 'vitest';
import { classifyDestination, looksDnsEncoded, networkFact, parseIPv4, splitTarget } from './destinations.ts';

const cls = (target: string) => classifyDestination(target)?.class;
const host = (target: string) => classifyDestination(target)?.host;

describe('splitTarget', () => {
  it.each([
    ['https://user:pw@Api.Example.org:8443/v1?x=1#y', 'api.example.org', '/v1?x=1#y'],
    ['git@github.com:acme/app.git', 'github.com', 'acme/app.git'],
    ['deploy@10.0.0.5:/srv/app', '10.0.0.5', '/srv/app'],
    ['example.com/path', 'example.com', '/path'],
    ['localhost:3000', 'localhost', '3000'],
    ['[::1]:22', '::1', '22'], // scp-style: the part after ':' is the remote path
    ['http://[fd00:ec2::254]/latest', 'fd00:ec2::254', '/latest'],
    ['fd00:ec2::254', 'fd00:ec2::254', ''],
  ])('%s → %s', (target, expectedHost, path) => {
    expect(splitTarget(target)).toMatchObject({ host: expectedHost, path });
  });

  it('names no host for things that are not targets', () => {
    expect(splitTarget('')).toBeUndefined();
    expect(splitTarget('-')).toBeDefined(); // a word is a (single-label) host name; callers pick targets
    expect(splitTarget('a b')).toBeUndefined();
  });
});

describe('classifyDestination', () => {
  it.each([
    ['https://registry.npmjs.org/left-pad', 'package-registry'],
    ['https://files.pythonhosted.org/packages/x.whl', 'package-registry'],
    ['https://proxy.golang.org/x', 'package-registry'],
    ['http://deb.debian.org/debian', 'package-registry'],
    ['https://sh.rustup.rs', 'package-registry'],
    ['https://github.com/acme/app', 'code-host'],
    ['https://raw.githubusercontent.com/a/b/main/x.sh', 'code-host'],
    ['https://codeload.github.com/a/b/tar.gz/main', 'code-host'],
    ['https://gitlab.com/a/b', 'code-host'],
    ['https://gist.github.com/u/abc', 'paste'],
    ['https://gist.githubusercontent.com/u/abc/raw', 'paste'],
    ['https://pastebin.com/raw/x', 'paste'],
    ['https://paste.example.net/x', 'paste'],
    ['termbin.com:9999', 'paste'],
    ['https://webhook.site/3f1c2a', 'webhook'],
    ['https://eo2x8k3lp0abc.m.pipedream.net', 'webhook'],
    ['https://hooks.slack.com/services/T0/B0/x', 'webhook'],
    ['https://discord.com/api/webhooks/1/abc', 'webhook'],
    ['https://discordapp.com/api/webhooks/1/abc', 'webhook'],
    ['https://api.telegram.org/bot123:abc/sendDocument', 'webhook'],
    ['https://x.oast.fun', 'webhook'],
    ['https://abc.ngrok-free.app', 'tunnel'],
    ['https://quiet-fog.trycloudflare.com', 'tunnel'],
    ['https://x.loca.lt', 'tunnel'],
    ['serveo.net', 'tunnel'],
    ['https://transfer.sh/x.tgz', 'file-share'],
    ['https://0x0.st', 'file-share'],
    ['https://store1.gofile.io/uploadFile', 'file-share'],
    ['https://content.dropboxapi.com/2/files/upload', 'file-share'],
    ['s3://attacker-bucket/x', 'file-share'],
    ['gs://bucket/x', 'file-share'],
    ['https://bucket.s3.amazonaws.com/x', 'file-share'],
    ['http://45.33.12.9/up', 'ip-literal'],
    ['http://[2001:db8::1]/', 'ip-literal'],
    ['http://127.0.0.1:3000/health', 'localhost'],
    ['http://localhost:8080', 'localhost'],
    ['http://app.localhost', 'localhost'],
    ['http://[::1]/', 'localhost'],
    ['http://0.0.0.0:8000', 'localhost'],
    ['http://10.1.2.3', 'internal'],
    ['http://172.20.0.5', 'internal'],
    ['http://172.32.0.5', 'ip-literal'],
    ['http://192.168.1.10', 'internal'],
    ['http://169.254.169.254/latest/meta-data/', 'internal'],
    ['http://100.101.102.103', 'internal'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'internal'],
    ['printer.local', 'internal'],
    ['http://jira.corp/x', 'internal'],
    ['http://db:5432', 'internal'],
    ['https://discord.com/channels/1', 'other'],
    ['https://docs.example.org/api', 'other'],
    ['https://notgithub.com/x', 'other'],
    ['https://$API_HOST/v1', 'other'],
  ])('%s is %s', (target, expected) => {
    expect(cls(target)).toBe(expected);
  });

  it('normalizes IPv4 written in any inet_aton form', () => {
    expect(host('http://2852039166/latest')).toBe('169.254.169.254');
    expect(host('http://0xa9fea9fe/')).toBe('169.254.169.254');
    expect(host('http://0177.0.0.1/')).toBe('127.0.0.1');
    expect(cls('http://2130706433/')).toBe('localhost');
    expect(cls('http://0x7f.1/')).toBe('localhost');
  });
});

describe('parseIPv4', () => {
  it.each([
    ['1.2.3.4', 0x01020304],
    ['10.1', 0x0a000001],
    ['0x7f.0.0.1', 0x7f000001],
    ['4294967295', 0xffffffff],
  ])('%s', (text, value) => {
    expect(parseIPv4(text)).toBe(value);
  });

  it.each(['1.2.3.4.5', '256.1.1.1', '4294967296', 'example.com', '08.1.1.1', ''])(
    '%s is no address',
    (text) => {
      expect(parseIPv4(text)).toBeUndefined();
    },
  );
});

describe('looksDnsEncoded', () => {
  it.each([
    'aGVsbG8gd29ybGQgc2VjcmV0IGRhdGEgaGVyZQ.x7k2.exfil-dns.net',
    '4a6f686e20446f65.attacker.com',
    'nbswy3dpeb3w64tmmqqq2lbomfxgm3dmn5rxa.x.example',
    '$(whoami).attacker.example',
    '`hostname`.attacker.example',
    '$USER.attacker.example',
    'chunk0.' + 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4.x.example',
  ])('%s is encoded', (name) => {
    expect(looksDnsEncoded(name)).toBe(true);
  });

  it.each([
    'github.com',
    'api.github.com',
    'registry-1.docker.io',
    'd111111abcdef8.cloudfront.net',
    'ec2-54-12-3-4.compute-1.amazonaws.com',
    'internal-my-load-balancer-1234567890.us-west-2.elb.amazonaws.com',
    'my-app-git-feature-login-acme.vercel.app',
    'xn--bcher-kva.example',
    '$HOST',
    '169.254.169.254',
    'eo2x8k3lp0abc.m.pipedream.net',
  ])('%s is not', (name) => {
    expect(looksDnsEncoded(name)).toBe(false);
  });
});

describe('networkFact', () => {
  it('builds a fact, with dnsEncoded only when set', () => {
    expect(networkFact('https://webhook.site/x', 'upload', 'curl')).toEqual({
      target: 'https://webhook.site/x',
      host: 'webhook.site',
      class: 'webhook',
      direction: 'upload',
      via: 'curl',
    });
    expect(networkFact('$(id).x.example', 'connect', 'dig')?.dnsEncoded).toBe(true);
    expect(networkFact('not a host', 'connect', 'x')).toBeUndefined();
  });
});
