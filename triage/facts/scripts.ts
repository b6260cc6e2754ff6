/**
 * Scripts a session writes and later runs: the content a command line states it writes to a file
 * (`cat > f <<EOF`, `tee f <<EOF`, `echo … > f`, `printf … >> f`), and the files a command line runs
 * (`bash f`, `python3 f`, `./f`, `/tmp/f`). Together they let triage judge what really ran.
 */
import { interpreterCall, languageOf, type Language } from './programs.ts';
import type { ParsedShell, ShellCommand } from './types.ts';

export interface FileContent {
  path: string;
  content: string;
  /** `>>`: added to what the file held. */
  append: boolean;
}

const HEREDOC = /^\d*<<[-<]?$/;

/** Content written to files by this command line, where the line itself states it. */
export function contentWritten(shell: ParsedShell): FileContent[] {
  const out: FileContent[] = [];
  for (const cmd of shell.pipelines.flat()) {
    const input = cmd.redirects.find((r) => HEREDOC.test(r.op))?.target;
    const content =
      cmd.name === 'cat' || cmd.name === 'tee'
        ? input
        : cmd.name === 'echo' || cmd.name === 'printf'
          ? `${cmd.args.filter((a) => !/^-[neE]+$/.test(a)).join(' ')}\n`
          : undefined;
    if (content === undefined) continue;
    for (const r of cmd.redirects)
      if (r.op === '>' || r.op === '>>' || r.op === '>|')
        out.push({ path: r.target, content, append: r.op === '>>' });
    if (cmd.name === 'tee')
      for (const path of cmd.args.filter((a) => !a.startsWith('-')))
        out.push({ path, content, append: cmd.args.includes('-a') });
  }
  return out;
}

export interface ScriptRun {
  path: string;
  /** The interpreter that runs it, when the command names one; else its `#!` line decides. */
  language?: Language;
}

/** Files this command line runs as programs or scripts. */
export function scriptsRun(shell: ParsedShell): ScriptRun[] {
  const out: ScriptRun[] = [];
  for (const cmd of shell.pipelines.flat()) {
    const call = interpreterCall(cmd);
    if (call?.script !== undefined) out.push({ path: call.script, language: call.language });
    else if (runsAFile(cmd)) out.push({ path: cmd.program });
  }
  return out;
}

const runsAFile = (cmd: ShellCommand) => /^(?:\.{0,2}\/|~\/)/.test(cmd.program) && cmd.program.length > 2;

/** The language of a script from its `#!` line; a script without one runs as shell. */
export function scriptLanguage(content: string): Language | undefined {
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(content);
  if (shebang === null) return 'shell';
  const program = shebang[1]!.endsWith('/env') ? (shebang[2] ?? '') : shebang[1]!;
  return languageOf(program.split('/').pop() ?? '');
}
