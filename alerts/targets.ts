import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, isIPv4 } from 'node:net';

/**
 * Outbound targets: sink URLs come from configuration, but a webhook host may resolve anywhere, so every URL
 * is checked twice (SSRF): its form at config time, and every address its host resolves to at send time,
 * refusing loopback, link-local, private, unique-local, unspecified, reserved and cloud-metadata addresses.
 * The connection then uses exactly the addresses that were checked (see http.ts), so a DNS answer cannot
 * change between the check and the connect. WARDEN_ALERT_ALLOW_PRIVATE_TARGETS=true lifts all of this.
 */

/** A target this process must not send to; never retried. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
}

type Range4 = [base: string, bits: number, why: string];

// Cloud metadata endpoints: AWS/GCP/Azure IMDS, AWS ECS task metadata, Alibaba, Azure WireServer (public!).
const METADATA_V4 = new Set(['169.254.169.254', '169.254.170.2', '100.100.100.200', '168.63.129.16']);

const RANGES_V4: Range4[] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared address space'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'], // with 255.255.255.255
];

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
}

const inRange4 = (ip: number, base: string, bits: number) =>
  bits === 0 || Math.floor(ip / 2 ** (32 - bits)) === Math.floor(ipv4ToInt(base) / 2 ** (32 - bits));

function forbiddenV4(ip: string): string | undefined {
  if (METADATA_V4.has(ip)) return 'cloud metadata';
  const n = ipv4ToInt(ip);
  return RANGES_V4.find(([base, bits]) => inRange4(n, base, bits))?.[2];
}

/** An IPv6 address (already validated by `isIP`) → its eight 16-bit words. */
function ipv6Words(ip: string): number[] {
  let s = ip;
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  if (tail.includes('.')) {
    // Embedded dotted IPv4 (::ffff:127.0.0.1) → two hex words.
    const n = ipv4ToInt(tail);
    s = `${s.slice(0, lastColon + 1)}${Math.floor(n / 65536).toString(16)}:${(n % 65536).toString(16)}`;
  }
  const words = (part: string) => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const halves = s.split('::');
  if (halves.length === 1) return words(s);
  const head = words(halves[0] ?? '');
  const rest = words(halves[1] ?? '');
  return [...head, ...Array<number>(8 - head.length - rest.length).fill(0), ...rest];
}

/** Do the first `bits` bits of `w` equal those of `prefix`? */
function inPrefix6(w: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < 8 && bits > 0; i++, bits -= 16) {
    const take = Math.min(16, bits);
    const mask = (0xffff << (16 - take)) & 0xffff;
    if (((w[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;

function forbiddenV6(ip: string): string | undefined {
  const w = ipv6Words(ip);
  if (w.every((x) => x === 0)) return 'unspecified';
  if (w.slice(0, 7).every((x) => x === 0) && w[7] === 1) return 'loopback';
  // Forms that carry an IPv4 address reach that address: judge the address they carry.
  const embedded: [number[], number, number][] = [
    [[0, 0, 0, 0, 0, 0xffff], 96, 6], // IPv4-mapped ::ffff:a.b.c.d
    [[0, 0, 0, 0, 0xffff, 0], 96, 6], // IPv4-translated ::ffff:0:a.b.c.d
    [[0x64, 0xff9b, 0, 0, 0, 0], 96, 6], // NAT64 64:ff9b::a.b.c.d
    [[0x2002], 16, 1], // 6to4 2002:aabb:ccdd::
  ];
  for (const [prefix, bits, at] of embedded) {
    if (inPrefix6(w, prefix, bits)) {
      const v4 = v4Of(w[at] ?? 0, w[at + 1] ?? 0);
      const why = forbiddenV4(v4);
      return why ? `${why} (${v4} inside IPv6)` : undefined;
    }
  }
  const ranges: [number[], number, string][] = [
    [[0, 0, 0, 0, 0, 0], 96, 'reserved'], // IPv4-compatible (deprecated)
    [[0x64, 0xff9b, 1], 48, 'reserved'], // local-use NAT64
    [[0x100, 0, 0, 0], 64, 'reserved'], // discard-only
    [[0x2001, 0], 32, 'reserved'], // Teredo
    [[0x2001, 0xdb8], 32, 'documentation'],
    [[0xfc00], 7, 'unique local (private)'], // includes AWS IMDS fd00:ec2::254
    [[0xfe80], 10, 'link-local'],
    [[0xfec0], 10, 'site-local'],
    [[0xff00], 8, 'multicast'],
  ];
  return ranges.find(([prefix, bits]) => inPrefix6(w, prefix, bits))?.[2];
}

/** Why an IP address is not a permitted alert target, or undefined when it is (a public unicast address). */
export function forbiddenAddress(address: string): string | undefined {
  const ip = address.replace(/^\[|\]$/g, '').replace(/%.*$/, ''); // URL brackets, IPv6 zone id
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  return family === 4 ? forbiddenV4(ip) : forbiddenV6(ip);
}

/** Host names that name this machine or a private network by convention. */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)\.?$/i;

/**
 * Config-time check of a sink URL: a problem to report, or undefined when it is acceptable. https only,
 * unless private targets are allowed (then http too); no literal private address, no local host name.
 */
export function checkTargetUrl(raw: string, allowPrivate: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not a valid URL';
  }
  const schemes = allowPrivate ? ['https:', 'http:'] : ['https:'];
  if (!schemes.includes(url.protocol))
    return allowPrivate
      ? 'must be an http(s) URL'
      : 'must be an https URL (http only with WARDEN_ALERT_ALLOW_PRIVATE_TARGETS=true)';
  if (allowPrivate) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    const why = forbiddenAddress(host);
    if (why) return `host is a ${why} address (allowed only with WARDEN_ALERT_ALLOW_PRIVATE_TARGETS=true)`;
  } else if (LOCAL_NAME.test(host)) {
    return 'host names a local or private network (allowed only with WARDEN_ALERT_ALLOW_PRIVATE_TARGETS=true)';
  }
  return undefined;
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Lookup = (host: string) => Promise<ResolvedAddress[]>;

const systemLookup: Lookup = async (host) =>
  (await dnsLookup(host, { all: true, verbatim: true })).map((a) => ({
    address: a.address,
    family: a.family === 6 ? 6 : 4,
  }));

/**
 * Send-time check: the addresses to connect to. Every address the host resolves to must be permitted (one bad
 * answer refuses the target: the resolver may rotate). A DNS failure is an ordinary, retryable error.
 */
export async function resolveTarget(
  url: URL,
  allowPrivate: boolean,
  lookup: Lookup = systemLookup,
): Promise<ResolvedAddress[]> {
  const problem = checkTargetUrl(url.href, allowPrivate);
  if (problem) throw new TargetError(`target ${url.host}: ${problem}`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host);
  const addresses: ResolvedAddress[] = literal
    ? [{ address: host, family: isIPv4(host) ? 4 : 6 }]
    : await lookup(host);
  if (!addresses.length) throw new Error(`${host} resolved to no address`);
  if (!allowPrivate) {
    for (const a of addresses) {
      const why = forbiddenAddress(a.address);
      if (why) throw new TargetError(`target ${url.host} resolves to a ${why} address (${a.address})`);
    }
  }
  return addresses;
}
