/**
 * Where a network target points: the host (from a URL, `user@host:path`, `host:port`, an IP literal in any
 * notation inet_aton accepts) and its class (registry, code host, paste, webhook, tunnel, file share, IP,
 * internal), plus whether the name looks like data smuggled through DNS labels.
 */
import { shannonEntropy } from '../../schemas/text.ts';
import type { DestinationClass, NetworkFacts } from './types.ts';

export interface Destination {
  host: string;
  class: DestinationClass;
  dnsEncoded: boolean;
}

type Listed = Exclude<DestinationClass, 'ip-literal' | 'localhost' | 'internal' | 'other'>;

/** Domains (and their subdomains) per class. Checked in this order: the first listed wins. */
const DOMAIN_LISTS: [Listed, string][] = [
  [
    'paste',
    'gist.github.com gist.githubusercontent.com pastebin.com paste.ee hastebin.com hastebin.skyra.pw ' +
      'ghostbin.com ghostbin.co dpaste.com dpaste.org termbin.com ix.io sprunge.us paste.rs rentry.co ' +
      'rentry.org controlc.com privatebin.net pastie.org justpaste.it bpa.st pastes.dev katb.in ' +
      'pastebin.pl',
  ],
  [
    'webhook',
    'webhook.site requestbin.com requestbin.net pipedream.net hooks.slack.com beeceptor.com ' +
      'requestcatcher.com hookbin.com webhook.office.com api.telegram.org interact.sh oast.fun oast.pro ' +
      'oast.live oast.site oast.online oast.me burpcollaborator.net oastify.com canarytokens.com ' +
      'postb.in ptsv2.com ptsv3.com mockbin.org webhook.cool typedwebhook.tools',
  ],
  [
    'tunnel',
    'ngrok.io ngrok.app ngrok-free.app ngrok.dev ngrok-free.dev trycloudflare.com serveo.net ' +
      'serveousercontent.com localhost.run lhr.life lhr.rocks loca.lt localtunnel.me bore.pub pinggy.io ' +
      'pinggy.link pagekite.me localxpose.io loclx.io telebit.cloud tunnelmole.net devtunnels.ms',
  ],
  [
    'file-share',
    'transfer.sh file.io 0x0.st anonfiles.com gofile.io wetransfer.com we.tl mega.nz mega.io ' +
      'dropbox.com dropboxapi.com dropboxusercontent.com catbox.moe filebin.net bashupload.com oshi.at ' +
      'temp.sh tmpfiles.org uguu.se pixeldrain.com sendspace.com mediafire.com drive.google.com ' +
      'storage.googleapis.com s3.amazonaws.com blob.core.windows.net files.catbox.moe ' +
      'litterbox.catbox.moe keep.sh filetransfer.io',
  ],
  [
    'code-host',
    'github.com api.github.com raw.githubusercontent.com codeload.github.com ' +
      'objects.githubusercontent.com gitlab.com bitbucket.org codeberg.org git.sr.ht dev.azure.com ' +
      'ssh.dev.azure.com huggingface.co sourceforge.net',
  ],
  [
    'package-registry',
    'registry.npmjs.org registry.yarnpkg.com npm.pkg.github.com pypi.org pypi.python.org ' +
      'files.pythonhosted.org crates.io static.crates.io index.crates.io proxy.golang.org ' +
      'sum.golang.org repo.maven.apache.org repo1.maven.org plugins.gradle.org services.gradle.org ' +
      'rubygems.org deb.debian.org security.debian.org archive.ubuntu.com security.ubuntu.com ' +
      'ports.ubuntu.com dl-cdn.alpinelinux.org registry-1.docker.io registry.hub.docker.com docker.io ' +
      'ghcr.io quay.io api.nuget.org nuget.org packagist.org repo.packagist.org conda.anaconda.org ' +
      'repo.anaconda.com cocoapods.org pub.dev hex.pm repo.hex.pm cpan.org mirrors.kernel.org ' +
      'download.docker.com get.docker.com sh.rustup.rs static.rust-lang.org nodejs.org ' +
      'deb.nodesource.com bun.sh deno.land astral.sh dl.google.com download.pytorch.org',
  ],
];
const DOMAINS = DOMAIN_LISTS.map(([cls, domains]): [Listed, string[]] => [cls, domains.split(' ')]);
const INTERNAL_SUFFIXES = ['.internal', '.local', '.corp', '.lan', '.home.arpa', '.intranet', '.localdomain'];
/** Webhooks that live under a path of a general host. */
const WEBHOOK_PATHS: [string, RegExp][] = [
  ['discord.com', /^\/api\/webhooks\//],
  ['discordapp.com', /^\/api\/webhooks\//],
  ['script.google.com', /^\/macros\//],
];

/** Cloud object stores addressed by bucket: anyone's bucket, so a file share. */
const OBJECT_STORE = /^(?:s3|gs|az|r2):\/\//i;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
const SCP_LIKE = /^(?:[^@/\s]+@)?(\[[^\]]+\]|[^:/\s@]+):(?!\/\/)/;
// `=` only as base64 padding ending a label: not valid DNS, but resolvers are asked all the same.
const HOST_CHARS = /^(?:(?:[a-z0-9_${}()…-]+=*\.?)+|[0-9a-f:.]+)$/i;

/** `$( … )` and backticks inside a target (they may hold spaces and slashes): replaced before splitting. */
const SUBSTITUTION = /\$\([^()]*\)|`[^`]*`/g;
const IPV6 = /^[0-9a-f]*:[0-9a-f]*:[0-9a-f:.]*$/i;

interface SplitTarget {
  /** Lower-cased (kept as written when it holds a substitution). */
  host: string;
  /** As written: letter case matters to tell base64 in DNS labels. */
  rawHost: string;
  path: string;
}

/** Host and the rest of a target: `https://u:p@h:8080/x`, `user@host:path`, `host:port`, `[::1]:22`, `h/x`. */
export function splitTarget(target: string): SplitTarget | undefined {
  let rest = target.trim().replace(SUBSTITUTION, '$(…)');
  if (IPV6.test(rest)) return hostAndPath(rest, '');
  const scheme = SCHEME.exec(rest);
  if (scheme !== null) rest = rest.slice(scheme[0].length);
  else {
    const scp = SCP_LIKE.exec(rest);
    if (scp !== null && !/^[a-z]$/i.test(scp[1] ?? ''))
      return hostAndPath(scp[1] ?? '', rest.slice(scp[0].length));
  }
  const end = rest.search(/[/?#]/);
  const authority = end === -1 ? rest : rest.slice(0, end);
  const path = end === -1 ? '' : rest.slice(end);
  const host = authority.slice(authority.lastIndexOf('@') + 1);
  if (host.startsWith('[')) return hostAndPath(host.slice(0, host.indexOf(']') + 1), path);
  const colons = host.split(':').length - 1;
  return hostAndPath(colons === 1 ? host.slice(0, host.indexOf(':')) : host, path);
}

function hostAndPath(written: string, path: string): SplitTarget | undefined {
  const rawHost = written.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (rawHost === '' || !HOST_CHARS.test(rawHost)) return undefined;
  return { host: rawHost.includes('$') ? rawHost : rawHost.toLowerCase(), rawHost, path };
}

/** Classifies a target; undefined when it names no host. */
export function classifyDestination(target: string): Destination | undefined {
  const split = splitTarget(target);
  if (split === undefined) return undefined;
  const { rawHost, path } = split;
  const v4 = parseIPv4(split.host);
  const host = v4 === undefined ? split.host : dottedQuad(v4); // `http://2852039166/` is 169.254.169.254
  const bucket = OBJECT_STORE.test(target.trim());
  return {
    host,
    class: bucket ? 'file-share' : classifyHost(host, path),
    dnsEncoded: looksDnsEncoded(rawHost),
  };
}

/** A network fact for a target, when it names a host. */
export function networkFact(
  target: string,
  direction: NetworkFacts['direction'],
  via: string,
): NetworkFacts | undefined {
  const destination = classifyDestination(target);
  if (destination === undefined) return undefined;
  const facts: NetworkFacts = { target, host: destination.host, class: destination.class, direction, via };
  if (destination.dnsEncoded) facts.dnsEncoded = true;
  return facts;
}

export function classifyHost(host: string, path = ''): DestinationClass {
  if (host.includes('$')) return 'other'; // a variable: could be anywhere
  const v4 = parseIPv4(host);
  if (v4 !== undefined) return classifyIPv4(v4);
  if (host.includes(':')) return classifyIPv6(host);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'localhost';
  for (const [domain, pattern] of WEBHOOK_PATHS)
    if (inDomain(host, domain) && pattern.test(path)) return 'webhook';
  for (const [cls, domains] of DOMAINS) if (domains.some((domain) => inDomain(host, domain))) return cls;
  if (host.startsWith('paste.')) return 'paste';
  if (!host.includes('.') || INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix))) return 'internal';
  return 'other';
}

const inDomain = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`);

/** inet_aton: `1.2.3.4`, `2130706433`, `0x7f.1`, `0177.0.0.1` → a 32-bit number. */
export function parseIPv4(host: string): number | undefined {
  const parts = host.split('.');
  if (parts.length > 4 || !parts.every((p) => /^(?:0x[0-9a-f]+|0[0-7]*|[1-9][0-9]*)$/i.test(p)))
    return undefined;
  const numbers = parts.map((p) =>
    /^0x/i.test(p)
      ? parseInt(p.slice(2), 16)
      : p.length > 1 && p.startsWith('0')
        ? parseInt(p, 8)
        : Number(p),
  );
  const last = numbers.pop() ?? 0;
  if (numbers.some((n) => n > 255) || last >= 256 ** (4 - numbers.length)) return undefined;
  return numbers.reduce((acc, n, i) => acc + n * 256 ** (3 - i), 0) + last;
}

const dottedQuad = (ip: number) => [24, 16, 8, 0].map((shift) => Math.floor(ip / 2 ** shift) % 256).join('.');

function classifyIPv4(ip: number): DestinationClass {
  const a = Math.floor(ip / 2 ** 24);
  const b = Math.floor(ip / 2 ** 16) % 256;
  if (a === 127 || ip === 0) return 'localhost';
  if (a === 10 || (a === 172 && b >= 16 && b < 32) || (a === 192 && b === 168)) return 'internal';
  if ((a === 169 && b === 254) || (a === 100 && b >= 64 && b < 128)) return 'internal';
  return 'ip-literal';
}

function classifyIPv6(host: string): DestinationClass {
  if (host === '::1' || host === '::') return 'localhost';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host);
  if (mapped !== null) return classifyIPv4(parseIPv4(mapped[1] ?? '') ?? 0);
  if (/^f[cd][0-9a-f]{0,2}:/.test(host) || /^fe[89ab][0-9a-f]?:/.test(host)) return 'internal';
  return 'ip-literal';
}

const HEX_LABEL = /^[0-9a-f]{16,}$/i;
const BASE32_LABEL = /^[a-z2-7]{24,}=*$/i;
const MIXED_CASE = /[a-z].*[A-Z]|[A-Z].*[a-z]/;

/**
 * Data in DNS labels: a command substitution in the name (`$(whoami).x.example`), or subdomain labels that are
 * long hex, base32 or mixed-case base64, very long and random, or many labels of payload in total.
 */
export function looksDnsEncoded(host: string): boolean {
  if (host.includes('$(') || host.includes('`')) return true;
  if (/^\$\{?[A-Za-z_]\w*\}?\.[^.]+\.[^.]+/.test(host)) return true; // `$USER.attacker.example`
  if (parseIPv4(host) !== undefined || host.includes(':')) return false;
  const labels = host
    .split('.')
    .slice(0, -2)
    .filter((label) => !label.startsWith('xn--'));
  if (labels.join('').length >= 64) return true;
  return labels.some((label) => {
    if (/^[A-Za-z0-9+/_-]{4,}={1,2}$/.test(label)) return true; // base64, padding and all
    if (HEX_LABEL.test(label) && /[a-f]/i.test(label) && /\d/.test(label)) return true;
    if (label.length >= 16 && MIXED_CASE.test(label) && shannonEntropy(label) >= 3.5) return true;
    if (BASE32_LABEL.test(label) && /\d/.test(label) && shannonEntropy(label) >= 3.5) return true;
    return label.length >= 40 && shannonEntropy(label) >= 4.2;
  });
}
