/**
 * Code that a pipeline runs from a string rather than from a file: `bash -c '…'`, `python3 -c`, `node -e`,
 * `eval`, `powershell -enc`, here-documents fed to an interpreter, text piped into a shell, and base64
 * that is decoded on the way (`echo … | base64 -d | sh`). Decoded where possible: what actually runs.
 */
import { parseArgs } from './argv.ts';
import { interpreterCall, PASSTHROUGH, programKey, SSH_VALUE_OPTIONS, type Language } from './programs.ts';
import type { ShellCommand, ShellPayload } from './types.ts';

export interface FoundPayload {
  payload: ShellPayload;
  /** The text is shell and runs: parse it as a command line. */
  shell: boolean;
  /** Index in the pipeline of the command that carries it. */
  command: number;
}

type PayloadKind = ShellPayload['kind'];

const CODE_KIND: Partial<Record<Language, PayloadKind>> = {
  shell: 'sh-c',
  python: 'python-c',
  node: 'node-e',
  perl: 'perl-e',
  ruby: 'ruby-e',
};
/** `su -c`, `runuser -c`, `flock <file> -c`, `script -c`: the option value is a shell command. */
const DASH_C_RUNNERS: ReadonlySet<string> = new Set(['su', 'runuser', 'flock', 'script']);
const DASH_C_OPTIONS: ReadonlySet<string> = new Set(['c', 'command', 's', 'shell', 'g', 'G', 'w', 'u', 'E']);
const ECHO_FLAGS = /^-[neE]+$/;
const BASE64_TEXT = /^[A-Za-z0-9+/_-]+={0,2}$/;
const WHITESPACE = /\s+/g;

export function findPayloads(pipeline: readonly ShellCommand[], outputExecuted: boolean): FoundPayload[] {
  const found: FoundPayload[] = [];
  pipeline.forEach((cmd, index) => {
    const call = interpreterCall(cmd);
    const add = (kind: PayloadKind, text: string, shell: boolean) => {
      if (text.trim() === '') return;
      const language = call?.language ?? (kind === 'sh-c' || kind === 'eval' ? 'shell' : undefined);
      const env = Object.keys(cmd.env).length ? { env: cmd.env } : {};
      found.push({ payload: { kind, text, ...(language && { language }), ...env }, shell, command: index });
    };
    const key = programKey(cmd.name);
    if (key === 'eval') add('eval', cmd.args.join(' '), true);
    else if (DASH_C_RUNNERS.has(key)) {
      const parsed = parseArgs(cmd.args, { withValue: DASH_C_OPTIONS });
      const script = parsed.options.find((o) => o.name === 'c' || o.name === 'command')?.value;
      if (script !== undefined) add('sh-c', script, true);
    } else if (key === 'ssh' || key === 'autossh') {
      // What runs on the other machine is still what the agent ran.
      const parsed = parseArgs(cmd.args, { withValue: SSH_VALUE_OPTIONS, stopAtOperand: true });
      add('sh-c', cmd.args.slice(parsed.end + 1).join(' '), true);
    } else if (key === 'psql') {
      // `COPY … TO PROGRAM 'cmd'` has the database server run a shell command.
      for (const m of cmd.args.join(' ').matchAll(/\b(?:TO|FROM)\s+PROGRAM\s+'((?:[^']|'')*)'/gi))
        add('sh-c', m[1]!.replace(/''/g, "'"), true);
    } else if (key === 'watch') {
      const parsed = parseArgs(cmd.args, { withValue: new Set(['n', 'd', 'interval']), stopAtOperand: true });
      add('sh-c', cmd.args.slice(parsed.end).join(' '), true);
    }
    const decoded = base64Decoder(cmd) ? decodeBase64Text(stdinOf(pipeline, index)?.text ?? '') : undefined;
    if (decoded !== undefined) add('base64', decoded, runsAsShell(pipeline, index, outputExecuted));
    if (call === undefined) return;
    const shell = call.language === 'shell';
    const kind = CODE_KIND[call.language];
    if (call.code !== undefined && kind !== undefined) add(kind, call.code, shell);
    if (call.encoded !== undefined) {
      const script = decodeBase64Text(call.encoded, 'utf16le') ?? decodeBase64Text(call.encoded);
      if (script !== undefined) add('powershell-enc', script, false);
    }
    const input = call.readsStdin ? stdinOf(pipeline, index) : undefined;
    // Base64 fed to an interpreter was recorded where it was decoded.
    if (input !== undefined && input.via !== 'base64')
      add(input.via === 'heredoc' ? 'heredoc' : 'eval', input.text, shell);
  });
  return found;
}

interface Stream {
  text: string;
  via: 'heredoc' | 'echo' | 'base64';
}

/** What a command reads on standard input, when the command line says: a here-document or the output before it. */
function stdinOf(pipeline: readonly ShellCommand[], index: number, depth = 0): Stream | undefined {
  const cmd = pipeline[index];
  if (cmd === undefined || depth > pipeline.length) return undefined;
  const here = cmd.redirects.findLast(
    (r) => r.op.endsWith('<<') || r.op.endsWith('<<-') || r.op.endsWith('<<<'),
  );
  if (here !== undefined) return { text: here.target, via: 'heredoc' };
  return index > 0 ? outputOf(pipeline, index - 1, depth + 1) : undefined;
}

/** What a command writes on standard output, when it is knowable from the command line. */
function outputOf(pipeline: readonly ShellCommand[], index: number, depth: number): Stream | undefined {
  const cmd = pipeline[index];
  if (cmd === undefined) return undefined;
  const key = programKey(cmd.name);
  if (key === 'echo') {
    const first = cmd.args.findIndex((arg) => !ECHO_FLAGS.test(arg));
    return { text: first === -1 ? '' : cmd.args.slice(first).join(' '), via: 'echo' };
  }
  if (key === 'printf') {
    const [format = '', ...rest] = cmd.args;
    return { text: /%[sb]/.test(format) ? rest.join('') : format, via: 'echo' };
  }
  if (PASSTHROUGH.has(key) && cmd.args.every((arg) => arg.startsWith('-')))
    return stdinOf(pipeline, index, depth);
  if (base64Decoder(cmd)) {
    const text = decodeBase64Text(stdinOf(pipeline, index, depth)?.text ?? '');
    return text === undefined ? undefined : { text, via: 'base64' };
  }
  return undefined;
}

/** `base64 -d` / `--decode` / `-D`, `openssl base64 -d`, `openssl enc -d -a`, reading standard input. */
export function base64Decoder(cmd: ShellCommand): boolean {
  const key = programKey(cmd.name);
  if (key === 'base64' || key === 'basenc') {
    const parsed = parseArgs(cmd.args, { withValue: new Set(['w', 'wrap', 'o', 'output']) });
    const decode = parsed.options.some((o) => o.name === 'd' || o.name === 'D' || o.name === 'decode');
    return decode && parsed.operands.every((operand) => operand === '-');
  }
  // BSD's `b64decode -r` decodes raw base64 (without -r it reads uuencode-style framing).
  if (key === 'b64decode') return cmd.args.includes('-r');
  if (key === 'openssl') {
    const base64 = cmd.args.includes('base64') || cmd.args.includes('-base64') || cmd.args.includes('-a');
    return base64 && cmd.args.includes('-d') && !cmd.args.includes('-in');
  }
  return false;
}

/** Decoded output at `index` is run as shell: piped (through `cat`/`tee`) into a shell, or into `$( … )` that is. */
function runsAsShell(pipeline: readonly ShellCommand[], index: number, outputExecuted: boolean): boolean {
  for (let next = index + 1; next < pipeline.length; next += 1) {
    const cmd = pipeline[next];
    if (cmd === undefined) break;
    if (PASSTHROUGH.has(programKey(cmd.name))) continue;
    const call = interpreterCall(cmd);
    return call?.language === 'shell' && call.readsStdin;
  }
  return outputExecuted;
}

/**
 * Base64 (standard or URL-safe, whitespace ignored) decoded to text; undefined when it is not base64 or does
 * not decode to readable text (binary is not a script).
 */
export function decodeBase64Text(encoded: string, encoding: 'utf8' | 'utf16le' = 'utf8'): string | undefined {
  const compact = encoded.replace(WHITESPACE, '');
  if (compact.length < 4 || !BASE64_TEXT.test(compact)) return undefined;
  const text = Buffer.from(compact, 'base64').toString(encoding);
  return readable(text, encoding === 'utf16le') ? text : undefined;
}

/** Few control characters or replacement marks; UTF-16 must be mostly Latin (else it was not UTF-16). */
function readable(text: string, latin: boolean): boolean {
  if (text.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const control = code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d;
    if (control || code === 0xfffd || code === 0x7f || (latin && code > 0x24f)) bad += 1;
  }
  return bad <= text.length * 0.05;
}
