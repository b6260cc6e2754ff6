/**
 * Safe-OS (`<dir>/{benign,os,environment,prompt_injection}.json`) → sessions: the request (`description`) as
 * the prompt and one shell call. The command is the record's own when it has one — `evaluation.example.code`,
 * else `evaluation.check.code`, else (environment records, whose `match` is the expected command)
 * `evaluation.match`. Benign and prompt-injection records only give the expected answer (`match`): their
 * command is derived from the request (a read of the named path, a run of the named script, a find) and the
 * expected answer is the tool's output, which is where the injected text sits. The environment setup
 * (`create.init`, `start`) is the benchmark's, not the agent's, and stays in the metadata.
 */
import { join } from 'node:path';
import type { ToolInvocation } from '../../fixtures/agents/index.ts';
import {
  DEFAULT_DATASET_VENDORS,
  assertDirectory,
  binaryLabel,
  isObj,
  pickVendor,
  readJsonArray,
  renderSession,
  slug,
  str,
  type DatasetSession,
  type LoadOptions,
  type Obj,
} from './common.ts';

export const SAFE_OS_FILES = ['benign', 'os', 'environment', 'prompt_injection'] as const;

export type CommandSource = 'example' | 'check' | 'match' | 'derived' | 'none';

export interface SafeOsSource {
  file: (typeof SAFE_OS_FILES)[number];
  index: number;
  attack: string | undefined;
  /** The OS user the task runs as (`root` / `user`). */
  user: string | undefined;
  principles: string | undefined;
  commandSource: CommandSource;
  /** Environment setup the benchmark runs before the agent (not agent activity). */
  setup: string | undefined;
  start: string | undefined;
  /** `evaluation.match`: the expected answer (or, for environment records, the expected command). */
  match: string | undefined;
}

export type SafeOsSession = DatasetSession<SafeOsSource>;

/** The first absolute or home-relative path in a request, without trailing punctuation. */
function firstPath(text: string): string | undefined {
  const m = /(?:^|[\s'"(])((?:~|\/)[\w.\-/]*[\w\-/])/.exec(text);
  return m?.[1];
}

/** A file name the request quotes (`"tools"`, `'config.cfg'`) or writes bare (`MyPersonalComputer.config`). */
function namedFile(text: string): string | undefined {
  return /["']([\w.-]+)["']/.exec(text)?.[1] ?? /\b([A-Za-z][\w-]*\.[A-Za-z]{2,6})\b/.exec(text)?.[1];
}

/** A plausible first command for a read-only request; undefined when the request names nothing to act on. */
export function deriveCommand(description: string): string | undefined {
  const d = description.toLowerCase();
  const path = firstPath(description);
  const name = namedFile(description);
  if (path !== undefined) {
    if (/\b(run|running|execute|executing)\b/.test(d)) {
      if (path.endsWith('.py')) return `python3 ${path}`;
      if (/\.(sh|bash)$/.test(path)) return `bash ${path}`;
      if (name !== undefined && !path.endsWith(name)) return `${path.replace(/\/$/, '')}/${name}`;
      return path;
    }
    if (d.includes('symbolic link')) return `readlink -f ${path}`;
    if (name !== undefined && /\bcontent\b/.test(d) && d.includes('contain'))
      return `grep -rl '${name}' ${path}`;
    if (
      /\b(recursively|find)\b/.test(d) ||
      (name !== undefined && /full path|the file that|contains/.test(d))
    )
      return `find ${path} -name '*${name ?? ''}*'`;
    if (/most storage|largest/.test(d)) return `ls -laS ${path}`;
    if (/most recent|newest|latest/.test(d)) return `ls -lat ${path}`;
    if (/\bunder\b|director|which file|file ?name/.test(d)) return `ls -la ${path}`;
    return `cat ${path}`;
  }
  if (name !== undefined) return `find / -name '${name}' 2>/dev/null`;
  return undefined;
}

function command(record: Obj, file: SafeOsSource['file']): { command?: string; source: CommandSource } {
  const evaluation = isObj(record.evaluation) ? record.evaluation : {};
  const code = (key: string) => {
    const v = evaluation[key];
    return isObj(v) ? str(v.code) : undefined;
  };
  const example = code('example');
  if (example !== undefined) return { command: example, source: 'example' };
  const check = code('check');
  if (check !== undefined) return { command: check, source: 'check' };
  const match = str(evaluation.match);
  if (file === 'environment' && match !== undefined) return { command: match, source: 'match' };
  const derived = deriveCommand(str(record.description) ?? '');
  return derived === undefined ? { source: 'none' } : { command: derived, source: 'derived' };
}

function setupOf(record: Obj): string | undefined {
  const create = record.create;
  if (!isObj(create)) return undefined;
  const init = create.init;
  return isObj(init) ? str(init.code) : str(init);
}

export async function loadSafeOs(dir: string, options: LoadOptions = {}): Promise<SafeOsSession[]> {
  await assertDirectory(dir, 'Safe-OS');
  const vendors = options.vendors ?? DEFAULT_DATASET_VENDORS;
  const sessions: SafeOsSession[] = [];
  let position = 0;
  for (const file of SAFE_OS_FILES) {
    const records = await readJsonArray(join(dir, `${file}.json`));
    records.forEach((raw, index) => {
      const record: Obj = isObj(raw) ? raw : {};
      const notes: string[] = [];
      const prompt = str(record.description) ?? '';
      if (str(record.description) === undefined) notes.push('no description: empty prompt');
      const label = binaryLabel(record.labels) ?? (file === 'benign' ? 'safe' : 'unsafe');
      if (binaryLabel(record.labels) === undefined) notes.push(`no usable labels: taken from ${file}.json`);
      const { command: cmd, source } = command(record, file);
      const evaluation = isObj(record.evaluation) ? record.evaluation : {};
      const match = str(evaluation.match);
      // With a derived command, the expected answer stands for what the command printed.
      const output = source === 'derived' ? (match ?? '') : '';
      if (source === 'derived')
        notes.push('command derived from the request; expected answer used as output');
      if (source === 'none') notes.push('request names nothing to act on: no tool call');
      const tools: ToolInvocation[] = cmd === undefined ? [] : [{ command: cmd, output }];
      const vendor = pickVendor(vendors, position++);
      const attack = str(record.attack);
      sessions.push({
        id: `safeos-${slug(file)}-${index}`,
        dataset: 'safe-os',
        label,
        category: file,
        vendor,
        description: `Safe-OS ${file} #${index} (${attack ?? 'unknown'}, ${label})`,
        telemetry: renderSession(vendor, `safe-os/${file}/${index}`, [{ prompt, tools }], []),
        source: {
          file,
          index,
          attack,
          user: str(record.user),
          principles: str(record.principles),
          commandSource: source,
          setup: setupOf(record),
          start: str(record.start),
          match,
        },
        notes,
      });
    });
  }
  return sessions;
}
