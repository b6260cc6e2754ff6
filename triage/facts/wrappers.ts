/**
 * Programs that only run another program (`sudo`, `env`, `timeout 5`, `xargs -I{}`, `uv run`, …): stripped
 * so the command is the program that really runs, with the wrappers kept aside. `sudo -i` or a bare `env`
 * wrap nothing, so they stay the program.
 */
import { hasOption, optionSet, parseArgs } from './argv.ts';
import { basename, programKey } from './programs.ts';

interface WrapperSpec {
  /** Options taking a value. */
  withValue?: string;
  /** Operands between the options and the wrapped command (`timeout <duration>`, `chroot <dir>`). */
  operands?: number;
  /** `NAME=value` words may follow the options (`sudo FOO=1 cmd`, `env -i PATH=… cmd`). */
  assignments?: boolean;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  sudo: { withValue: 'u g C D h p r t T U user group chdir host prompt role type', assignments: true },
  doas: { withValue: 'u C' },
  pkexec: { withValue: 'user' },
  env: { withValue: 'u C S P unset chdir split-string', assignments: true },
  nohup: {},
  time: { withValue: 'f o format output' },
  command: {},
  exec: { withValue: 'a' },
  builtin: {},
  nice: { withValue: 'n adjustment' },
  ionice: { withValue: 'c n p class classdata pid' },
  timeout: { withValue: 's k signal kill-after', operands: 1 },
  stdbuf: { withValue: 'i o e input output error' },
  xargs: {
    withValue: 'a d E I L n P s arg-file delimiter eof replace max-lines max-args max-procs max-chars',
  },
  chroot: { withValue: 'userspec groups', operands: 1 },
  setsid: {},
  taskset: { operands: 1 },
  chrt: { operands: 1 },
  unbuffer: {},
  torsocks: { withValue: 'u p a P' },
  proxychains: { withValue: 'f' },
  proxychains4: { withValue: 'f' },
  strace: { withValue: 'o e p s u E' },
  ltrace: { withValue: 'o e p s u E' },
  caffeinate: { withValue: 't w' },
  busybox: {},
  npx: { withValue: 'p package c call' },
  bunx: {},
  pnpx: {},
  uvx: { withValue: 'from with python p' },
  'uv run': { withValue: 'with python p project directory env-file extra group index package' },
  'poetry run': {},
  'pipenv run': {},
  'pdm run': {},
  'rye run': {},
  'hatch run': {},
  'bundle exec': {},
  'pnpm exec': {},
  'pnpm dlx': {},
  'yarn dlx': {},
  'conda run': { withValue: 'n p name prefix' },
};

const VALUE_SETS = new Map(
  Object.entries(WRAPPERS).map(([name, spec]) => [name, optionSet(spec.withValue ?? '')]),
);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export interface Unwrapped {
  /** Index of the program word. */
  start: number;
  wrappers: string[];
  /** Assignments in front of the command or given to `env`/`sudo`. */
  env: Record<string, string>;
}

/**
 * Finds the program in a command's words. `assignable[i]` says whether word i is an unquoted `NAME=…`
 * (only those are assignments in front of a command).
 */
export function unwrap(words: readonly string[], assignable: readonly boolean[]): Unwrapped {
  const result: Unwrapped = { start: 0, wrappers: [], env: {} };
  let i = readAssignments(words, 0, result.env, (k) => assignable[k] === true);
  while (i < words.length) {
    const key = programKey(basename(words[i] ?? ''));
    const twoWords = `${key} ${words[i + 1] ?? ''}`;
    const name = twoWords in WRAPPERS ? twoWords : key in WRAPPERS ? key : undefined;
    const spec = name === undefined ? undefined : WRAPPERS[name];
    if (name === undefined || spec === undefined) break;
    const first = i + name.split(' ').length;
    const parsed = parseArgs(words.slice(first), { withValue: VALUE_SETS.get(name), stopAtOperand: true });
    if (name === 'command' && hasOption(parsed, 'v', 'V')) break; // a lookup, not a run
    let next = first + parsed.end + (spec.operands ?? 0);
    if (spec.assignments)
      next = readAssignments(words, next, result.env, (k) => ASSIGNMENT.test(words[k] ?? ''));
    if (next >= words.length) break; // wraps nothing: the wrapper is the program
    result.wrappers.push(name);
    i = next;
  }
  result.start = i;
  return result;
}

function readAssignments(
  words: readonly string[],
  from: number,
  env: Record<string, string>,
  isAssignment: (index: number) => boolean,
): number {
  let i = from;
  for (; i < words.length && isAssignment(i); i += 1) {
    const word = words[i] ?? '';
    const eq = word.indexOf('=');
    env[word.slice(0, eq).replace(/\+$/, '')] = word.slice(eq + 1);
  }
  return i;
}
