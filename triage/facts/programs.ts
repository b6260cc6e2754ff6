/**
 * What Warden knows about programs, shared by the parser, the file/network extractors and the behaviour
 * rules: which programs are interpreters and where their code comes from, which download, how `git` is
 * invoked. One place, so every module agrees on what `python3 -c` or `bash -s` means.
 */
import { optionValues, parseArgs } from './argv.ts';
import type { ShellCommand } from './types.ts';

/** Basename of a program path, `/` or `\` separated. */
export function basename(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut === -1 ? path : path.slice(cut + 1);
}

/** Lookup key for a program name: lower case, `.exe` dropped (`PowerShell.exe` → `powershell`). */
export function programKey(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.exe') ? lower.slice(0, -4) : lower;
}

export const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'ash',
  'fish',
  'csh',
  'tcsh',
  'rbash',
]);

/** Programs that fetch a URL's body. */
export const DOWNLOADERS: ReadonlySet<string> = new Set([
  'curl',
  'wget',
  'fetch',
  'aria2c',
  'http',
  'https',
  'xh',
  'curlie',
  'iwr',
  'irm',
  'invoke-webrequest',
  'invoke-restmethod',
  'lwp-request',
  'nscurl',
]);

/** Raw socket clients: what they read from the network is whatever the other end sends. */
export const SOCKET_CLIENTS: ReadonlySet<string> = new Set(['nc', 'ncat', 'netcat', 'socat', 'telnet']);

/** Programs that pass standard input through unchanged (`… | tee log | sh`). */
export const PASSTHROUGH: ReadonlySet<string> = new Set(['cat', 'tee']);
/** Programs that pass standard input through decompressed (`curl … | gunzip | sh`). */
/** Programs whose output says nothing of their input but a checksum or a count: a secret piped into one is not shown. */
export const DIGESTS: ReadonlySet<string> = new Set([
  'sha1sum',
  'sha224sum',
  'sha256sum',
  'sha384sum',
  'sha512sum',
  'shasum',
  'md5sum',
  'md5',
  'b2sum',
  'cksum',
  'sum',
  'wc',
]);

/** A command whose output keeps nothing of its input's values: a digest, a count, or a JSON/YAML query for keys. */
export function summarizes(cmd: ShellCommand): boolean {
  const key = programKey(cmd.name);
  if (DIGESTS.has(key)) return true;
  if (key !== 'jq' && key !== 'yq') return false;
  const filter = cmd.args.find((a) => !a.startsWith('-')) ?? '';
  return /\b(?:keys_unsorted|keys|length|type)(?:\[\])?\s*$/.test(filter);
}

export const DECOMPRESSORS: ReadonlySet<string> = new Set(['gunzip', 'zcat', 'bunzip2', 'xzcat', 'unxz']);

/** `ssh` options that take a value (the destination is the first operand after them). */
export const SSH_VALUE_OPTIONS: ReadonlySet<string> = new Set(
  'p i l o F L R D J W b c e E I m O Q S w B'.split(' '),
);

export type Language = 'shell' | 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'powershell';

const PYTHON = /^(?:python(?:\d+(?:\.\d+)*)?|pypy\d*)$/;
const LANGUAGE_BY_NAME: ReadonlyMap<string, Language> = new Map([
  ['node', 'node'],
  ['nodejs', 'node'],
  ['bun', 'node'],
  ['deno', 'node'],
  ['perl', 'perl'],
  ['ruby', 'ruby'],
  ['php', 'php'],
  ['powershell', 'powershell'],
  ['pwsh', 'powershell'],
  ['iex', 'powershell'],
  ['invoke-expression', 'powershell'],
]);

export function languageOf(name: string): Language | undefined {
  const key = programKey(name);
  if (SHELLS.has(key)) return 'shell';
  if (PYTHON.test(key)) return 'python';
  return LANGUAGE_BY_NAME.get(key);
}

/** How an interpreter was asked to run code. Indexes are into `ShellCommand.args`. */
export interface InterpreterCall {
  language: Language;
  /** Inline code (`-c`, `-e`, `--eval`, `-r`, `-Command`), joined when given several times. */
  code?: string;
  /** Base64 of `powershell -EncodedCommand`. */
  encoded?: string;
  /** Script file run (`bash x.sh`, `python tool.py`). */
  script?: string;
  /** `python -m <module>`. */
  module?: string;
  /** The code comes from standard input (`sh`, `bash -s`, `python -`, `iex`). */
  readsStdin: boolean;
}

/** Options that take a value, per language; the inline-code option is listed in CODE_OPTIONS. */
const VALUE_OPTIONS: Record<Exclude<Language, 'powershell'>, ReadonlySet<string>> = {
  shell: new Set(['c', 'o', 'O', 'rcfile', 'init-file']),
  python: new Set(['c', 'm', 'W', 'X', 'Q']),
  node: new Set(['e', 'p', 'r', 'eval', 'print', 'require', 'import', 'loader', 'input-type', 'C']),
  perl: new Set(['e', 'E', 'M', 'm', 'I']),
  ruby: new Set(['e', 'r', 'I', 'C']),
  php: new Set(['r', 'f', 'd', 'c', 'S', 't']),
};
const CODE_OPTIONS: Record<Exclude<Language, 'powershell'>, string[]> = {
  shell: ['c'],
  python: ['c'],
  node: ['e', 'p', 'eval', 'print'],
  perl: ['e', 'E'],
  ruby: ['e'],
  php: ['r'],
};

export function interpreterCall(cmd: ShellCommand): InterpreterCall | undefined {
  const language = languageOf(cmd.name);
  if (language === undefined) return undefined;
  if (language === 'powershell') return powershellCall(cmd);
  const args = denoArgs(cmd) ?? cmd.args;
  const parsed = parseArgs(args, { withValue: VALUE_OPTIONS[language], stopAtOperand: true });
  const codes = optionValues(parsed, ...CODE_OPTIONS[language]);
  const module = language === 'python' ? optionValues(parsed, 'm')[0] : undefined;
  const operand = args[parsed.end];
  const call: InterpreterCall = { language, readsStdin: false };
  if (language === 'shell' && parsed.options.some((o) => o.name === 's'))
    call.readsStdin = true; // `bash -s -- args`
  else if (codes.length > 0) call.code = codes.join('\n');
  else if (module !== undefined) call.module = module;
  else if (operand !== undefined && operand !== '-') call.script = operand;
  else call.readsStdin = true;
  return call;
}

/** `deno eval <code>` / `deno run <script>` in the shape of `node -e` / `node <script>`. */
function denoArgs(cmd: ShellCommand): string[] | undefined {
  if (cmd.name !== 'deno') return undefined;
  if (cmd.args[0] === 'eval') return ['-e', ...cmd.args.slice(1)];
  if (cmd.args[0] === 'run') return cmd.args.slice(1).filter((arg) => !arg.startsWith('-'));
  return undefined;
}

/** PowerShell takes single-dash long options, case-insensitive and abbreviable (`-enc`, `-NoP`, `-w hidden`). */
const POWERSHELL_VALUE_OPTIONS =
  /^(?:executionpolicy|ep|exec|ex|windowstyle|w|win|version|v|configurationname|outputformat|of|inputformat|if|workingdirectory|wd|settingsfile|psconsolefile)$/;

function powershellCall(cmd: ShellCommand): InterpreterCall {
  const key = programKey(cmd.name);
  if (key === 'iex' || key === 'invoke-expression') {
    const code = cmd.args.join(' ');
    return code === ''
      ? { language: 'powershell', readsStdin: true }
      : { language: 'powershell', code, readsStdin: false };
  }
  const args = cmd.args;
  for (let i = 0; i < args.length; i += 1) {
    const word = args[i] ?? '';
    if (!/^[-/]/.test(word)) return { language: 'powershell', script: word, readsStdin: false };
    const option = word.slice(1).toLowerCase();
    if (option === 'ec' || (option.startsWith('e') && 'encodedcommand'.startsWith(option))) {
      return { language: 'powershell', encoded: args[i + 1] ?? '', readsStdin: false };
    }
    if (option === 'c' || (option.length > 1 && 'command'.startsWith(option))) {
      const code = args.slice(i + 1).join(' ');
      return code === '-'
        ? { language: 'powershell', readsStdin: true }
        : { language: 'powershell', code, readsStdin: false };
    }
    if (option === 'f' || (option.length > 1 && 'file'.startsWith(option))) {
      return { language: 'powershell', script: args[i + 1] ?? '', readsStdin: false };
    }
    if (POWERSHELL_VALUE_OPTIONS.test(option)) i += 1;
  }
  return { language: 'powershell', readsStdin: true };
}

const GIT_VALUE_OPTIONS: ReadonlySet<string> = new Set([
  'C',
  'c',
  'git-dir',
  'work-tree',
  'namespace',
  'config-env',
]);

export interface GitInvocation {
  subcommand: string;
  args: string[];
  /** `-c key=value` given before the subcommand. */
  configs: string[];
}

/** `git -C dir -c k=v push --force origin main` → `{subcommand: 'push', args: ['--force', 'origin', 'main']}`. */
export function gitInvocation(cmd: ShellCommand): GitInvocation | undefined {
  if (cmd.name !== 'git') return undefined;
  const parsed = parseArgs(cmd.args, { withValue: GIT_VALUE_OPTIONS, stopAtOperand: true });
  const subcommand = cmd.args[parsed.end];
  if (subcommand === undefined) return undefined;
  return { subcommand, args: cmd.args.slice(parsed.end + 1), configs: optionValues(parsed, 'c') };
}
