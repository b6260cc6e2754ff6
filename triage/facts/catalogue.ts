/**
 * The effects catalogue: what programs do, as data (`catalogue/*.yaml`). Each entry names programs, an
 * optional sub-command path (`kubectl get`, `git config`), conditions on options, operands, environment and
 * wrappers, and what such a command does: named behaviours (the vocabulary the detector rules speak), the
 * files it reads, writes or deletes (which argument is the path), and the environment it acts on (a kube
 * context, a cloud profile or project). Files are validated when loaded: an unknown field, a bad regex, an
 * unknown list or a selector that means nothing fails the load instead of matching nothing. Every entry
 * carries examples it must recognize and must not, checked by the tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { hasOption, optionValues, parseArgs, type ParsedArgs } from './argv.ts';
import { basename, interpreterCall, programKey } from './programs.ts';
import type { ShellCommand } from './types.ts';

/** `operands`, `operand:N` (0-based, after the sub-command), `option:NAME`, `kv:NAME` (`dd of=x`), `env:NAME`. */
const Selector = z.string().regex(/^(operands|operand:\d+|option:[\w-]+|kv:[\w-]+|env:\w+)$/, 'a selector');
type Selector = z.infer<typeof Selector>;

const Words = z.array(z.string().min(1)).min(1);

const When = z
  .strictObject({
    /** Any of these options is present (`G` / `groups`; no dashes). */
    options: Words.optional(),
    /** None of these options is present. */
    notOptions: Words.optional(),
    /** Any operand (after the sub-command) is one of these, case-insensitive. */
    operands: Words.optional(),
    /** Any operand (after the sub-command) matches this regex (case-insensitive). */
    operandPattern: z.string().optional(),
    /** No operand at all after the sub-command. */
    noOperands: z.boolean().optional(),
    /** The value of one of these options matches `optionValuePattern`. */
    optionValue: Words.optional(),
    optionValuePattern: z.string().optional(),
    /** The arguments, joined by spaces, match this regex (case-insensitive). */
    argsPattern: z.string().optional(),
    /** The arguments do not match this regex. */
    notArgsPattern: z.string().optional(),
    /** The command sets one of these environment variables (`LD_PRELOAD=… cmd`, `export HISTCONTROL=…`). */
    env: Words.optional(),
    /** Runs under one of these wrappers (`sudo`, `doas`, `nohup`, …). */
    wrappers: Words.optional(),
    /** The program as written matches this regex (`/tmp/x`, `./invoice.pdf.sh`). */
    programPattern: z.string().optional(),
  })
  .refine(
    (w) => (w.optionValue === undefined) === (w.optionValuePattern === undefined),
    'optionValue and optionValuePattern go together',
  );

const Entry = z
  .strictObject({
    /** Unique within the catalogue: `kubectl-get-secret`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    /**
     * Program names as run (basename, lower case; a script run by an interpreter counts by its file name,
     * `linpeas.sh`); `$list` names a shared list; `'*'` is any program, for entries that hold on the
     * environment or wrappers a command runs with.
     */
    programs: Words,
    /** The first operands, in order (`[get]`, `[config, view]`), case-insensitive. */
    subcommand: Words.optional(),
    /** Options taking a value, for this program (so their values are not read as operands). */
    values: Words.optional(),
    when: When.optional(),
    /** Named behaviours; each must be one a detector rule uses. */
    behaviours: z.array(z.string().regex(/^[a-z0-9][a-z0-9:-]*$/)).default([]),
    reads: z.array(Selector).default([]),
    writes: z.array(Selector).default([]),
    deletes: z.array(Selector).default([]),
    /** Where the command acts: a kube context, cloud profile, project, database host (`option:context`). */
    environment: z.array(Selector).default([]),
    /** Command lines (one program each) this entry must recognize, and lines it must not. */
    examples: z.strictObject({ match: Words, ignore: Words }),
  })
  .refine(
    (e) => [e.behaviours, e.reads, e.writes, e.deletes, e.environment].some((list) => list.length > 0),
    'an entry says what the command does: behaviours, files or environment',
  )
  .refine(
    (e) =>
      !e.programs.includes('*') ||
      e.when?.env !== undefined ||
      e.when?.wrappers !== undefined ||
      e.when?.programPattern !== undefined,
    "an entry for any program ('*') holds on env, wrappers or programPattern",
  );
export type CatalogueEntry = z.infer<typeof Entry>;

const CatalogueFile = z.strictObject({
  version: z.literal(1),
  /** Shared lists (`$security_services` in `programs` and in `operands`). */
  lists: z.record(z.string().regex(/^[a-z_]+$/), Words).default({}),
  programs: z.array(Entry),
});

export class CatalogueError extends Error {
  override readonly name = 'CatalogueError';
}

/** An entry ready to match: lists expanded, regexes compiled. */
interface CompiledEntry {
  entry: CatalogueEntry;
  values: ReadonlySet<string>;
  subcommand: string[];
  operands?: ReadonlySet<string>;
  operandPattern?: RegExp;
  optionValuePattern?: RegExp;
  argsPattern?: RegExp;
  notArgsPattern?: RegExp;
  programPattern?: RegExp;
}

export interface Catalogue {
  entries: CatalogueEntry[];
  /** Behaviours, files and environment of one command. */
  effects(cmd: ShellCommand): CatalogueEffects;
}

export interface CatalogueEffects {
  behaviours: string[];
  reads: string[];
  writes: string[];
  deletes: string[];
  environment: string[];
  /** Ids of the entries that matched (for rationales and tests). */
  matched: string[];
}

function compileRegex(pattern: string | undefined, where: string): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, 'i');
  } catch (err) {
    throw new CatalogueError(`${where}: bad regex: ${(err as Error).message}`);
  }
}

function expand(words: string[], lists: Record<string, string[]>, where: string): string[] {
  return words.flatMap((w) => {
    if (!w.startsWith('$')) return [w];
    const list = lists[w.slice(1)];
    if (list === undefined) throw new CatalogueError(`${where}: unknown list ${w}`);
    return list;
  });
}

/** Parses catalogue files (YAML text by source name) into one catalogue. */
export function buildCatalogue(files: { source: string; text: string }[]): Catalogue {
  const entries: CatalogueEntry[] = [];
  const byProgram = new Map<string, CompiledEntry[]>();
  const anyProgram: CompiledEntry[] = [];
  const ids = new Set<string>();
  for (const { source, text } of files) {
    const parsed = CatalogueFile.safeParse(parseYaml(text) ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CatalogueError(`${source}: ${issue.path.join('.')}: ${issue.message}`);
    }
    const { lists, programs } = parsed.data;
    for (const entry of programs) {
      const where = `${source}: ${entry.id}`;
      if (ids.has(entry.id)) throw new CatalogueError(`${where}: defined twice`);
      ids.add(entry.id);
      const w = entry.when ?? {};
      const compiled: CompiledEntry = {
        entry,
        values: new Set(entry.values ?? []),
        subcommand: (entry.subcommand ?? []).map((s) => s.toLowerCase()),
        ...(w.operands && {
          operands: new Set(expand(w.operands, lists, where).map((s) => s.toLowerCase())),
        }),
        operandPattern: compileRegex(w.operandPattern, where),
        optionValuePattern: compileRegex(w.optionValuePattern, where),
        argsPattern: compileRegex(w.argsPattern, where),
        notArgsPattern: compileRegex(w.notArgsPattern, where),
        programPattern: compileRegex(w.programPattern, where),
      };
      for (const program of expand(entry.programs, lists, where)) {
        if (program === '*') {
          anyProgram.push(compiled);
          continue;
        }
        const key = programKey(program);
        (byProgram.get(key) ?? byProgram.set(key, []).get(key)!).push(compiled);
      }
      entries.push(entry);
    }
  }
  return {
    entries,
    effects: (cmd) => {
      const own = byProgram.get(programKey(cmd.name));
      const found = matchCommand(own ? [...own, ...anyProgram] : anyProgram, cmd);
      const script = scriptCommand(cmd);
      const byScript = script && byProgram.get(script.name);
      if (byScript) {
        const more = matchCommand(byScript, script);
        for (const key of Object.keys(found) as (keyof CatalogueEffects)[]) found[key].push(...more[key]);
      }
      return found;
    },
  };
}

/** `python3 tools/lazagne.py all` as the command `lazagne.py all`: a script is a program too. */
function scriptCommand(cmd: ShellCommand): ShellCommand | undefined {
  const script = interpreterCall(cmd)?.script;
  if (script === undefined) return undefined;
  const at = cmd.args.indexOf(script);
  return { ...cmd, program: script, name: basename(script).toLowerCase(), args: cmd.args.slice(at + 1) };
}

/** Values a selector picks out of a command. */
function select(selector: Selector, cmd: ShellCommand, parsed: ParsedArgs, rest: string[]): string[] {
  const [kind, arg = ''] = selector.split(':') as [string, string?];
  switch (kind) {
    case 'operands':
      return rest;
    case 'operand':
      return rest[Number(arg)] === undefined ? [] : [rest[Number(arg)]!];
    case 'option':
      return optionValues(parsed, arg);
    case 'kv':
      return cmd.args.filter((a) => a.startsWith(`${arg}=`)).map((a) => a.slice(arg.length + 1));
    case 'env':
      return cmd.env[arg] === undefined ? [] : [cmd.env[arg]];
    default:
      return [];
  }
}

/** Bare `NAME=value` words after `export` / `declare` count as setting NAME. */
function setsVariable(cmd: ShellCommand, names: string[]): boolean {
  if (names.some((n) => cmd.env[n] !== undefined)) return true;
  if (!['export', 'declare', 'typeset', 'setenv', 'set'].includes(cmd.name)) return false;
  return cmd.args.some((a) => names.includes(a.split('=')[0] ?? ''));
}

function holds(c: CompiledEntry, cmd: ShellCommand, parsed: ParsedArgs, rest: string[]): boolean {
  const w = c.entry.when;
  if (w === undefined) return true;
  if (w.options && !hasOption(parsed, ...w.options)) return false;
  if (w.notOptions && hasOption(parsed, ...w.notOptions)) return false;
  if (c.operands && !rest.some((o) => c.operands!.has(o.toLowerCase()))) return false;
  if (c.operandPattern && !rest.some((o) => c.operandPattern!.test(o))) return false;
  if (w.noOperands && rest.length > 0) return false;
  if (w.optionValue && !optionValues(parsed, ...w.optionValue).some((v) => c.optionValuePattern!.test(v)))
    return false;
  const joined = cmd.args.join(' ');
  if (c.argsPattern && !c.argsPattern.test(joined)) return false;
  if (c.notArgsPattern && c.notArgsPattern.test(joined)) return false;
  return true;
}

/** The conditions on how a command runs, not on its arguments: checked before parsing them. */
function runsAsRequired(c: CompiledEntry, cmd: ShellCommand): boolean {
  const w = c.entry.when;
  if (w === undefined) return true;
  if (w.env && !setsVariable(cmd, w.env)) return false;
  if (w.wrappers && !cmd.wrappers.some((x) => w.wrappers!.includes(programKey(x)))) return false;
  return c.programPattern === undefined || c.programPattern.test(cmd.program);
}

function matchCommand(candidates: CompiledEntry[], cmd: ShellCommand): CatalogueEffects {
  const out: CatalogueEffects = {
    behaviours: [],
    reads: [],
    writes: [],
    deletes: [],
    environment: [],
    matched: [],
  };
  for (const c of candidates) {
    if (!runsAsRequired(c, cmd)) continue;
    const parsed = parseArgs(cmd.args, { withValue: c.values });
    const ops = parsed.operands;
    if (c.subcommand.some((word, i) => ops[i]?.toLowerCase() !== word)) continue;
    const rest = ops.slice(c.subcommand.length);
    if (!holds(c, cmd, parsed, rest)) continue;
    const e = c.entry;
    out.matched.push(e.id);
    out.behaviours.push(...e.behaviours);
    for (const [from, to] of [
      [e.reads, out.reads],
      [e.writes, out.writes],
      [e.deletes, out.deletes],
      [e.environment, out.environment],
    ] as const)
      for (const selector of from) to.push(...select(selector, cmd, parsed, rest));
  }
  return out;
}

const BUILT_IN = new URL('./catalogue/', import.meta.url);

let builtIn: Catalogue | undefined;

/** The catalogue shipped with Warden (`triage/facts/catalogue/*.yaml`), loaded once. */
export function builtInCatalogue(): Catalogue {
  if (builtIn === undefined) {
    const dir = BUILT_IN.pathname;
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ source: f, text: readFileSync(join(dir, f), 'utf8') }));
    builtIn = buildCatalogue(files);
  }
  return builtIn;
}
