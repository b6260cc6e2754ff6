/**
 * Network activity of one command: who it talks to, in which direction, and which local files it sends.
 * HTTP clients (curl, wget, httpie, Invoke-WebRequest), raw sockets (nc, socat, telnet, `/dev/tcp`), ssh and
 * DNS/ICMP tools live here; file-transfer tools (scp, rsync, git, cloud storage) in transfers.ts.
 */
import { hasOption, optionSet, optionValues, parseArgs, type ParsedArgs } from './argv.ts';
import { networkFact } from './destinations.ts';
import { programKey, SHELLS, SSH_VALUE_OPTIONS } from './programs.ts';
import { transferNetwork } from './transfers.ts';
import type { NetworkFacts, ShellCommand } from './types.ts';

export interface CommandNetwork {
  facts: NetworkFacts[];
  /** Local files whose content is sent (`curl -d @file`, `-F f=@file`, `scp file host:`). */
  sent: string[];
}

export interface NetworkContext {
  /** The command's standard input comes from the previous command of a pipeline. */
  stdinPiped?: boolean;
}

type Direction = NetworkFacts['direction'];

const CURL_VALUES = optionSet(
  'd data data-raw data-binary data-urlencode data-ascii json F form form-string H header X request o output u user A user-agent e referer b cookie c cookie-jar T upload-file x proxy connect-timeout m max-time retry retry-delay retry-max-time w write-out K config cacert capath cert key E resolve url r range U proxy-user limit-rate max-filesize C continue-at interface dns-servers doh-url output-dir unix-socket Q quote oauth2-bearer proto proto-redir ciphers aws-sigv4 variable y Y z connect-to max-redirs t',
);
const CURL_DATA = ['d', 'data', 'data-raw', 'data-binary', 'data-urlencode', 'data-ascii', 'json'];
const CURL_FORM = ['F', 'form'];
const CURL_UPLOAD = ['T', 'upload-file'];
const WGET_VALUES = optionSet(
  'O output-document o output-file a append-output P directory-prefix post-data post-file body-data body-file method header U user-agent user password http-user http-password e execute t tries T timeout w wait i input-file Q quota l level A accept R reject D domains referer load-cookies save-cookies B base bind-address limit-rate',
);
const NC_VALUES = optionSet(
  'p s w i q e c x X P O I T M m o exec sh-exec lua-exec proxy proxy-type output source wait',
);
const PING_VALUES = optionSet('c i W w s t I p Q l M m S F T');
const DIG_VALUES = optionSet('b c f k p q t x y');
const HOST_VALUES = optionSet('c t m N R W');
const DNS_TYPES =
  /^(?:a|aaaa|txt|mx|ns|cname|soa|ptr|srv|any|caa|ds|dnskey|https|svcb|axfr|ixfr|naptr|spf|in|ch|hs)$/i;
const UPLOAD_METHODS = /^(?:post|put|patch)$/i;
const DEV_TCP = /^\/dev\/(?:tcp|udp)\/([^/]+)\/(\d+)/;
const SOCAT_REMOTE =
  /^(?:tcp[46]?|tcp-connect|openssl(?:-connect)?|ssl|udp[46]?|udp-connect|udp-sendto):([^:,]+):(\d+)/i;
const SOCAT_FILE_INPUT = /^(?:file|open|gopen|create):/i;
const HTTPIE_DATA = /^[^=:@]*(?::=|==|=|@|:=@|=@)/;

type Handler = (cmd: ShellCommand, ctx: NetworkContext) => CommandNetwork;

const HANDLERS: Record<string, Handler> = {
  curl: curl,
  curlie: curl,
  wget: wget,
  http: httpie,
  https: httpie,
  xh: httpie,
  aria2c: (cmd) =>
    simple(cmd, parseArgs(cmd.args, { withValue: optionSet('o d s x i') }).operands, 'download'),
  'lwp-request': (cmd) => simple(cmd, parseArgs(cmd.args).operands, 'download'),
  iwr: invokeWebRequest,
  irm: invokeWebRequest,
  'invoke-webrequest': invokeWebRequest,
  'invoke-restmethod': invokeWebRequest,
  nc: netcat,
  ncat: netcat,
  netcat: netcat,
  telnet: (cmd, ctx) =>
    simple(cmd, parseArgs(cmd.args).operands.slice(0, 1), fed(cmd, ctx) ? 'upload' : 'connect'),
  socat: socat,
  ssh: (cmd, ctx) => {
    const destination = parseArgs(cmd.args, { withValue: SSH_VALUE_OPTIONS, stopAtOperand: true });
    return simple(
      cmd,
      cmd.args.slice(destination.end, destination.end + 1),
      fed(cmd, ctx) ? 'upload' : 'connect',
    );
  },
  ping: (cmd) => lastOperand(cmd, PING_VALUES),
  ping6: (cmd) => lastOperand(cmd, PING_VALUES),
  traceroute: (cmd) => lastOperand(cmd, optionSet('f m p q w z s i')),
  tracepath: (cmd) => lastOperand(cmd, optionSet('l m p')),
  mtr: (cmd) => lastOperand(cmd, optionSet('c i s')),
  dig: (cmd) => digLike(cmd, DIG_VALUES),
  drill: (cmd) => digLike(cmd, DIG_VALUES),
  host: (cmd) => simple(cmd, parseArgs(cmd.args, { withValue: HOST_VALUES }).operands.slice(0, 1), 'connect'),
  nslookup: (cmd) => simple(cmd, parseArgs(cmd.args).operands.slice(0, 1), 'connect'),
  ftp: (cmd) => simple(cmd, parseArgs(cmd.args).operands.slice(0, 1), 'connect'),
  tftp: (cmd) => simple(cmd, parseArgs(cmd.args).operands.slice(0, 1), 'connect'),
  openssl: (cmd) => {
    if (cmd.args[0] !== 's_client') return none();
    const connect = cmd.args[cmd.args.indexOf('-connect') + 1];
    return simple(cmd, cmd.args.includes('-connect') && connect !== undefined ? [connect] : [], 'connect');
  },
};

export function extractNetwork(cmd: ShellCommand, ctx: NetworkContext = {}): NetworkFacts[] {
  return commandNetwork(cmd, ctx).facts;
}

export function commandNetwork(cmd: ShellCommand, ctx: NetworkContext = {}): CommandNetwork {
  const handler = HANDLERS[programKey(cmd.name)];
  const found = handler?.(cmd, ctx) ?? transferNetwork(cmd) ?? none();
  for (const redirect of cmd.redirects) {
    const socket = DEV_TCP.exec(redirect.target);
    if (socket === null) continue;
    // `cat secrets > /dev/tcp/h/p` sends; a shell bound to the socket (`bash -i >& /dev/tcp/…`) is a session.
    const sends =
      redirect.op.includes('>') && !redirect.op.includes('<') && !SHELLS.has(programKey(cmd.name));
    const target = `${socket[1] ?? ''}:${socket[2] ?? ''}`;
    pushFact(found.facts, target, sends ? 'upload' : 'connect', cmd.name || 'bash');
  }
  return found;
}

function pushFact(facts: NetworkFacts[], target: string, direction: Direction, via: string): void {
  const fact = networkFact(target, direction, via);
  if (fact !== undefined) facts.push(fact);
}

const none = (): CommandNetwork => ({ facts: [], sent: [] });

function simple(
  cmd: ShellCommand,
  targets: string[],
  direction: Direction,
  sent: string[] = [],
): CommandNetwork {
  const facts: NetworkFacts[] = [];
  for (const target of targets) pushFact(facts, target, direction, cmd.name);
  return { facts, sent };
}

function lastOperand(cmd: ShellCommand, withValue: ReadonlySet<string>): CommandNetwork {
  return simple(cmd, parseArgs(cmd.args, { withValue }).operands.slice(-1), 'connect');
}

/** Input is data to send: piped in, redirected from a file, or a here-string. */
function fed(cmd: ShellCommand, ctx: NetworkContext): boolean {
  return ctx.stdinPiped === true || cmd.redirects.some((r) => /^0?<(?!&)/.test(r.op));
}

/** `@file` → `file`; `@-` (standard input) is not a file. */
const fileRef = (value: string) => (value.startsWith('@') && value !== '@-' ? value.slice(1) : undefined);

function curl(cmd: ShellCommand): CommandNetwork {
  const parsed = parseArgs(cmd.args, { withValue: CURL_VALUES });
  const data = optionValues(parsed, ...CURL_DATA);
  const forms = optionValues(parsed, ...CURL_FORM);
  const uploads = optionValues(parsed, ...CURL_UPLOAD);
  const method = optionValues(parsed, 'X', 'request').at(-1) ?? '';
  const sendsBody =
    (data.length > 0 && !hasOption(parsed, 'G', 'get')) || forms.length > 0 || uploads.length > 0;
  const sent = [
    ...data.map(fileRef),
    ...forms.map((form) => /=[@<]([^;]+)/.exec(form)?.[1]),
    ...uploads.filter((file) => file !== '-' && file !== '.'),
  ].filter((file): file is string => file !== undefined);
  const urls = [...parsed.operands, ...optionValues(parsed, 'url')].filter((url) => !/^file:/i.test(url));
  const found = simple(cmd, urls, sendsBody || UPLOAD_METHODS.test(method) ? 'upload' : 'download', sent);
  if (forms.length === 0 && uploads.length === 0 && data.every(literalText)) markInline(found);
  return found;
}

/** Text that is what it says: not a file (`@f`), standard input, a variable or a substitution. */
const literalText = (value: string) => !value.startsWith('@') && !/[$`]/.test(value);

function markInline(found: CommandNetwork): void {
  for (const fact of found.facts) if (fact.direction === 'upload') fact.inlineBody = true;
}

function wget(cmd: ShellCommand): CommandNetwork {
  const parsed = parseArgs(cmd.args, { withValue: WGET_VALUES });
  const files = optionValues(parsed, 'post-file', 'body-file');
  const upload =
    files.length > 0 ||
    optionValues(parsed, 'post-data', 'body-data').length > 0 ||
    UPLOAD_METHODS.test(optionValues(parsed, 'method').at(-1) ?? '');
  const found = simple(cmd, parsed.operands, upload ? 'upload' : 'download', files);
  if (files.length === 0 && optionValues(parsed, 'post-data', 'body-data').every(literalText))
    markInline(found);
  return found;
}

/** httpie / xh: `http [METHOD] URL [items]`; `k=v`, `k:=json`, `k@file` items make a body. */
function httpie(cmd: ShellCommand): CommandNetwork {
  const parsed = parseArgs(cmd.args, {
    withValue: optionSet('a auth A auth-type o output session verify cert cert-key'),
  });
  const [first = '', ...rest] = parsed.operands;
  const hasMethod = /^[A-Z]+$/.test(first);
  const url = hasMethod ? (rest.shift() ?? '') : first;
  const target = url.startsWith(':') ? `localhost${url}` : url;
  const items = rest.filter((item) => HTTPIE_DATA.test(item) && !item.includes('=='));
  const sent = items.map((item) => /@(.+)$/.exec(item)?.[1]).filter((f): f is string => f !== undefined);
  const upload =
    (hasMethod && UPLOAD_METHODS.test(first)) || items.length > 0 || hasOption(parsed, 'f', 'form');
  return simple(cmd, [target], upload ? 'upload' : 'download', sent);
}

/** PowerShell: `iwr -Uri X -Method Post -Body … -InFile f` (options case-insensitive, any prefix). */
function invokeWebRequest(cmd: ShellCommand): CommandNetwork {
  let url: string | undefined;
  let upload = false;
  const sent: string[] = [];
  for (let i = 0; i < cmd.args.length; i += 1) {
    const word = cmd.args[i] ?? '';
    const option = word.startsWith('-') ? word.slice(1).toLowerCase() : undefined;
    const value = cmd.args[i + 1] ?? '';
    if (option === undefined) url ??= word;
    else if (option === 'uri') url = value;
    else if (option === 'method') upload ||= UPLOAD_METHODS.test(value);
    else if (option === 'body') upload = true;
    else if (option === 'infile') {
      upload = true;
      sent.push(value);
    }
    if (option !== undefined && !['usebasicparsing', 'usedefaultcredentials'].includes(option)) i += 1;
  }
  return simple(cmd, url === undefined ? [] : [url], upload ? 'upload' : 'download', sent);
}

function netcat(cmd: ShellCommand, ctx: NetworkContext): CommandNetwork {
  const parsed: ParsedArgs = parseArgs(cmd.args, { withValue: NC_VALUES });
  if (hasOption(parsed, 'l', 'listen')) return none();
  const [host, port] = parsed.operands;
  if (host === undefined) return none();
  return simple(cmd, [port === undefined ? host : `${host}:${port}`], fed(cmd, ctx) ? 'upload' : 'connect');
}

/** `socat <address> <address>`: the remote one is the destination; a file or piped input on the other sends. */
function socat(cmd: ShellCommand, ctx: NetworkContext): CommandNetwork {
  const addresses = parseArgs(cmd.args, { withValue: optionSet('b t T') }).operands;
  const remote = addresses.find((a) => SOCAT_REMOTE.test(a));
  const match = remote === undefined ? null : SOCAT_REMOTE.exec(remote);
  if (match === null) return none();
  const other = addresses.find((a) => a !== remote) ?? '';
  const sends =
    SOCAT_FILE_INPUT.test(other) || (ctx.stdinPiped === true && /^(?:-|stdin|stdio)$/i.test(other));
  const sent = SOCAT_FILE_INPUT.test(other) ? [other.slice(other.indexOf(':') + 1).split(',')[0] ?? ''] : [];
  return simple(cmd, [`${match[1] ?? ''}:${match[2] ?? ''}`], sends ? 'upload' : 'connect', sent);
}

/** Names looked up by `dig`/`drill` (not `@server`, `+options` or record types). */
function digLike(cmd: ShellCommand, withValue: ReadonlySet<string>): CommandNetwork {
  const parsed = parseArgs(cmd.args, { withValue });
  const names = parsed.operands.filter((a) => !a.startsWith('@') && !a.startsWith('+') && !DNS_TYPES.test(a));
  return simple(cmd, [...names, ...optionValues(parsed, 'q')], 'connect');
}

const URL_IN_CODE = /\bhttps?:\/\/[^\s'"<>`)\]}]+/g;
const SOCKET_IN_CODE =
  /(?:TCPClient|TCPSocket|fsockopen|create_connection|connect)\s*\(\s*\(?\s*['"]([\w.:-]+)['"]\s*,\s*(\d{1,5})|PeerAddr\s*=>\s*['"]([\w.-]+):(\d{1,5})/g;
const CODE_SENDS =
  /\b(?:requests|httpx|session)\.(?:post|put|patch)\s*\(|method\s*[:=]\s*['"](?:POST|PUT|PATCH)['"]|UploadFile|UploadString|urlopen\([^)]*data\s*=|\.(?:sendall|send|write)\s*\(/i;

/** Destinations in interpreter code (`python -c`, `node -e`, decoded PowerShell): URLs and socket connects. */
export function networkInCode(code: string, via: string): NetworkFacts[] {
  const facts: NetworkFacts[] = [];
  const direction: Direction = CODE_SENDS.test(code) ? 'upload' : 'connect';
  for (const match of code.matchAll(URL_IN_CODE)) pushFact(facts, match[0], direction, via);
  for (const match of code.matchAll(SOCKET_IN_CODE)) {
    pushFact(facts, `${match[1] ?? match[3] ?? ''}:${match[2] ?? match[4] ?? ''}`, direction, via);
  }
  return facts;
}
