import type { AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeAction } from './index.ts';
import type { ActionFacts } from './types.ts';
import { embeddedShellCommands } from './code-payloads.ts';

/**
 * Code an agent runs through a code tool (`execute_python_code {code}`, a notebook cell, `node -e` via a
 * tool) does its file and network work through library calls. Each call is rewritten as the shell
 * command with the same effect, and the rewrite is analyzed like any command: `shutil.copy(a, b)` is
 * `cp a b`, `requests.post(url, data=…)` is an upload, `open(p, 'a')` appends to p.
 */
const STR = `[rbuf]{0,2}(?:'([^'\\n]*)'|"([^"\\n]*)")`;
const PATH_ARG = `(?:os\\.path\\.expanduser\\(\\s*${STR}\\s*\\)|${STR})`;
const pick = (m: RegExpMatchArray, from: number) => m.slice(from).find((g) => g !== undefined) ?? '';

const REWRITES: [RegExp, (m: RegExpMatchArray) => string][] = [
  [
    new RegExp(`\\bopen\\(\\s*${PATH_ARG}\\s*,\\s*${STR}`, 'g'),
    (m) => {
      const mode = pick(m, 5);
      const path = pick(m, 1);
      return /[wax+]/.test(mode) ? `echo data ${mode.includes('a') ? '>>' : '>'} '${path}'` : `cat '${path}'`;
    },
  ],
  [new RegExp(`\\bopen\\(\\s*${PATH_ARG}\\s*\\)`, 'g'), (m) => `cat '${pick(m, 1)}'`],
  [
    new RegExp(
      `\\b(?:shutil\\.(?:copy|copy2|copyfile|move)|os\\.rename)\\(\\s*${PATH_ARG}\\s*,\\s*${PATH_ARG}`,
      'g',
    ),
    (m) =>
      `cp '${m.slice(1, 5).find((g) => g !== undefined) ?? ''}' '${m.slice(5).find((g) => g !== undefined) ?? ''}'`,
  ],
  [new RegExp(`\\bshutil\\.rmtree\\(\\s*${PATH_ARG}`, 'g'), (m) => `rm -rf '${pick(m, 1)}'`],
  [new RegExp(`\\bos\\.(?:remove|unlink|rmdir)\\(\\s*${PATH_ARG}`, 'g'), (m) => `rm '${pick(m, 1)}'`],
  [
    new RegExp(`\\b(?:requests|httpx|session)\\.(?:post|put|patch)\\(\\s*${STR}`, 'g'),
    (m) => `curl -X POST --data-binary @- '${pick(m, 1)}'`,
  ],
  [new RegExp(`\\b(?:requests|httpx)\\.get\\(\\s*${STR}`, 'g'), (m) => `curl '${pick(m, 1)}'`],
  [new RegExp(`\\burllib\\.request\\.urlopen\\(\\s*${STR}`, 'g'), (m) => `curl '${pick(m, 1)}'`],
  [
    new RegExp(`\\bsocket\\.(?:create_connection|connect)\\(\\s*\\(\\s*${STR}`, 'g'),
    (m) => `nc ${pick(m, 1)} 443`,
  ],
];

const CODE_TOOL = /(python|code|exec|eval|notebook|jupyter|repl|script)/i;

/** The code an event runs, when its tool runs code rather than a shell command. */
function codeOf(event: AgentEvent): string | undefined {
  if (event.tool?.command || !event.tool?.arguments || !CODE_TOOL.test(event.tool.name)) return undefined;
  try {
    const args = JSON.parse(event.tool.arguments) as Record<string, unknown>;
    for (const key of ['code', 'source', 'script', 'cell', 'input', 'command'])
      if (typeof args[key] === 'string') return args[key] as string;
  } catch {
    return undefined;
  }
  return undefined;
}

const merge = (a: ActionFacts, b: ActionFacts): ActionFacts => ({
  ...a,
  toolClass: a.toolClass === 'other' ? 'shell' : a.toolClass,
  command: a.command ?? b.command,
  shell: a.shell ?? b.shell,
  reads: [...a.reads, ...b.reads],
  writes: [...a.writes, ...b.writes],
  deletes: [...a.deletes, ...b.deletes],
  network: [...a.network, ...b.network],
  executes: [...new Set([...a.executes, ...b.executes])],
  secretsInArguments: [...a.secretsInArguments, ...b.secretsInArguments],
  behaviours: [...new Set([...a.behaviours, ...b.behaviours])],
});

const ASSIGNMENT =
  /(?:^|[\s;({])(?:local\s+|export\s+|readonly\s+|declare\s+(?:-\w+\s+)?)?([A-Za-z_]\w*)=(?:'([^'\n]*)'|"([^"$`\n]*)"|([^\s;'"$`()]+))/g;

/**
 * Scripts name their targets once (`body='/etc/shadow'`, `url="http://…"`) and use variables after; the
 * command with each variable replaced by its literal value shows what the script really touches.
 */
function withVariablesResolved(command: string): string | undefined {
  const values = new Map<string, string>();
  for (const m of command.matchAll(ASSIGNMENT)) {
    const value = m[2] ?? m[3] ?? m[4];
    if (value !== undefined && !values.has(m[1]!)) values.set(m[1]!, value);
  }
  if (!values.size) return undefined;
  const resolved = command.replace(
    /\$\{?([A-Za-z_]\w*)\}?/g,
    (whole, name: string) => values.get(name) ?? whole,
  );
  return resolved === command ? undefined : resolved;
}

function reanalyze(event: AgentEvent, script: string): ActionFacts | undefined {
  const rewritten = analyzeAction({
    ...event,
    tool: {
      ...event.tool!,
      name: 'shell',
      command: script,
      arguments: JSON.stringify({ command: ['bash', '-lc', script] }),
    },
  });
  return rewritten ? { ...rewritten, command: script } : undefined;
}

/** Facts of an event, with code tools' library calls and scripts' variables understood. */
export function analyzeWithCode(event: AgentEvent): ActionFacts | undefined {
  const facts = analyzeAction(event);
  if (!facts) return facts;
  const resolved = event.tool?.command?.includes('$') ? withVariablesResolved(event.tool.command) : undefined;
  const withVars = resolved ? reanalyze(event, resolved) : undefined;
  const base = withVars ? { ...merge(facts, withVars), command: facts.command } : facts;
  const code = codeOf(event);
  if (!code) return base;
  const commands = [...embeddedShellCommands(code, false)];
  for (const [re, rewrite] of REWRITES) for (const m of code.matchAll(re)) commands.push(rewrite(m));
  if (!commands.length) return base;
  const rewritten = reanalyze(event, commands.join('\n'));
  return rewritten ? merge(base, rewritten) : base;
}
