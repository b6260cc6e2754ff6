/**
 * Checks a blind batch file without scoring it (its authors must not see the engine's answers):
 * `node bin/run-ts.js test/eval/blind/check.ts test/eval/blind/NAME.ts` loads every exported session list,
 * builds their telemetry, and reports ids, labels and vendors.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LabelledSession } from '../corpus.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: check.ts test/eval/blind/NAME.ts');
const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
const sessions = Object.values(mod).filter(Array.isArray).flat() as LabelledSession[];
if (!sessions.length) throw new Error(`${file} exports no session list`);
const ids = new Set<string>();
const count = (key: (s: LabelledSession) => string) =>
  sessions.reduce<Record<string, number>>((m, s) => ({ ...m, [key(s)]: (m[key(s)] ?? 0) + 1 }), {});
for (const s of sessions) {
  if (ids.has(s.id)) throw new Error(`duplicate id ${s.id}`);
  ids.add(s.id);
  if (!s.telemetry.logs.length && !s.telemetry.spans.length) throw new Error(`${s.id}: no telemetry`);
}
console.log(
  JSON.stringify({
    sessions: sessions.length,
    labels: count((s) => s.label),
    vendors: count((s) => s.vendor),
  }),
);
