/**
 * Parses a shell command line into the simple commands that would run: lists and pipelines, subshells
 * and groups flattened, keywords dropped, wrappers stripped, and every piece of code run from a string
 * (`bash -c`, `eval`, `$( … )`, decoded base64, here-documents, `python -c "os.system(…)"`) parsed too and
 * appended right after the pipeline that runs it. Bounded depth; never throws.
 */
import { embeddedBase64, embeddedShellCommands } from './code-payloads.ts';
import { findPayloads } from './payloads.ts';
import { basename, interpreterCall, programKey } from './programs.ts';
import { lex, type RedirectToken, type Token, type WordToken } from './shell-lexer.ts';
import type { ParsedShell, ShellCommand, ShellPayload } from './types.ts';
import { unwrap } from './wrappers.ts';

const MAX_DEPTH = 4;
const MAX_INPUT = 256 * 1024;
/** Commands (and nested parses) per command line, payloads included: bounds the work of pathological input. */
const MAX_COMMANDS = 2000;
/** Words that open or close a compound command in front of a simple command: skipped. */
const PREFIX_KEYWORDS = new Set('! if then else elif do while until { } fi done'.split(' '));
const FIND_EXEC = new Set(['-exec', '-execdir', '-ok', '-okdir']);

interface CommandNode {
  cmd?: ShellCommand;
  /** Substitutions of each argument, aligned with `cmd.args`. */
  argSubs: string[][];
  /** Substitutions in the program word: their output is run as a command. */
  programSubs: string[];
  /** Substitutions in input redirections (`<<<`, here-documents, `< <( … )`). */
  stdinSubs: string[];
  /** Substitutions anywhere else (assignments, wrapper options, output redirections, loop headers). */
  otherSubs: string[];
}

export function parseShell(command: string): ParsedShell {
  try {
    const text = command.length > MAX_INPUT ? command.slice(0, MAX_INPUT) : command;
    const parsed = parseAt(text, 0, false, { commands: MAX_COMMANDS });
    return { ...parsed, raw: command, partial: parsed.partial || text !== command };
  } catch {
    return { raw: command, pipelines: [], payloads: [], partial: true };
  }
}

/** What is left to spend on one command line, shared by its nested payloads. */
interface Budget {
  commands: number;
}

/** `outputExecuted`: this text runs inside `$( … )` whose output is itself run as shell. */
function parseAt(src: string, depth: number, outputExecuted: boolean, budget: Budget): ParsedShell {
  if (depth > MAX_DEPTH || budget.commands <= 0)
    return { raw: src, pipelines: [], payloads: [], partial: true };
  budget.commands -= 1; // a nested parse costs something even when it finds nothing (`` `` `` …)
  const lexed = lex(src);
  const out: ParsedShell = { raw: src, pipelines: [], payloads: [], partial: lexed.partial };
  const seen = new Set<string>();
  const addPayload = (payload: ShellPayload) => {
    const key = `${payload.kind}\0${payload.text}`;
    if (!seen.has(key)) out.payloads.push(payload);
    seen.add(key);
  };
  const merge = (nested: ParsedShell) => {
    out.pipelines.push(...nested.pipelines);
    nested.payloads.forEach(addPayload);
    out.partial ||= nested.partial;
  };
  const scanCode = (text: string, backticks: boolean, level: number) => {
    if (level > MAX_DEPTH) return;
    for (const decoded of embeddedBase64(text)) {
      addPayload({ kind: 'base64', text: decoded });
      scanCode(decoded, false, level + 1);
    }
    for (const line of embeddedShellCommands(text, backticks)) {
      addPayload({ kind: 'sh-c', text: line });
      merge(parseAt(line, level + 1, false, budget));
    }
  };

  const pipelines = groupPipelines(lexed.tokens, budget);
  if (budget.commands <= 0) out.partial = true;
  const variables = new Map<string, string>();
  for (const nodes of pipelines) {
    for (const node of nodes) if (node.cmd) expandVariables(node.cmd, variables);
    const running = nodes.filter((node) => node.cmd !== undefined);
    const cmds = running.map((node) => node.cmd as ShellCommand);
    if (cmds.length > 0) out.pipelines.push(cmds);
    const found = findPayloads(cmds, outputExecuted);
    for (const node of nodes) {
      const own = found.filter((f) => f.shell && running[f.command] === node).map((f) => f.payload);
      parseSubstitutions(node, own, (sub, runs) => merge(parseAt(sub, depth + 1, runs, budget)));
    }
    for (const { payload, shell } of found) {
      addPayload(payload);
      if (shell) merge(parseAt(payload.text, depth + 1, false, budget));
      else scanCode(payload.text, payload.kind === 'perl-e' || payload.kind === 'ruby-e', depth + 1);
    }
  }
  return out;
}

const ASSIGNERS = new Set(['export', 'declare', 'typeset', 'local', 'readonly']);
/** `$(which python3 || which python)`, `` `command -v node` ``: the program a lookup finds. */
const LOOKUP = /^(?:\$\(|`)\s*(?:which|command\s+-v|type\s+-[pP])\s+([\w.+-]+)/;
const REFERENCE = /\$(?:\{(\w+)\}|(\w+))/g;

/**
 * Replaces references to variables this command line assigned earlier (`H=evil.test; curl https://$H/x`,
 * `PY=$(which python3); $PY -c …`) with their values, so what runs is what is read. Variables it did not
 * assign (`$HOME`, loop variables, values computed at run time) are left as written.
 */
function expandVariables(cmd: ShellCommand, variables: Map<string, string>): void {
  const expand = (word: string) =>
    word.includes('$')
      ? word.replace(
          REFERENCE,
          (ref, braced?: string, bare?: string) => variables.get(braced ?? bare!) ?? ref,
        )
      : word;
  if (variables.size > 0) {
    const program = expand(cmd.program);
    if (program !== cmd.program) {
      cmd.program = program;
      cmd.name = basename(program);
    }
    cmd.args = cmd.args.map(expand);
    cmd.redirects = cmd.redirects.map((r) => (r.op.includes('<<') ? r : { ...r, target: expand(r.target) }));
  }
  const assignments =
    cmd.name === ''
      ? Object.entries(cmd.env)
      : ASSIGNERS.has(cmd.name)
        ? cmd.args.flatMap((a) =>
            /^\w+=/.test(a) ? [[a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]] : [],
          )
        : [];
  for (const [name, value] of assignments as [string, string][]) {
    const found = LOOKUP.exec(value)?.[1];
    if (found !== undefined) variables.set(name, found);
    else if (/[`$]/.test(value)) variables.delete(name);
    else variables.set(name, value);
  }
}

/** Parses a node's substitutions, except those inside text that is parsed as a shell payload already. */
function parseSubstitutions(
  node: CommandNode,
  shellPayloads: ShellPayload[],
  parse: (sub: string, outputRuns: boolean) => void,
): void {
  const cmd = node.cmd;
  const runsArguments = cmd !== undefined && runsItsArguments(cmd);
  const payloadTexts = new Set(shellPayloads.map((p) => p.text));
  const allArgs = shellPayloads.some((p) => p.kind === 'eval');
  node.otherSubs.forEach((sub) => parse(sub, false));
  node.programSubs.forEach((sub) => parse(sub, true));
  node.argSubs.forEach((subs, k) => {
    if (allArgs || payloadTexts.has(cmd?.args[k] ?? '')) return;
    subs.forEach((sub) => parse(sub, runsArguments));
  });
  if (shellPayloads.some((p) => p.kind === 'heredoc')) return;
  node.stdinSubs.forEach((sub) => parse(sub, runsArguments));
}

/** `eval`, `source`, `.` and shells run what their arguments or input produce. */
function runsItsArguments(cmd: ShellCommand): boolean {
  const key = programKey(cmd.name);
  return key === 'eval' || key === 'source' || key === '.' || interpreterCall(cmd)?.language === 'shell';
}

/**
 * Splits tokens into pipelines of command nodes; `find -exec` commands become pipelines of their own.
 * Stops once the budget is spent (the caller marks the parse partial).
 */
function groupPipelines(tokens: Token[], budget: Budget): CommandNode[][] {
  const pipelines: CommandNode[][] = [];
  let words: WordToken[] = [];
  let redirects: RedirectToken[] = [];
  let pipeline: CommandNode[] = [];
  let extra: CommandNode[][] = [];
  let caseDepth = 0;
  const endCommand = () => {
    if ((words.length > 0 || redirects.length > 0) && budget.commands > 0) {
      budget.commands -= 1;
      const node = buildNode(words, redirects);
      pipeline.push(node);
      if (node.cmd?.name === 'find') extra.push(...findExecNodes(node.cmd).map((n) => [n]));
    }
    words = [];
    redirects = [];
  };
  const endPipeline = () => {
    endCommand();
    if (pipeline.length > 0) pipelines.push(pipeline);
    pipelines.push(...extra);
    pipeline = [];
    extra = [];
  };
  for (let t = 0; t < tokens.length && budget.commands > 0; t += 1) {
    const token = tokens[t] as Token;
    const atStart = words.length === 0 && redirects.length === 0;
    if (token.type === 'word') {
      if (atStart && !token.quoted && token.text === 'case') {
        caseDepth += 1;
        while (t < tokens.length && !isWord(tokens[t], 'in')) t += 1; // `case WORD in`
      } else if (atStart && !token.quoted && token.text === 'esac') caseDepth = Math.max(0, caseDepth - 1);
      else if (atStart && caseDepth > 0 && casePatternEnd(tokens, t) !== -1) t = casePatternEnd(tokens, t);
      else words.push(token);
    } else if (token.type === 'redirect') redirects.push(token);
    else if (token.op === '|' || token.op === '|&' || token.op === ')') endCommand();
    else if (token.op === '(') {
      const next = tokens[t + 1];
      if (words.length === 1 && next?.type === 'op' && next.op === ')') {
        words = []; // `name() { … }`: a function definition, not a run of `name`
        t += 1;
      } else endCommand();
    } else endPipeline();
  }
  endPipeline();
  return pipelines;
}

function isWord(token: Token | undefined, text: string): boolean {
  return token?.type === 'word' && !token.quoted && token.text === text;
}

/** Inside `case`: `pat1|pat2)` at the start of a command is a pattern; returns the index of its `)`. */
function casePatternEnd(tokens: Token[], from: number): number {
  let t = from;
  while (t < tokens.length) {
    const token = tokens[t] as Token;
    if (token.type === 'op' && token.op === ')') return t;
    if (token.type === 'redirect' || (token.type === 'op' && token.op !== '|')) return -1;
    t += 1;
  }
  return -1;
}

function buildNode(words: WordToken[], redirects: RedirectToken[]): CommandNode {
  const node: CommandNode = { argSubs: [], programSubs: [], stdinSubs: [], otherSubs: [] };
  for (const r of redirects) (r.op.includes('<') ? node.stdinSubs : node.otherSubs).push(...r.subs);
  let first = 0;
  while (first < words.length && !words[first]?.quoted && PREFIX_KEYWORDS.has(words[first]?.text ?? ''))
    first += 1;
  const head = words[first];
  if (head !== undefined && !head.quoted && (head.text === 'for' || head.text === 'select')) {
    node.otherSubs.push(...words.flatMap((w) => w.subs)); // a loop header: its list, not a command
    return node;
  }
  if (head !== undefined && !head.quoted && head.text === 'function') {
    first += words[first + 2]?.text === '{' ? 3 : 2; // `function name {` opens the body
  }
  const rest = words.slice(first);
  const { start, wrappers, env } = unwrap(
    rest.map((w) => w.text),
    rest.map((w) => w.assignment),
  );
  const program = rest[start];
  node.otherSubs.push(...rest.slice(0, start).flatMap((w) => w.subs));
  if (program === undefined && redirects.length === 0 && Object.keys(env).length === 0) return node;
  node.cmd = {
    program: program?.text ?? '',
    name: programName(program?.text ?? ''),
    args: rest.slice(start + 1).map((w) => w.text),
    redirects: redirects.map((r) => ({ op: r.op, target: r.target })),
    env,
    wrappers,
  };
  node.programSubs = program?.subs ?? [];
  node.argSubs = rest.slice(start + 1).map((w) => w.subs);
  return node;
}

/** Basename of the program; a program that is itself a substitution (`$(curl …)`) keeps its text. */
function programName(program: string): string {
  return program.startsWith('$') || program.startsWith('`') ? program : basename(program);
}

/** `find … -exec cmd {} \;` / `-execdir … +`: each exec clause is a command that runs. */
function findExecNodes(find: ShellCommand): CommandNode[] {
  const nodes: CommandNode[] = [];
  for (let i = 0; i < find.args.length; i += 1) {
    if (!FIND_EXEC.has(find.args[i] ?? '')) continue;
    const end = find.args.findIndex((arg, k) => k > i && (arg === ';' || arg === '+'));
    const clause = find.args.slice(i + 1, end === -1 ? undefined : end);
    const words = clause.map((text): WordToken => ({
      type: 'word',
      text,
      subs: [],
      quoted: true,
      assignment: false,
    }));
    if (words.length > 0) nodes.push(buildNode(words, []));
    i = end === -1 ? find.args.length : end;
  }
  return nodes;
}
