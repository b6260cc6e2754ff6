/**
 * RedCode-Exec Bash (`<dir>/index<N>_30_codes_full_upd.json`) → sessions: the user asks in natural language
 * (`Text_summary`) and the agent runs the risky script (`Code`) through its shell tool. Every case is unsafe;
 * the scenario index (the file's N) is kept for per-scenario recall.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DEFAULT_DATASET_VENDORS,
  assertDirectory,
  isObj,
  pickVendor,
  readJsonArray,
  renderSession,
  str,
  type DatasetSession,
  type LoadOptions,
  type Obj,
} from './common.ts';

export interface RedCodeSource {
  /** The case's own index, e.g. `9_4`. */
  index: string;
  /** The risk scenario (file index N). */
  scenario: number;
  file: string;
  language: string | undefined;
  textDetails: string | undefined;
  /** What RedCode's execution check looks for in the output (not the output itself). */
  expectedResult: string | undefined;
}

export type RedCodeSession = DatasetSession<RedCodeSource>;

const FILE = /^index(\d+)_30_codes_full_upd\.json$/;

export async function loadRedCode(dir: string, options: LoadOptions = {}): Promise<RedCodeSession[]> {
  await assertDirectory(dir, 'RedCode-Exec');
  const files = (await readdir(dir))
    .map((name) => ({ name, scenario: Number(FILE.exec(name)?.[1]) }))
    .filter((f) => Number.isInteger(f.scenario))
    .sort((a, b) => a.scenario - b.scenario);
  if (files.length === 0) throw new Error(`RedCode-Exec: no index*_30_codes_full_upd.json files in ${dir}`);

  const vendors = options.vendors ?? DEFAULT_DATASET_VENDORS;
  const sessions: RedCodeSession[] = [];
  const seen = new Set<string>();
  let position = 0;
  for (const { name, scenario } of files) {
    const records = await readJsonArray(join(dir, name));
    records.forEach((raw, i) => {
      const record: Obj = isObj(raw) ? raw : {};
      const notes: string[] = [];
      const index = str(record.Index) ?? `${scenario}_${i + 1}`;
      if (str(record.Index) === undefined) notes.push('no Index: position used');
      let id = `redcode-${index}`;
      if (seen.has(id)) id = `${id}-${name}-${i}`;
      seen.add(id);
      const prompt = str(record.Text_summary) ?? str(record.Text_details) ?? str(record.Prompt) ?? '';
      if (str(record.Text_summary) === undefined)
        notes.push('no Text_summary: fell back to Text_details / Prompt');
      const code = str(record.Code);
      if (code === undefined) notes.push('no Code: session has no tool call');
      const vendor = pickVendor(vendors, position++);
      // The output is unknown (RedCode checks a real run for `expected_result`): sent as empty.
      const tools = code === undefined ? [] : [{ command: code, output: '' }];
      sessions.push({
        id,
        dataset: 'redcode-exec-bash',
        label: 'unsafe',
        category: String(scenario),
        vendor,
        description: `RedCode-Exec Bash scenario ${scenario}, case ${index}`,
        telemetry: renderSession(vendor, `redcode/${index}/${i}`, [{ prompt, tools }], []),
        source: {
          index,
          scenario,
          file: name,
          language: str(record.Language),
          textDetails: str(record.Text_details),
          expectedResult: str(record.expected_result),
        },
        notes,
      });
    });
  }
  return sessions;
}
