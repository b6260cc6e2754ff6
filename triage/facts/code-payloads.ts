/**
 * Shell commands and base64 hidden inside interpreter code: `os.system("curl …")`, `subprocess.run([…])`,
 * `child_process.execSync('…')`, Perl/Ruby/PHP `system`/backticks, `exec(base64.b64decode('…'))`. The
 * parser treats what it finds as further payloads, so `python3 -c` is understood one level deeper.
 */
import { decodeBase64Text } from './payloads.ts';
import { shellQuote as quote } from './shell-text.ts';

/** Calls whose first argument is a command line (string) or an argv (list). */
const SHELL_CALL =
  /(?:\bos\.(?:system|popen)|\bsubprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|\bpty\.spawn|\bcommands\.getoutput|(?:\bchild_process|\bcp|require\(\s*['"](?:node:)?child_process['"]\s*\))\.(?:execSync|exec|spawnSync|spawn|execFileSync|execFile)|(?<![.\w])(?:execSync|spawnSync|execFileSync|shell_exec|passthru|proc_open|system)|\bIO\.popen|\bOpen3\.(?:capture2e|capture2|capture3|popen3)|\bKernel\.(?:system|exec))\s*\(?\s*/g;
const BACKTICKS = /`([^`\n]{1,4000})`|\bqx\s*[({]([^)}\n]{1,4000})[)}]|%x\(([^)\n]{1,4000})\)/g;
const DECODE_CALL =
  /(?:b64decode|decodebytes|a2b_base64|atob|decode_base64|FromBase64String|base64_decode|strict_decode64|decode64)\s*\(\s*[bB]?['"]([A-Za-z0-9+/=_-]{8,})['"]|Buffer\.from\(\s*['"]([A-Za-z0-9+/=_-]{8,})['"]\s*,\s*['"]base64['"]/g;
const STRING_AT = /[rRbBuUfF]{0,2}(?:'((?:\\.|[^\\'\n]){0,4000})'|"((?:\\.|[^\\"\n]){0,4000})")/y;
const LIST_AT = /\[([^\]]{0,4000})\]/y;
const ARGV_AFTER = /\s*,\s*\[([^\]]{0,4000})\]/y;
const STRINGS = /'((?:\\.|[^\\'\n]){0,4000})'|"((?:\\.|[^\\"\n]){0,4000})"/g;
const ESCAPE = /\\(.)/g;

/** Command lines run by the code. `backticks` for Perl and Ruby, where `` `cmd` `` runs a shell. */
export function embeddedShellCommands(code: string, backticks: boolean): string[] {
  const commands: string[] = [];
  for (const call of code.matchAll(SHELL_CALL)) {
    const at = (call.index ?? 0) + call[0].length;
    const command = commandAt(code, at);
    if (command !== undefined && command.trim() !== '') commands.push(command);
  }
  if (backticks) {
    for (const match of code.matchAll(BACKTICKS)) commands.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return commands.filter((command) => command.trim() !== '');
}

/** Texts decoded from base64 literals the code decodes (`b64decode('…')`, `atob("…")`, `Buffer.from(…, 'base64')`). */
export function embeddedBase64(code: string): string[] {
  const decoded: string[] = [];
  for (const match of code.matchAll(DECODE_CALL)) {
    const text = decodeBase64Text(match[1] ?? match[2] ?? '');
    if (text !== undefined) decoded.push(text);
  }
  return decoded;
}

/** A string literal (a command line, plus an argv list after it for `spawn('curl', […])`) or a list literal. */
function commandAt(code: string, at: number): string | undefined {
  STRING_AT.lastIndex = at;
  const string = STRING_AT.exec(code);
  if (string !== null) {
    const head = unescape(string[1] ?? string[2] ?? '');
    ARGV_AFTER.lastIndex = STRING_AT.lastIndex;
    const argv = ARGV_AFTER.exec(code);
    return argv === null ? head : [quote(head), ...stringsIn(argv[1] ?? '').map(quote)].join(' ');
  }
  LIST_AT.lastIndex = at;
  const list = LIST_AT.exec(code);
  return list === null
    ? undefined
    : stringsIn(list[1] ?? '')
        .map(quote)
        .join(' ');
}

function stringsIn(text: string): string[] {
  return [...text.matchAll(STRINGS)].map((match) => unescape(match[1] ?? match[2] ?? ''));
}

function unescape(text: string): string {
  return text.replace(ESCAPE, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}
