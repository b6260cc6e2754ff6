/**
 * Behaviours that only show across commands or inside payloads: a download (or decoded base64) that is run
 * (`curl … | sh`, `bash <(curl …)`, `eval "$(… | base64 -d)"`, `wget -O x && chmod +x x && ./x`), a shell
 * wired to a socket (reverse shells), and fork bombs.
 */
import { optionSet, parseArgs } from './argv.ts';
import { base64Decoder } from './payloads.ts';
import {
  basename,
  DECOMPRESSORS,
  DOWNLOADERS,
  interpreterCall,
  PASSTHROUGH,
  programKey,
  SHELLS,
  SOCKET_CLIENTS,
} from './programs.ts';
import { commandSubstitutions } from './shell-text.ts';
import { parseShell } from './shell.ts';
import type { ParsedShell, ShellCommand } from './types.ts';

const CODE_EXECS_DOWNLOAD =
  /\b(?:exec|eval)\s*\([\s\S]{0,200}?(?:urlopen|requests\.get|urllib|httpx\.get|fetch\(|Net::HTTP|open-uri)|\b(?:iex|invoke-expression)\b[\s\S]{0,200}?(?:downloadstring|iwr|invoke-webrequest|irm|invoke-restmethod|net\.webclient)|(?:downloadstring|invoke-webrequest|invoke-restmethod|\biwr|\birm)\b[\s\S]{0,200}?\|\s*(?:iex|invoke-expression)\b/i;
const CODE_EXECS_BASE64 =
  /\b(?:exec|eval|Function)\s*\([\s\S]{0,200}?(?:b64decode|decodebytes|a2b_base64|atob\(|decode_base64|unpack1?\(\s*['"]m|Buffer\.from\([^)]*base64)|FromBase64String[\s\S]{0,300}?\b(?:iex|invoke-expression)\b|\b(?:iex|invoke-expression)\b[\s\S]{0,300}?FromBase64String/i;
/** Interpreter code that opens a socket and hands it a shell: [socket evidence, shell evidence], any order. */
const CODE_REVERSE_SHELL: [RegExp, RegExp][] = [
  [/\bsocket\b/, /\b(?:pty\.spawn|os\.dup2|subprocess\.(?:call|Popen|run))/],
  [/\bsocket\s*\(/, /\b(?:exec|system|open)\s*\(?\s*["'](?:\/bin\/)?(?:ba|z|da)?sh\b/],
  [/\bTCPSocket\b/, /\b(?:exec|spawn|system|IO\.popen)\b/],
  [/\bfsockopen\s*\(/, /\b(?:exec|shell_exec|system|proc_open|passthru|popen)\s*\(/],
  [
    /require\(\s*['"](?:node:)?net['"]\s*\)|\bnet\.(?:Socket|connect|createConnection)\b/,
    /\b(?:child_process|spawn|execSync)\b/,
  ],
  [/Net\.Sockets\.TCPClient/i, /\b(?:iex|invoke-expression|GetStream)\b/i],
];
/** `name(){ name|name& };name` (the name bounded and anchored: no backtracking over long words). */
const FORK_BOMB =
  /(?<![\w:.-])([\w:.-]{1,32})\s*\(\)\s*\{\s*\1\s*\|\s*\1\s*&?\s*\}\s*;?\s*\1|\bfork\s+while\s+fork\b|while\s*(?:True|1)\s*:\s*os\.fork\(\)/;
const DEV_TCP = /^\/dev\/(?:tcp|udp)\//;
const EXECUTABLE_MODE = /^(?:[ugoa]*\+[rwX]*x[rwX]*|[0-7]?[0-7][1357][0-7]?[0-7]?)$/;

export function flowBehaviours(shell: ParsedShell): string[] {
  const found = new Set<string>();
  const codes = shell.payloads.filter((p) => p.kind !== 'sh-c' && p.kind !== 'eval').map((p) => p.text);
  // Code with no payload kind of its own (`php -r`, `powershell -Command`, `iex …`).
  for (const cmd of shell.pipelines.flat()) {
    const call = interpreterCall(cmd);
    if (call?.code !== undefined && (call.language === 'php' || call.language === 'powershell'))
      codes.push(call.code);
  }
  for (const pipeline of shell.pipelines) {
    pipelineBehaviours(pipeline).forEach((b) => found.add(b));
    for (const cmd of pipeline) substitutionBehaviours(cmd).forEach((b) => found.add(b));
  }
  producedThenRun(shell.pipelines).forEach((b) => found.add(b));
  if (shell.payloads.some((p) => p.kind === 'powershell-enc')) found.add('base64-exec');
  if (codes.some((code) => CODE_EXECS_DOWNLOAD.test(code))) found.add('curl-pipe-shell');
  if (codes.some((code) => CODE_EXECS_BASE64.test(code))) found.add('base64-exec');
  const reverseShell = (code: string) =>
    CODE_REVERSE_SHELL.some(([socket, sh]) => socket.test(code) && sh.test(code));
  if (codes.some(reverseShell)) found.add('reverse-shell');
  if ([shell.raw, ...codes].some((text) => FORK_BOMB.test(text))) found.add('fork-bomb');
  return [...found];
}

/** The program runs what arrives on standard input as code. */
const runsStdin = (cmd: ShellCommand) => interpreterCall(cmd)?.readsStdin === true;

/** A downloader that writes the body to standard output (wget only with `-O -`). */
function downloadsToStdout(cmd: ShellCommand): boolean {
  const key = programKey(cmd.name);
  if (!DOWNLOADERS.has(key)) return false;
  if (key !== 'wget') return true;
  const parsed = parseArgs(cmd.args, {
    withValue: new Set(['O', 'output-document', 'o', 'P', 'e', 'U', 't', 'T']),
  });
  return parsed.options.some((o) => (o.name === 'O' || o.name === 'output-document') && o.value === '-');
}

function socketClient(cmd: ShellCommand): boolean {
  return SOCKET_CLIENTS.has(programKey(cmd.name)) || (cmd.name === 'openssl' && cmd.args[0] === 's_client');
}

function pipelineBehaviours(pipeline: ShellCommand[]): string[] {
  const found: string[] = [];
  const feedsCode = (from: number) => {
    for (let next = from + 1; next < pipeline.length; next += 1) {
      const cmd = pipeline[next] as ShellCommand;
      const key = programKey(cmd.name);
      if (!PASSTHROUGH.has(key) && !DECOMPRESSORS.has(key)) return runsStdin(cmd);
    }
    return false;
  };
  pipeline.forEach((cmd, i) => {
    if (downloadsToStdout(cmd) && feedsCode(i)) found.push('curl-pipe-shell');
    if (base64Decoder(cmd) && feedsCode(i)) found.push('base64-exec');
    if ((programKey(cmd.name) === 'echo' || programKey(cmd.name) === 'printf') && feedsCode(i))
      found.push('eval');
    const key = programKey(cmd.name);
    const shellLike = SHELLS.has(key) || key === 'exec';
    if (shellLike && cmd.redirects.some((r) => DEV_TCP.test(r.target))) found.push('reverse-shell');
    if (
      ['nc', 'ncat', 'netcat'].includes(key) &&
      cmd.args.some((a) => /^(?:-[a-zA-Z]*[ec]|--(?:exec|sh-exec|lua-exec))/.test(a))
    ) {
      found.push('reverse-shell');
    }
    if (
      key === 'socat' &&
      cmd.args.some((a) => /^(?:exec|system):/i.test(a)) &&
      cmd.args.some((a) => /^(?:tcp|openssl|ssl|udp)/i.test(a))
    ) {
      found.push('reverse-shell');
    }
  });
  const shellInPipe = pipeline.some(
    (cmd) => SHELLS.has(programKey(cmd.name)) && (runsStdin(cmd) || cmd.args.includes('-i')),
  );
  if (shellInPipe && pipeline.some(socketClient)) found.push('reverse-shell');
  return found;
}

/** `bash <(curl …)`, `sh -c "$(curl …)"`, `eval "$(echo … | base64 -d)"`, `$(curl …)` as the program. */
function substitutionBehaviours(cmd: ShellCommand): string[] {
  const key = programKey(cmd.name);
  const runsArgs = interpreterCall(cmd) !== undefined || ['eval', 'source', '.'].includes(key);
  const words = runsArgs ? [cmd.program, ...cmd.args] : [cmd.program];
  const found: string[] = [];
  for (const word of words) {
    if (!/\$\(|`|<\(/.test(word)) continue;
    for (const inner of commandSubstitutions(word)) {
      const commands = parseShell(inner).pipelines.flat();
      if (commands.some((c) => DOWNLOADERS.has(programKey(c.name)))) found.push('curl-pipe-shell');
      if (commands.some(base64Decoder)) found.push('base64-exec');
    }
  }
  return found;
}

/**
 * A file that a download (or a base64 decode) produced, later made executable or run: `wget -O /tmp/a URL &&
 * chmod +x /tmp/a && /tmp/a`, `curl -sO https://x/i.sh; bash i.sh`. Matched by file name.
 */
function producedThenRun(pipelines: ShellCommand[][]): string[] {
  const produced = new Map<string, string>();
  const found: string[] = [];
  for (const cmd of pipelines.flat()) {
    const key = programKey(cmd.name);
    const runs = [
      cmd.program,
      interpreterCall(cmd)?.script,
      key === 'source' || key === '.' ? cmd.args[0] : undefined,
    ];
    if (key === 'chmod' && EXECUTABLE_MODE.test(parseArgs(cmd.args).operands[0] ?? ''))
      runs.push(...parseArgs(cmd.args).operands.slice(1));
    for (const path of runs) {
      const behaviour = path === undefined ? undefined : produced.get(basename(path));
      if (behaviour !== undefined) found.push(behaviour);
    }
    const kind = DOWNLOADERS.has(key) ? 'download-exec' : base64Decoder(cmd) ? 'base64-exec' : undefined;
    if (kind !== undefined) for (const file of outputFiles(cmd, key)) produced.set(basename(file), kind);
  }
  return found;
}

const OUTPUT_OPTIONS: Record<string, { values: ReadonlySet<string>; outputs: string[] }> = {
  curl: {
    values: optionSet('o output d data H header X request A e u T F x m w K'),
    outputs: ['o', 'output'],
  },
  wget: {
    values: optionSet('O output-document o output-file P e U t T header post-data post-file'),
    outputs: ['O', 'output-document'],
  },
  aria2c: { values: new Set(['o', 'out', 'd', 'dir']), outputs: ['o', 'out'] },
  base64: { values: new Set(['o', 'output', 'i', 'input', 'w', 'b']), outputs: ['o', 'output'] },
};

/** Files a downloader or decoder writes: `-o f`, `-O` (name from the URL), wget's default name, `> f`. */
function outputFiles(cmd: ShellCommand, key: string): string[] {
  const files = cmd.redirects
    .filter((r) => r.op === '>' || r.op === '1>' || r.op === '>|')
    .map((r) => r.target);
  if (key === 'iwr' || key === 'invoke-webrequest') {
    const at = cmd.args.findIndex((a) => /^-outf/i.test(a));
    return at === -1 ? files : [...files, cmd.args[at + 1] ?? ''];
  }
  const spec = OUTPUT_OPTIONS[key];
  if (spec === undefined) return files;
  const parsed = parseArgs(cmd.args, { withValue: spec.values });
  const named = parsed.options
    .filter((o) => spec.outputs.includes(o.name) && o.value !== '-')
    .map((o) => o.value ?? '');
  const urlName = (url: string) => basename(url.replace(/[?#].*$/, '')) || 'index.html';
  const urls = parsed.operands.filter((a) => /^[a-z]+:\/\//i.test(a));
  const remoteName = key === 'curl' && parsed.options.some((o) => o.name === 'O' || o.name === 'remote-name');
  const wgetDefault = key === 'wget' && named.length === 0 && !parsed.options.some((o) => o.name === 'O');
  return [...files, ...named, ...(remoteName || wgetDefault ? urls.map(urlName) : [])].filter(
    (f) => f !== '',
  );
}
