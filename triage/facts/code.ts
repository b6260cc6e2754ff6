import type { AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeAction } from './index.ts';
import type { ActionFacts, ShellPayload } from './types.ts';
import { embeddedShellCommands } from './code-payloads.ts';

/**
 * Code does its file and network work through library calls: a code tool (`execute_python_code {code}`, a
 * notebook cell), and interpreter code inside a command (`python3 -c`, `node -e`, `ruby -e`, `perl -e`,
 * `php -r`, a here-document fed to an interpreter). The code is first made literal where it can be: the
 * environment variables the command sets, the home directory (`Path.home()`, `os.homedir()`), joined and
 * concatenated strings, and variables assigned a string once. Each library call is then rewritten as the
 * shell command with the same effect, and the rewrite is analyzed like any command: `p.write_text(…)` on
 * `~/.codex/config.toml` writes the agent's configuration, `fetch(url, {method: 'POST'})` is an upload,
 * `JSON.stringify(process.env)` dumps the environment.
 */

/** A quoted string literal: its text is group 1 or 2. */
const LIT = `(?:'([^'\\n]*)'|"([^"\\n]*)")`;
const lit = (m: RegExpMatchArray, from: number) => m[from] ?? m[from + 1] ?? '';
const quoted = (text: string) => (text.includes("'") ? `"${text}"` : `'${text}'`);

/** Reads of the environment, by name: `process.env.X`, `os.environ['X']`, `ENV['X']`, `$ENV{X}`, `getenv('X')`. */
const ENV_READ =
  /process\.env\.(\w+)|process\.env\[\s*['"](\w+)['"]\s*\]|os\.environ\[\s*['"](\w+)['"]\s*\]|os\.(?:environ\.get|getenv)\(\s*['"](\w+)['"][^)]*\)|\bENV\[\s*['"](\w+)['"]\s*\]|\$ENV\{\s*['"]?(\w+)['"]?\s*\}|\bgetenv\(\s*['"](\w+)['"]\s*\)/g;
/** The home directory, however the code asks for it. */
const HOME =
  /(?:pathlib\.)?Path\.home\(\)|os\.path\.expanduser\(\s*['"]~['"]\s*\)|(?:require\(\s*['"](?:node:)?os['"]\s*\)|\bos)\.homedir\(\)|\bDir\.home\b|File\.expand_path\(\s*['"]~['"]\s*\)/g;
/** Wrappers that only turn a literal into a path: `Path('~/x').expanduser()`, `os.path.expanduser('~/x')`. */
const PATH_WRAPPER = new RegExp(
  `(?:(?:pathlib\\.)?Path\\(\\s*${LIT}\\s*\\)(?:\\.expanduser\\(\\))?|os\\.path\\.(?:expanduser|abspath)\\(\\s*${LIT}\\s*\\)|File\\.expand_path\\(\\s*${LIT}\\s*\\))`,
  'g',
);
/** `'a' / 'b'` (pathlib), `'a' + 'b'`, `'a' . 'b'` (Perl, PHP). */
const JOINED = new RegExp(`${LIT}\\s*([/+.])\\s*${LIT}`, 'g');
/** `os.path.join('a', 'b')`, `path.join(…)`, `File.join(…)`, with literal arguments only. */
const JOIN_CALL = /\b(?:os\.path|path|File)\.join\(\s*((?:(?:'[^'\n]*'|"[^"\n]*")\s*,?\s*)+)\)/g;
/** A template literal whose parts are all literal by now. */
const TEMPLATE = /`([^`$\\]*)\$\{\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*\}/g;
/** `name = 'literal'` (Python, JS `const`/`let`/`var`, Perl `my $name`, PHP `$name`). */
const ASSIGNED = new RegExp(
  `(?:\\b(?:const|let|var|my)\\s+)?(\\$?[A-Za-z_]\\w*)\\s*=\\s*${LIT}\\s*[;\\n]`,
  'g',
);

const MAX_PASSES = 8;

/** The code with what can be made literal made literal (see the module comment). */
export function literalCode(code: string, env: Record<string, string> = {}): string {
  let c = code.replace(ENV_READ, (whole, ...names: (string | undefined)[]) => {
    const name = names.slice(0, 7).find((n) => n !== undefined)!;
    if (name === 'HOME') return "'~'";
    return env[name] === undefined ? whole : quoted(env[name]);
  });
  c = c.replace(HOME, "'~'");
  for (let pass = 0; pass < MAX_PASSES; pass += 1) {
    const before = c;
    c = c.replace(PATH_WRAPPER, (...m: string[]) => quoted(m.slice(1, 7).find((g) => g !== undefined) ?? ''));
    c = c.replace(JOIN_CALL, (_, list: string) =>
      quoted(
        [...list.matchAll(/'([^'\n]*)'|"([^"\n]*)"/g)]
          .map((m) => m[1] ?? m[2] ?? '')
          .join('/')
          .replace(/\/{2,}/g, '/'),
      ),
    );
    c = c.replace(JOINED, (_, a1?: string, a2?: string, op?: string, b1?: string, b2?: string) => {
      const a = a1 ?? a2 ?? '';
      const b = b1 ?? b2 ?? '';
      return quoted(op === '/' ? `${a.replace(/\/+$/, '')}/${b.replace(/^\/+/, '')}` : `${a}${b}`);
    });
    c = c.replace(TEMPLATE, (_, head: string, x?: string, y?: string) => `\`${head}${x ?? y ?? ''}`);
    c = c.replace(/`([^`$\\\n]*)`/g, (_, text: string) => quoted(text));
    const values = new Map<string, string>();
    for (const m of c.matchAll(ASSIGNED)) if (!values.has(m[1]!)) values.set(m[1]!, lit(m, 2));
    for (const [name, value] of values) {
      const escaped = name.replace(/\$/g, '\\$');
      // Uses of the name (not its assignment, not a property of something else).
      c = c.replace(new RegExp(`(?<![\\w.$])${escaped}\\b(?!\\s*=[^=])`, 'g'), quoted(value));
    }
    if (c === before) break;
  }
  return c;
}

const P = LIT;
/** Library calls → the shell command with the same effect. Applied to literal code. */
const REWRITES: [RegExp, (m: RegExpMatchArray) => string][] = [
  // Python
  [
    new RegExp(`\\bopen\\(\\s*${P}\\s*,\\s*${P}`, 'g'),
    (m) => {
      const mode = lit(m, 3);
      const path = lit(m, 1);
      return /[wax+]/.test(mode) ? `echo data ${mode.includes('a') ? '>>' : '>'} '${path}'` : `cat '${path}'`;
    },
  ],
  [new RegExp(`\\bopen\\(\\s*${P}\\s*\\)`, 'g'), (m) => `cat '${lit(m, 1)}'`],
  [new RegExp(`${P}\\.(?:write_text|write_bytes)\\(`, 'g'), (m) => `echo data > '${lit(m, 1)}'`],
  [new RegExp(`${P}\\.(?:read_text|read_bytes)\\(`, 'g'), (m) => `cat '${lit(m, 1)}'`],
  [new RegExp(`${P}\\.(?:unlink|rmdir)\\(`, 'g'), (m) => `rm '${lit(m, 1)}'`],
  [
    new RegExp(
      `\\b(?:shutil\\.(?:copy|copy2|copyfile|move|copytree)|os\\.rename|fs\\.(?:copyFileSync|copyFile|cpSync|renameSync)|FileUtils\\.(?:cp|mv|cp_r))\\(\\s*${P}\\s*,\\s*${P}`,
      'g',
    ),
    (m) => `cp '${lit(m, 1)}' '${lit(m, 3)}'`,
  ],
  [new RegExp(`\\bshutil\\.rmtree\\(\\s*${P}`, 'g'), (m) => `rm -rf '${lit(m, 1)}'`],
  [new RegExp(`\\bos\\.(?:remove|unlink|rmdir)\\(\\s*${P}`, 'g'), (m) => `rm '${lit(m, 1)}'`],
  [
    new RegExp(`\\b(?:requests|httpx|session|client)\\.(?:post|put|patch)\\(\\s*${P}`, 'g'),
    (m) => `curl -X POST --data-binary @- '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\b(?:requests|httpx)\\.get\\(\\s*${P}`, 'g'), (m) => `curl '${lit(m, 1)}'`],
  [
    new RegExp(`\\burllib\\.request\\.(?:urlopen|Request)\\(\\s*${P}[^)]*\\bdata\\s*=`, 'g'),
    (m) => `curl -X POST --data-binary @- '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\burllib\\.request\\.urlopen\\(\\s*${P}`, 'g'), (m) => `curl '${lit(m, 1)}'`],
  [
    new RegExp(`\\bsocket\\.(?:create_connection|connect)\\(\\s*\\(\\s*${P}\\s*,\\s*(\\d+)`, 'g'),
    (m) => `nc ${lit(m, 1)} ${m[3] ?? '443'}`,
  ],
  // Node
  [
    new RegExp(
      `\\bfs\\.(?:promises\\.)?(?:writeFileSync|writeFile|appendFileSync|appendFile|createWriteStream)\\(\\s*${P}`,
      'g',
    ),
    (m) => `echo data > '${lit(m, 1)}'`,
  ],
  [
    new RegExp(
      `\\bfs\\.(?:promises\\.)?(?:readFileSync|readFile|createReadStream|readdirSync)\\(\\s*${P}`,
      'g',
    ),
    (m) => `cat '${lit(m, 1)}'`,
  ],
  [
    new RegExp(
      `\\bfs\\.(?:promises\\.)?(?:rmSync|rm|unlinkSync|unlink|rmdirSync)\\(\\s*${P}([^)]*recursive)?`,
      'g',
    ),
    (m) => `rm ${m[3] ? '-rf ' : ''}'${lit(m, 1)}'`,
  ],
  [
    new RegExp(`\\bfetch\\(\\s*${P}\\s*,\\s*\\{[^}]*\\bmethod\\s*:\\s*['"](?:POST|PUT|PATCH)['"]`, 'gi'),
    (m) => `curl -X POST --data-binary @- '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\b(?:fetch|axios\\.get|got)\\(\\s*${P}`, 'g'), (m) => `curl '${lit(m, 1)}'`],
  [
    new RegExp(`\\baxios\\.(?:post|put|patch)\\(\\s*${P}`, 'g'),
    (m) => `curl -X POST --data-binary @- '${lit(m, 1)}'`,
  ],
  [
    new RegExp(`\\bnet\\.(?:connect|createConnection)\\(\\s*(\\d+)\\s*,\\s*${P}`, 'g'),
    (m) => `nc ${lit(m, 2)} ${m[1] ?? '443'}`,
  ],
  // Ruby, Perl, PHP
  [
    new RegExp(`\\bFile\\.(?:write|open)\\(\\s*${P}\\s*,\\s*['"]?[wa]`, 'g'),
    (m) => `echo data > '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\bFile\\.write\\(\\s*${P}`, 'g'), (m) => `echo data > '${lit(m, 1)}'`],
  [
    new RegExp(`\\b(?:File\\.(?:read|readlines|binread)|IO\\.read)\\(\\s*${P}`, 'g'),
    (m) => `cat '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\bFileUtils\\.rm(?:_rf|_r|_f)?\\(\\s*${P}`, 'g'), (m) => `rm -rf '${lit(m, 1)}'`],
  [
    new RegExp(`\\bNet::HTTP\\.(?:post|post_form|put)\\(\\s*URI(?:\\.parse)?\\(\\s*${P}`, 'g'),
    (m) => `curl -X POST --data-binary @- '${lit(m, 1)}'`,
  ],
  [
    new RegExp(`\\bopen\\s*\\(?\\s*(?:my\\s+)?\\$?\\w+\\s*,\\s*['"](>>?)['"]\\s*,\\s*${P}`, 'g'),
    (m) => `echo data ${m[1]} '${lit(m, 2)}'`,
  ],
  [
    new RegExp(`\\bopen\\s*\\(?\\s*(?:my\\s+)?\\$?\\w+\\s*,\\s*['"]<['"]\\s*,\\s*${P}`, 'g'),
    (m) => `cat '${lit(m, 1)}'`,
  ],
  [new RegExp(`\\bfile_put_contents\\(\\s*${P}`, 'g'), (m) => `echo data > '${lit(m, 1)}'`],
  [new RegExp(`\\b(?:file_get_contents|readfile|fopen)\\(\\s*${P}`, 'g'), (m) => `cat '${lit(m, 1)}'`],
  [new RegExp(`\\bunlink\\(\\s*${P}`, 'g'), (m) => `rm '${lit(m, 1)}'`],
];

/** The whole environment read at once (sent, printed, serialized): a dump, not one variable. */
const WHOLE_ENVIRONMENT =
  /JSON\.stringify\(\s*process\.env\s*[,)]|\bprocess\.env\s*[,)}\]]|\bdict\(\s*os\.environ\s*\)|os\.environ\.copy\(\)|\b(?:str|repr|print)\(\s*os\.environ\s*\)|json\.dumps\(\s*(?:dict\()?\s*os\.environ|\bENV\.to_h\b|%ENV\b|\$_ENV\b|getenv\(\s*\)/;

/** Shell commands with the same effects as the code's library calls. */
export function codeAsShell(code: string, env: Record<string, string> = {}): string[] {
  const literal = literalCode(code, env);
  const commands = [...embeddedShellCommands(literal, false)];
  for (const [re, rewrite] of REWRITES) for (const m of literal.matchAll(re)) commands.push(rewrite(m));
  if (WHOLE_ENVIRONMENT.test(code)) commands.push('env');
  return commands;
}

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

/** Interpreter code inside a command line (not shell: the shell parser followed that already). */
const codePayloads = (facts: ActionFacts): ShellPayload[] =>
  facts.shell?.payloads.filter((p) => p.language !== undefined && p.language !== 'shell') ?? [];

/** Facts of two readings of one action, together (the first's command and shell stand). */
export const mergeFacts = (a: ActionFacts, b: ActionFacts): ActionFacts => ({
  ...a,
  toolClass: a.toolClass === 'other' ? 'shell' : a.toolClass,
  command: a.command ?? b.command,
  shell: a.shell ?? b.shell,
  reads: [...a.reads, ...b.reads],
  writes: [...a.writes, ...b.writes],
  deletes: [...a.deletes, ...b.deletes],
  network: [...a.network, ...b.network],
  executes: [...new Set([...a.executes, ...b.executes])],
  environment: [...new Set([...a.environment, ...b.environment])],
  secretsInArguments: [...a.secretsInArguments, ...b.secretsInArguments],
  behaviours: [...new Set([...a.behaviours, ...b.behaviours])],
});

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

/** Facts of an event, with code's library calls understood (shell variables are the parser's). */
export function analyzeWithCode(event: AgentEvent): ActionFacts | undefined {
  const facts = analyzeAction(event);
  if (!facts) return facts;
  const tool = codeOf(event);
  const commands = [
    ...(tool === undefined ? [] : codeAsShell(tool)),
    ...codePayloads(facts).flatMap((p) => codeAsShell(p.text, p.env)),
  ];
  if (!commands.length) return facts;
  const rewritten = reanalyze(event, commands.join('\n'));
  return rewritten ? { ...mergeFacts(facts, rewritten), command: facts.command } : facts;
}
