// `npm run eval [-- --rjudge DIR] [--redcode DIR] [--safe-os DIR] [--atomic DIR] [--category Program] [--blind NAME]`
// Runs labelled sessions through the real pipeline — OTLP/HTTP → collector → embedded bus → triage → chDB →
// API — and scores the verdicts the API returns. Without flags: the project's own labelled corpus.
// `--blind NAME` scores a blind batch (test/eval/blind/): sessions written by someone who had not read the
// engine, before the engine was changed for their family of behaviour. `--atomic DIR` puts each Atomic Red
// Team Linux/macOS test, unrequested, into an ordinary coding session in every vendor shape and reports the
// share flagged per ATT&CK tactic.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BusConfig, openBus } from '../../bus/index.ts';
import type { AgentTelemetry } from '../fixtures/agents/index.ts';
import { toOtlpLogsRequest, toOtlpTraceRequest } from '../fixtures/agents/index.ts';
import { normalizeTelemetry } from '../helpers/events.ts';
import { postOtlp, testLogger } from '../helpers/pipeline.ts';
import { openTestStore, startTestWarden, waitForSession, type SessionView } from '../helpers/warden.ts';
import { BLIND_BATCHES } from './blind/index.ts';

const PUBLISHED_RJUDGE = 'GPT-4o F1 74.45, Meta-Llama-Guard-2-8B F1 71.84, random F1 51.32';
import { CORPUS, type LabelledSession } from './corpus.ts';
import { loadAtomic, loadRJudge, loadRedCode, loadSafeOs } from './datasets.ts';
import { binary, formatBinary, formatThreeWay, threeWay, type Klass } from './metrics.ts';

const { values: args } = parseArgs({
  options: {
    rjudge: { type: 'string' },
    redcode: { type: 'string' },
    'safe-os': { type: 'string' },
    atomic: { type: 'string' },
    category: { type: 'string' },
    corpus: { type: 'boolean', default: false },
    blind: { type: 'string', multiple: true },
  },
});

const say = (msg: string, extra: object = {}) =>
  process.stderr.write(`${JSON.stringify({ level: 'info', msg, ...extra })}\n`);

interface Case {
  id: string;
  telemetry: AgentTelemetry;
}

/** The session id the API knows a case by, and how many events it must show once fully judged. */
function expectation(c: Case) {
  const events = normalizeTelemetry(c.telemetry);
  const own = events.filter((e) => !e.sessionIdDerived);
  const sessionId = (own[0] ?? events[0]!).sessionId;
  // Tool spans without a conversation id join their trace's conversation in the collector.
  const traces = new Set(events.filter((e) => e.sessionId === sessionId && e.traceId).map((e) => e.traceId));
  const count = events.filter(
    (e) => e.sessionId === sessionId || (e.sessionId === `trace:${e.traceId}` && traces.has(e.traceId)),
  ).length;
  return { sessionId, count };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'warden-eval-'));
  const bus = await openBus(BusConfig.parse({ WARDEN_DATA_DIR: dir }), testLogger);
  const store = await openTestStore();
  const warden = await startTestWarden(bus, store);

  /** Sends every case over OTLP/HTTP (protobuf) and returns the verdicts the API reports. */
  async function judge(cases: Case[], label: string): Promise<Map<string, SessionView>> {
    const expected = new Map(cases.map((c) => [c.id, expectation(c)]));
    let sent = 0;
    for (const c of cases) {
      if (c.telemetry.logs.length) {
        const res = await postOtlp(
          warden.collector.httpPort,
          '/v1/logs',
          toOtlpLogsRequest(c.telemetry.logs, 'protobuf'),
          { 'content-type': 'application/x-protobuf' },
        );
        if (res.status !== 200) throw new Error(`${c.id}: collector answered ${res.status}`);
      }
      if (c.telemetry.spans.length) {
        const res = await postOtlp(
          warden.collector.httpPort,
          '/v1/traces',
          toOtlpTraceRequest(c.telemetry.spans, 'protobuf'),
          { 'content-type': 'application/x-protobuf' },
        );
        if (res.status !== 200) throw new Error(`${c.id}: collector answered ${res.status}`);
      }
      if (++sent % 100 === 0) say(`${label}: sent`, { sent, of: cases.length });
    }
    const verdicts = new Map<string, SessionView>();
    for (const c of cases) {
      const e = expected.get(c.id)!;
      verdicts.set(c.id, await waitForSession(warden.api.port, e.sessionId, e.count, 120_000));
      if (verdicts.size % 100 === 0) say(`${label}: judged`, { judged: verdicts.size, of: cases.length });
    }
    return verdicts;
  }

  const results: Record<string, unknown> = {};
  const report: string[] = [];
  try {
    const labelled = async (name: string, sessions: LabelledSession[]) => {
      const verdicts = await judge(sessions, name);
      const pairs = sessions.map((c) => ({
        actual: c.label as Klass,
        predicted: verdicts.get(c.id)!.verdict,
      }));
      const r = threeWay(pairs);
      results[name] = {
        ...r,
        misses: sessions
          .filter((c, i) => pairs[i]!.predicted !== c.label)
          .map((c) => ({
            id: c.id,
            label: c.label,
            got: verdicts.get(c.id)!.verdict,
            rationale: verdicts.get(c.id)!.rationale,
          })),
      };
      report.push(
        formatThreeWay(`${name} (${sessions.length} sessions)`, r),
        `  escalation recall ${(100 * r.perClass.escalation.recall).toFixed(1)}`,
      );
    };
    const datasets = args.rjudge || args.redcode || args['safe-os'] || args.atomic;
    if (args.corpus || (!datasets && !args.blind)) await labelled('corpus', CORPUS);
    for (const name of args.blind ?? []) {
      const batch = BLIND_BATCHES[name];
      if (!batch)
        throw new Error(`no blind batch "${name}"; there are: ${Object.keys(BLIND_BATCHES).join(', ')}`);
      await labelled(`blind:${name}`, batch);
    }
    if (args.rjudge) {
      const records = await loadRJudge(args.rjudge, { category: args.category });
      const verdicts = await judge(records, 'r-judge');
      const pairs = records.map((c) => ({
        unsafe: c.label === 'unsafe',
        flagged: verdicts.get(c.id)!.verdict !== 'benign',
        category: c.category,
      }));
      const categories = [...new Set(records.map((r) => r.category))].sort();
      results.rjudge = {
        all: binary(pairs),
        byCategory: Object.fromEntries(
          categories.map((k) => [k, binary(pairs.filter((p) => p.category === k))]),
        ),
      };
      report.push(formatBinary(`R-Judge (${records.length} records)`, binary(pairs)));
      for (const k of categories)
        report.push(formatBinary(`  ${k}`, binary(pairs.filter((p) => p.category === k))));
      // The paper's leaderboard (R-Judge, EMNLP Findings 2024), all categories, binary F1: LLMs reading the record.
      report.push(`  published, all categories: ${PUBLISHED_RJUDGE}`);
    }
    if (args.redcode) {
      const records = await loadRedCode(args.redcode);
      const verdicts = await judge(records, 'redcode');
      const scenarios = [...new Set(records.map((r) => r.category))].sort(
        (a, b) => Number(a) - Number(b) || a.localeCompare(b),
      );
      const flagged = (ids: typeof records) =>
        ids.filter((r) => verdicts.get(r.id)!.verdict !== 'benign').length;
      const per = Object.fromEntries(
        scenarios.map((s) => {
          const rs = records.filter((r) => r.category === s);
          return [s, flagged(rs) / rs.length];
        }),
      );
      results.redcode = { flagged: flagged(records) / records.length, perScenario: per };
      report.push(
        `RedCode-Exec Bash (${records.length}): flagged ${((100 * flagged(records)) / records.length).toFixed(1)}%`,
      );
      report.push(`  per scenario: ${scenarios.map((s) => `${s}:${(100 * per[s]!).toFixed(0)}%`).join(' ')}`);
    }
    if (args.atomic) {
      const records = await loadAtomic(args.atomic);
      const verdicts = await judge(records, 'atomic');
      const flagged = (r: (typeof records)[number]) => verdicts.get(r.id)!.verdict !== 'benign';
      const share = (rs: typeof records) => (rs.length ? rs.filter(flagged).length / rs.length : 0);
      const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
      const tactics = [...new Set(records.flatMap((r) => r.source.tactics))].sort();
      const byTactic = Object.fromEntries(
        tactics.map((t) => [t, share(records.filter((r) => r.source.tactics.includes(t)))]),
      );
      const vendors = [...new Set(records.map((r) => r.vendor))];
      const byVendor = Object.fromEntries(
        vendors.map((v) => [v, share(records.filter((r) => r.vendor === v))]),
      );
      // One test, five shapes: do they agree?
      const tests = new Map<string, boolean[]>();
      for (const r of records) tests.set(r.source.guid, [...(tests.get(r.source.guid) ?? []), flagged(r)]);
      const split = [...tests.values()].filter((f) => f.some(Boolean) && !f.every(Boolean)).length;
      const escalations = records.filter((r) => verdicts.get(r.id)!.verdict === 'escalation').length;
      const unflagged = records
        .filter((r) => !flagged(r) && r.vendor === vendors[0])
        .map((r) => ({
          technique: r.source.technique,
          name: r.source.name,
          tactics: r.source.tactics,
          rationale: verdicts.get(r.id)!.rationale,
        }));
      results.atomic = {
        flagged: share(records),
        escalation: escalations / records.length,
        byTactic,
        byVendor,
        testsSplitAcrossShapes: split,
        unflagged,
      };
      report.push(
        `Atomic Red Team (${tests.size} tests × ${vendors.length} shapes): flagged ${pct(share(records))}, as escalation ${pct(escalations / records.length)}; tests judged differently across shapes: ${split}`,
        `  per tactic: ${tactics.map((t) => `${t} ${pct(byTactic[t]!)}`).join(', ')}`,
        `  per shape: ${vendors.map((v) => `${v} ${pct(byVendor[v]!)}`).join(', ')}`,
        `  left unflagged (${unflagged.length} tests):`,
        ...unflagged.map(
          (u) => `    [${u.tactics.join(', ') || 'no tactic'}] ${u.technique} ${u.name}: ${u.rationale}`,
        ),
      );
    }
    if (args['safe-os']) {
      const records = await loadSafeOs(args['safe-os']);
      const verdicts = await judge(records, 'safe-os');
      const pairs = records.map((c) => ({
        unsafe: c.label === 'unsafe',
        flagged: verdicts.get(c.id)!.verdict !== 'benign',
      }));
      results.safeOs = binary(pairs);
      report.push(
        formatBinary(`Safe-OS (${records.length})`, binary(pairs)),
        `  false positives on the benign controls: ${binary(pairs).fp} of ${binary(pairs).fp + binary(pairs).tn}`,
      );
    }
  } finally {
    await warden.close();
    await bus.close();
    await store.close();
  }
  console.log(report.join('\n'));
  await mkdir('test/eval/results', { recursive: true });
  const file = join('test/eval/results', `eval-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify({ date: new Date().toISOString(), args, results }, null, 2));
  say('wrote results', { file });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
