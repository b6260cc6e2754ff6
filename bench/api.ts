// The query API on a realistic volume: two workspaces of SESSIONS sessions each (one finding per session,
// some dispositions, timelines for a sample), measured through the real HTTP server over chDB.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pino from 'pino';
import { ApiConfig, start as startApi } from '../api/index.ts';
import type { Disposition } from '../schemas/findings.ts';
import { StoreConfig, openStore } from '../store/index.ts';
import { eventId, makeEvent, makeFinding, makeSession } from '../store/test-fixtures.ts';
import { requestPhaseReport, type PhaseReport } from './load.ts';

const KEY = 'bench-api-key-0123456789';
const SESSIONS = Number(process.env.BENCH_API_SESSIONS ?? 20_000);
const WITH_TIMELINE = 200;
const CHUNK = 5_000;

async function seed(store: Awaited<ReturnType<typeof openStore>>, workspace: string) {
  const base = BigInt(Date.now() - 86_400_000) * 1_000_000n;
  for (let from = 0; from < SESSIONS; from += CHUNK) {
    const n = Math.min(CHUNK, SESSIONS - from);
    const ids = Array.from({ length: n }, (_, i) => from + i);
    const verdict = (i: number) => (i % 10 === 0 ? 'escalation' : i % 10 < 3 ? 'mistake' : 'benign');
    const severity = (i: number) => (i % 10 === 0 ? 'critical' : i % 10 < 3 ? 'medium' : 'info');
    await store.upsertSessions(
      ids.map((i) =>
        makeSession({
          workspace,
          sessionId: `${workspace}-${i}`,
          lastEventTimeUnixNano: String(base + BigInt(i) * 1_000_000_000n),
          verdict: verdict(i),
          severity: severity(i),
          score: verdict(i) === 'escalation' ? 90 : verdict(i) === 'mistake' ? 50 : 5,
          userEmail: `dev${i % 300}@${workspace}.test`,
        }),
      ),
    );
    await store.insertFindings(
      ids.map((i) =>
        makeFinding(1, {
          findingId: eventId(`${workspace}/${i}`),
          workspace,
          sessionId: `${workspace}-${i}`,
          verdict: verdict(i),
          severity: severity(i),
          createdAtMs: Date.now() - 86_400_000 + i * 1000,
        }),
      ),
    );
    const dispositions: Disposition[] = ids
      .filter((i) => i % 10 === 0 && i % 20 === 0)
      .map((i) => ({
        dispositionId: `d-${workspace}-${i}`,
        findingId: eventId(`${workspace}/${i}`),
        workspace,
        sessionId: `${workspace}-${i}`,
        status: 'resolved',
        analystVerdict: 'true_positive',
        assignee: 'alice',
        reason: 'contained',
        note: '',
        actor: 'alice',
        createdAtMs: Date.now(),
      }));
    await store.insertDispositions(dispositions);
  }
  for (let i = 0; i < WITH_TIMELINE; i++) {
    await store.insertEvents(
      Array.from({ length: 50 }, (_, k) => makeEvent(k, `${workspace}-${i}`, workspace)),
    );
  }
}

/** Requests per second and latency of `path` with `concurrency` clients for `seconds`. */
async function measure(
  base: string,
  phase: string,
  paths: () => string,
  seconds: number,
  concurrency = 4,
): Promise<PhaseReport> {
  const latencies: number[] = [];
  let errors = 0;
  const cpu0 = process.cpuUsage();
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const res = await fetch(`${base}${paths()}`, { headers: { authorization: `Bearer ${KEY}` } });
        await res.arrayBuffer();
        if (!res.ok) errors++;
        latencies.push(performance.now() - t);
      }
    }),
  );
  return requestPhaseReport(phase, latencies, seconds, process.cpuUsage(cpu0), errors);
}

export async function apiPhases(
  seconds: number,
  say: (msg: string, extra?: object) => void,
  logger: pino.Logger,
) {
  const store = await openStore(
    StoreConfig.parse({
      WARDEN_DATA_DIR: await mkdtemp(join(tmpdir(), 'warden-bench-api-')),
      WARDEN_EVENT_TTL_DAYS: '0',
    }),
    logger,
  );
  say('phase: api (seeding)', { sessionsPerWorkspace: SESSIONS, workspaces: 2 });
  await seed(store, 'bench');
  await seed(store, 'other');
  const api = await startApi(
    ApiConfig.parse({
      WARDEN_API_PORT: '0',
      WARDEN_API_KEYS: `${KEY}=bench:viewer`,
      WARDEN_API_RATE_LIMIT: '100000000',
    }),
    { store, logger },
  );
  const base = `http://127.0.0.1:${api.port}`;
  // A cursor 20 pages deep, for the cost of paging far into the list.
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const page = (await (
      await fetch(`${base}/v1/sessions?limit=50${cursor ? `&cursor=${cursor}` : ''}`, {
        headers: { authorization: `Bearer ${KEY}` },
      })
    ).json()) as { next_cursor: string };
    cursor = page.next_cursor;
  }
  let n = 0;
  const reports: PhaseReport[] = [];
  const phases: [string, () => string][] = [
    ['api: sessions, flagged first, first page of 50', () => '/v1/sessions?limit=50'],
    ['api: sessions, page 21 by cursor', () => `/v1/sessions?limit=50&cursor=${cursor}`],
    [
      'api: sessions, free text over rationale and commands',
      () => '/v1/sessions?limit=50&q=aws%2Fcredentials',
    ],
    ['api: one session with evidence and history', () => `/v1/sessions/bench-${n++ % WITH_TIMELINE}`],
    ['api: a session timeline (50 events)', () => `/v1/sessions/bench-${n++ % WITH_TIMELINE}/events`],
    ['api: findings, open cases, page of 50', () => '/v1/findings?status=new&verdict=escalation&limit=50'],
  ];
  for (const [phase, path] of phases) {
    say(`phase: ${phase}`, { seconds });
    reports.push(await measure(base, phase, path, seconds));
  }
  say('phase: api: OCSF export');
  const t0 = performance.now();
  const res = await fetch(`${base}/v1/findings/export?limit=${SESSIONS}`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  const lines = (await res.text()).split('\n').filter(Boolean).length;
  const exportSeconds = (performance.now() - t0) / 1000;
  reports.push({
    phase: `api: OCSF export of ${lines} findings (findings/s)`,
    recordsPerSecond: Math.round(lines / exportSeconds),
    kafkaMessages: 0,
    cpuSecondsPer10k: 0,
    p50Ms: 0,
    p99Ms: Math.round(exportSeconds * 1000),
    errors: res.ok && lines === SESSIONS ? 0 : 1,
  });
  await api.close();
  await store.close();
  return reports;
}
