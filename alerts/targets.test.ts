import { describe, expect, it } from 'vitest';
import { checkTargetUrl, forbiddenAddress, resolveTarget, TargetError, type Lookup } from './targets.ts';

describe('forbiddenAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'cloud metadata'],
    ['169.254.10.1', 'link-local'],
    ['100.100.100.200', 'cloud metadata'],
    ['168.63.129.16', 'cloud metadata'],
    ['100.64.0.1', 'shared address space'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['febf:ffff::1', 'link-local'],
    ['fc00::1', 'unique local (private)'],
    ['fd00:ec2::254', 'unique local (private)'],
    ['fdff:ffff::1', 'unique local (private)'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback (127.0.0.1 inside IPv6)'],
    ['::ffff:7f00:1', 'loopback (127.0.0.1 inside IPv6)'],
    ['::ffff:169.254.169.254', 'cloud metadata (169.254.169.254 inside IPv6)'],
    ['::ffff:a00:1', 'private (10.0.0.1 inside IPv6)'],
    ['64:ff9b::c0a8:101', 'private (192.168.1.1 inside IPv6)'],
    ['2002:7f00:1::', 'loopback (127.0.0.1 inside IPv6)'],
    ['::127.0.0.1', 'reserved'],
    ['2001:db8::1', 'documentation'],
  ])('%s is refused (%s)', (ip, why) => {
    expect(forbiddenAddress(ip)).toBe(why);
  });

  it.each(['8.8.8.8', '1.1.1.1', '172.32.0.1', '172.15.255.255', '192.169.0.1', '11.0.0.1', '169.255.0.1'])(
    '%s (public IPv4) is allowed',
    (ip) => expect(forbiddenAddress(ip)).toBeUndefined(),
  );

  it.each([
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    'fbff::1',
  ])('%s (public IPv6) is allowed', (ip) => expect(forbiddenAddress(ip)).toBeUndefined());
});

describe('checkTargetUrl (config time)', () => {
  it('wants https and a public host', () => {
    expect(checkTargetUrl('https://hooks.slack.com/services/T0/B0/x', false)).toBeUndefined();
    expect(checkTargetUrl('https://8.8.8.8/hook', false)).toBeUndefined();
    expect(checkTargetUrl('http://hooks.example.com/x', false)).toMatch(/https/);
    expect(checkTargetUrl('ftp://hooks.example.com/x', false)).toMatch(/https/);
    expect(checkTargetUrl('not a url', false)).toBe('not a valid URL');
    for (const url of [
      'https://127.0.0.1/x',
      'https://2130706433/x', // 127.0.0.1 as a number: the URL parser normalizes it
      'https://0x7f.1/x',
      'https://169.254.169.254/latest/meta-data',
      'https://[::1]:8443/x',
      'https://[fe80::1]/x',
      'https://[::ffff:127.0.0.1]/x',
      'https://10.0.0.5/x',
      'https://192.168.0.10/x',
      'https://[fd12:3456::1]/x',
      'https://localhost/x',
      'https://api.localhost/x',
      'https://metadata.google.internal/x',
    ])
      expect(checkTargetUrl(url, false), url).toMatch(/WARDEN_ALERT_ALLOW_PRIVATE_TARGETS/);
  });

  it('allows http and private hosts with the flag', () => {
    expect(checkTargetUrl('http://127.0.0.1:9000/x', true)).toBeUndefined();
    expect(checkTargetUrl('https://[::1]/x', true)).toBeUndefined();
    expect(checkTargetUrl('http://localhost/x', true)).toBeUndefined();
    expect(checkTargetUrl('ftp://127.0.0.1/x', true)).toMatch(/http/);
  });
});

describe('resolveTarget (send time)', () => {
  const dns =
    (answers: Record<string, string[]>): Lookup =>
    async (host) =>
      (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('refuses a public name that resolves to a private or metadata address, even once among many', async () => {
    const lookup = dns({
      'rebind.example.com': ['169.254.169.254'],
      'mixed.example.com': ['93.184.216.34', '10.0.0.7'],
      'v6.example.com': ['::1'],
      'ok.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    });
    await expect(resolveTarget(new URL('https://rebind.example.com/x'), false, lookup)).rejects.toThrow(
      /cloud metadata address \(169\.254\.169\.254\)/,
    );
    await expect(resolveTarget(new URL('https://mixed.example.com/x'), false, lookup)).rejects.toBeInstanceOf(
      TargetError,
    );
    await expect(resolveTarget(new URL('https://v6.example.com/x'), false, lookup)).rejects.toThrow(
      /loopback/,
    );
    await expect(resolveTarget(new URL('https://ok.example.com/x'), false, lookup)).resolves.toHaveLength(2);
    // The error names the host only: the path of a webhook URL is a secret.
    await expect(
      resolveTarget(new URL('https://rebind.example.com/s3cr3t'), false, lookup),
    ).rejects.not.toThrow(/s3cr3t/);
  });

  it('refuses http and literal private addresses, and allows both with the flag', async () => {
    const lookup = dns({ 'rebind.example.com': ['127.0.0.1'] });
    await expect(resolveTarget(new URL('http://ok.example.com/x'), false, lookup)).rejects.toBeInstanceOf(
      TargetError,
    );
    await expect(resolveTarget(new URL('https://[::1]/x'), false, lookup)).rejects.toBeInstanceOf(
      TargetError,
    );
    await expect(resolveTarget(new URL('http://127.0.0.1:9/x'), true, lookup)).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
    await expect(resolveTarget(new URL('http://rebind.example.com/x'), true, lookup)).resolves.toEqual([
      { address: '127.0.0.1', family: 4 },
    ]);
  });

  it('treats a name that resolves to nothing as an ordinary (retryable) error', async () => {
    const err = await resolveTarget(new URL('https://nothing.example.com/x'), false, dns({})).catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(err).not.toBeInstanceOf(TargetError);
  });
});
