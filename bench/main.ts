// `npm run bench`: collector throughput into real Kafka, side by side with the Kafka producer alone.
// Prints a table and writes bench/results/collector-<timestamp>.json. Settings: BENCH_SECONDS (per phase,
// default 10), BENCH_CONCURRENCY (in-flight requests, default 16), KAFKA_BROKERS (else a local broker is started).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { createKafkaBus } from '../bus/kafka.ts';
import { startKafkaBroker } from '../scripts/kafka-broker.ts';
import { apiPhases } from './api.ts';
import { cpuSeconds, peakRssMiB } from './proc.ts';
import { reviewPhase } from './review.ts';
import {
  sessionMessages,
  streamedMessages,
  triagePhase,
  verdictLatencyPhase,
  workloadSessions,
} from './triage.ts';
import { flood, type FloodReport } from './flood.ts';
import { grpcLoad, httpLoad, percentile, type LoadResult, type PhaseReport } from './load.ts';
import { buildWorkload } from './workload.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ITEMS = 100;
/** The streamed triage phase: the same 20,000 events as 50 sessions of 400. */
const STREAMED_SESSIONS = 50;
const TOKEN = 'bench-token-0123456789abcdef';
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';
const LOGS = '/opentelemetry.proto.collector.logs.v1.LogsService/Export';
const TELEMETRYGEN_VERSION = 'v0.161.0';

const say = (msg: string, extra: object = {}) =>
  process.stderr.write(`${JSON.stringify({ level: 'info', msg, ...extra })}\n`);
const silent = pino({ level: 'warn' });

async function topicCount(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((n, o) => n + Number(o.high), 0);
  } finally {
    await admin.disconnect();
  }
}

/** The collector as its own process (`warden collector`), so its CPU and memory are measured alone. */
function spawnCollector(
  brokers: string,
  topic: string,
): Promise<{ child: ChildProcess; grpcPort: number; httpPort: number }> {
  const child = spawn(process.execPath, ['bin/warden.js', 'collector'], {
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers,
      WARDEN_KAFKA_TOPIC: topic,
      WARDEN_KAFKA_PARTITIONS: '6',
      WARDEN_INGEST_TOKENS: `${TOKEN}=bench`,
      WARDEN_FINGERPRINT_KEY: 'bench-fingerprint-key-0123456789abcdef',
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      WARDEN_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const e = JSON.parse(line) as { msg?: string; otlpGrpc?: string; otlpHttp?: string };
      if (e.msg === 'collector ready') {
        resolve({
          child,
          grpcPort: Number(e.otlpGrpc!.split(':')[1]),
          httpPort: Number(new URL(e.otlpHttp!).port),
        });
      }
    });
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
  });
}

/** Records the collector published (its own counters, GET /metrics). */
async function acceptedRecords(httpPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  return [
    ...text.matchAll(/^warden_ingest_records_accepted_total\{signal="(?:traces|logs)"\} (\d+)$/gm),
  ].reduce((n, m) => n + Number(m[1]), 0);
}

const SIDE_BY_SIDE = join('..', 'shared', 'perf', 'side-by-side.sh');

interface SideBySideRow {
  load: string;
  receiver: string;
  recordsPerSecond: number;
  cpuSecondsPer10k: number;
  p50Ms?: number;
}

/**
 * Runs the shared side-by-side harness (Warden's collector and the OpenTelemetry Collector, same broker,
 * same loads) and returns its rows with Warden's ratios to the Collector that answers after Kafka, as
 * Warden does. Skipped with BENCH_SIDE_BY_SIDE=0 or when the harness is not beside the checkout.
 */
async function sideBySideRun() {
  if (process.env.BENCH_SIDE_BY_SIDE === '0' || !existsSync(SIDE_BY_SIDE)) {
    say('side-by-side harness skipped', { harness: SIDE_BY_SIDE });
    return undefined;
  }
  say('phase: side by side with the OpenTelemetry Collector (shared harness; minutes)', { seconds: SECONDS });
  // The harness's agent records carry fixed timestamps: retention at intake must not refuse them.
  const ran = spawnSync('bash', [SIDE_BY_SIDE, String(SECONDS)], {
    env: { ...process.env, WARDEN_EVENT_TTL_DAYS: '0', PERF_RECEIVERS: 'warden otelcol-sync' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const file = '/tmp/perfpeers/result.json';
  if (ran.status !== 0 || !existsSync(file)) {
    say('side-by-side harness failed', { status: ran.status });
    return undefined;
  }
  const result = JSON.parse(readFileSync(file, 'utf8')) as { rows?: SideBySideRow[] };
  const rows = (result.rows ?? []).map(({ load, receiver, recordsPerSecond, cpuSecondsPer10k, p50Ms }) => ({
    load,
    receiver,
    recordsPerSecond,
    cpuSecondsPer10k,
    p50Ms,
  }));
  const ratios = [...new Set(rows.map((r) => r.load))].flatMap((load) => {
    const warden = rows.find((r) => r.load === load && r.receiver === 'warden');
    const otel = rows.find((r) => r.load === load && r.receiver === 'otelcol-sync');
    if (!warden || !otel || !otel.recordsPerSecond) return [];
    return [
      {
        load,
        throughput: Number((warden.recordsPerSecond / otel.recordsPerSecond).toFixed(2)),
        cpuPerRecord: Number((warden.cpuSecondsPer10k / otel.cpuSecondsPer10k).toFixed(1)),
        wardenP50Ms: warden.p50Ms,
        otelP50Ms: otel.p50Ms,
      },
    ];
  });
  return { rows, ratios };
}

async function main() {
  const broker = process.env.KAFKA_BROKERS ? undefined : await startKafkaBroker();
  const brokers = process.env.KAFKA_BROKERS ?? broker!.brokers;
  const kafka = new Kafka({ clientId: 'warden-bench', brokers: [brokers], logLevel: logLevel.NOTHING });
  const run = Date.now().toString(36);
  say('building workload', { requests: 200, itemsPerRequest: ITEMS });
  const workload = buildWorkload(200, ITEMS);
  const reports: PhaseReport[] = [];

  // 1. The Kafka producer alone, with the very messages the collector would publish.
  const rawTopic = `bench-raw-${run}`;
  const rawBus = createKafkaBus({
    brokers: [brokers],
    topic: rawTopic,
    partitions: 6,
    clientId: 'bench-raw',
    publishTimeoutMs: 30_000,
    logger: silent,
  });
  // Each workload request is one conversation: its events travel as AgentEventBatch messages, as in the collector.
  const sessions = workloadSessions(workload.traceRequests);
  const batches = sessions.map((events) => ({
    messages: sessionMessages(events, events.length),
    events: events.length,
  }));
  await rawBus.publish(batches[0]!.messages);
  say('phase: kafka producer alone', { seconds: SECONDS });
  const rawStart = performance.now();
  const rawCpu0 = process.cpuUsage();
  let sent = 0;
  let i = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() - rawStart < SECONDS * 1_000) {
        const b = batches[i++ % batches.length]!;
        await rawBus.publish(b.messages);
        sent += b.events;
      }
    }),
  );
  const rawSeconds = (performance.now() - rawStart) / 1_000;
  const rawCpu = process.cpuUsage(rawCpu0);
  await rawBus.close();
  const producerRate = sent / rawSeconds;
  reports.push({
    phase: 'kafka producer alone (same events)',
    recordsPerSecond: Math.round(producerRate),
    kafkaMessages: (await topicCount(kafka, rawTopic)) - batches[0]!.messages.length,
    cpuSecondsPer10k: ((rawCpu.user + rawCpu.system) / 1e6 / sent) * 10_000,
    p50Ms: 0,
    p99Ms: 0,
    errors: 0,
  });

  // 2. The collector process, driven over gRPC and HTTP.
  const topic = `bench-collector-${run}`;
  const collector = await spawnCollector(brokers, topic);
  const pid = collector.child.pid!;
  const phase = async (name: string, load: () => Promise<LoadResult>) => {
    say(`phase: ${name}`, { seconds: SECONDS });
    const landed0 = await topicCount(kafka, topic).catch(() => 0);
    const accepted0 = await acceptedRecords(collector.httpPort);
    const cpu0 = cpuSeconds(pid);
    const r = await load();
    const cpu = cpuSeconds(pid) - cpu0;
    const landed = (await topicCount(kafka, topic)) - landed0;
    const records = (await acceptedRecords(collector.httpPort)) - accepted0;
    const report: PhaseReport = {
      phase: name,
      recordsPerSecond: Math.round(records / r.seconds),
      kafkaMessages: landed,
      cpuSecondsPer10k: records ? (cpu / records) * 10_000 : 0,
      p50Ms: Number(percentile(r.latencies, 50).toFixed(1)),
      p99Ms: Number(percentile(r.latencies, 99).toFixed(1)),
      errors: r.errors,
    };
    reports.push(report);
    return report;
  };
  const plan = { concurrency: CONCURRENCY, durationMs: SECONDS * 1_000 };
  await grpcLoad(collector.grpcPort, TRACES, TOKEN, {
    ...plan,
    bodies: workload.traceRequests,
    durationMs: 2_000,
  }); // warm-up
  const spans = await phase('spans over gRPC (protobuf)', () =>
    grpcLoad(collector.grpcPort, TRACES, TOKEN, { ...plan, bodies: workload.traceRequests }),
  );
  await phase('logs over gRPC (protobuf)', () =>
    grpcLoad(collector.grpcPort, LOGS, TOKEN, { ...plan, bodies: workload.logRequests }),
  );
  await phase('spans over HTTP (protobuf)', () =>
    httpLoad(collector.httpPort, '/v1/traces', TOKEN, 'application/x-protobuf', {
      ...plan,
      bodies: workload.traceRequests,
    }),
  );
  await phase('logs over HTTP (JSON)', () =>
    httpLoad(collector.httpPort, '/v1/logs', TOKEN, 'application/json', {
      ...plan,
      bodies: workload.logRequestsJson,
    }),
  );
  const halfRate = spans.recordsPerSecond / ITEMS / 2;
  await phase('spans over gRPC at 50% of max (latency)', () =>
    grpcLoad(collector.grpcPort, TRACES, TOKEN, { ...plan, bodies: workload.traceRequests, rate: halfRate }),
  );

  // 3. telemetrygen (the OpenTelemetry Collector's own load generator), built from the Go module proxy once.
  const telemetrygen = join('.cache', 'bin', 'telemetrygen');
  if (!existsSync(telemetrygen)) {
    say('installing telemetrygen from the Go module proxy (about a minute, once)', {
      version: TELEMETRYGEN_VERSION,
    });
    spawnSync(
      'go',
      [
        'install',
        `github.com/open-telemetry/opentelemetry-collector-contrib/cmd/telemetrygen@${TELEMETRYGEN_VERSION}`,
      ],
      {
        env: { ...process.env, GOBIN: join(process.cwd(), '.cache', 'bin') },
        stdio: 'inherit',
      },
    );
  }
  if (existsSync(telemetrygen)) {
    say('phase: telemetrygen traces', { seconds: SECONDS });
    const landed0 = await topicCount(kafka, topic);
    const accepted0 = await acceptedRecords(collector.httpPort);
    const cpu0 = cpuSeconds(pid);
    spawnSync(
      telemetrygen,
      [
        'traces',
        '--otlp-insecure',
        '--otlp-endpoint',
        `127.0.0.1:${collector.grpcPort}`,
        '--otlp-header',
        `authorization="Bearer ${TOKEN}"`,
        '--workers',
        '4',
        '--rate',
        '0',
        '--child-spans',
        '99',
        '--duration',
        `${SECONDS}s`,
      ],
      { stdio: 'ignore' },
    );
    const landed = (await topicCount(kafka, topic)) - landed0;
    const records = (await acceptedRecords(collector.httpPort)) - accepted0;
    reports.push({
      phase: 'telemetrygen traces over gRPC',
      recordsPerSecond: Math.round(records / SECONDS),
      kafkaMessages: landed,
      cpuSecondsPer10k: records ? ((cpuSeconds(pid) - cpu0) / records) * 10_000 : 0,
      p50Ms: 0,
      p99Ms: 0,
      errors: 0,
    });
  } else {
    say('telemetrygen could not be installed (is go on the PATH?): skipping its phase');
  }

  const peakRss = peakRssMiB(pid);

  // 3b. Scaling on one machine: a second collector process on the same topic, the load split between them.
  const second = await spawnCollector(brokers, topic);
  say('phase: spans over gRPC, 2 collector processes', { seconds: SECONDS });
  const both = [collector, second];
  const accepted0 = await Promise.all(both.map((c) => acceptedRecords(c.httpPort)));
  const cpu0 = both.map((c) => cpuSeconds(c.child.pid!));
  const loads = await Promise.all(
    both.map((c) =>
      grpcLoad(c.grpcPort, TRACES, TOKEN, {
        ...plan,
        concurrency: Math.max(1, CONCURRENCY / 2),
        bodies: workload.traceRequests,
      }),
    ),
  );
  const accepted = (await Promise.all(both.map((c) => acceptedRecords(c.httpPort)))).reduce(
    (n, a, k) => n + a - accepted0[k]!,
    0,
  );
  const cpu = both.reduce((n, c, k) => n + cpuSeconds(c.child.pid!) - cpu0[k]!, 0);
  const latencies = loads.flatMap((l) => l.latencies);
  const scaled: PhaseReport = {
    phase: 'spans over gRPC, 2 collector processes',
    recordsPerSecond: Math.round(accepted / Math.max(...loads.map((l) => l.seconds))),
    kafkaMessages: 0,
    cpuSecondsPer10k: accepted ? (cpu / accepted) * 10_000 : 0,
    p50Ms: Number(percentile(latencies, 50).toFixed(1)),
    p99Ms: Number(percentile(latencies, 99).toFixed(1)),
    errors: loads.reduce((n, l) => n + l.errors, 0),
  };
  reports.push(scaled);
  for (const c of both) {
    c.child.kill('SIGTERM');
    await new Promise((r) => c.child.once('exit', r));
  }

  // 4. Admission under a flood: a fresh collector per kind of body, so its peak RSS is the flood's alone.
  const floods: FloodReport[] = [];
  for (const mode of ['gzip', 'chunked'] as const) {
    const flooded = await spawnCollector(brokers, `bench-flood-${run}`);
    say(`phase: flood (${mode})`, { exports: 48 });
    floods.push(await flood(flooded.httpPort, TOKEN, mode, 48, () => peakRssMiB(flooded.child.pid!)));
    flooded.child.kill('SIGTERM');
    await new Promise((r) => flooded.child.once('exit', r));
  }

  // 5. Triage: the same events from Kafka through the engine into chDB, by Warden in its own process.
  const whole = await triagePhase(
    brokers,
    run,
    'triage: Kafka → engine → chDB (one worker), whole sessions',
    {
      messages: batches.flatMap((b) => b.messages),
      events: batches.reduce((n, b) => n + b.events, 0),
      sessions: batches.length,
    },
    say,
    silent,
  );
  // The same number of events as longer sessions delivered while they run: 10 events a message.
  const streamed = workloadSessions(
    buildWorkload(STREAMED_SESSIONS, (200 * ITEMS) / STREAMED_SESSIONS).traceRequests,
  );
  const streaming = await triagePhase(
    brokers,
    run,
    `triage, ${STREAMED_SESSIONS} sessions arriving 10 events a message`,
    {
      messages: streamedMessages(streamed, 10),
      events: streamed.reduce((n, s) => n + s.length, 0),
      sessions: streamed.length,
    },
    say,
    silent,
  );
  reports.push(whole, streaming);
  // Publish to verdict while events arrive: at the 10,000 events/s, and at half of what one worker
  // sustained above (each run's sessions are fresh: events are restamped as they are published).
  const sustained = Math.min(whole.recordsPerSecond, streaming.recordsPerSecond);
  for (const perSecond of [10_000, Math.max(100, Math.round(sustained / 2 / 100) * 100)]) {
    const sessions = workloadSessions(
      buildWorkload(Math.ceil((perSecond * SECONDS) / 400), 400).traceRequests,
    );
    reports.push(await verdictLatencyPhase(brokers, run, sessions, perSecond, say, silent));
  }
  const triageRss = Math.max(whole.rssMiB, streaming.rssMiB);
  await broker?.stop();

  // 6. The query API over chDB at a realistic volume (no Kafka needed).
  reports.push(...(await apiPhases(Math.max(2, SECONDS / 2), say, silent)));

  // 6b. The pre-action review at 200 reviews/s over sessions with realistic context.
  reports.push(await reviewPhase(SECONDS, say, silent));

  // 7. Side by side with the OpenTelemetry Collector, by the shared harness when it is beside the checkout.
  const sideBySide = await sideBySideRun();

  const results = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    settings: {
      seconds: SECONDS,
      concurrency: CONCURRENCY,
      itemsPerRequest: ITEMS,
      acks: 'all',
      idempotent: true,
      compression: 'gzip',
    },
    collectorPeakRssMiB: Math.round(peakRss),
    collectorVsProducer: Number((spans.recordsPerSecond / producerRate).toFixed(2)),
    collectorScaling1To2: Number((scaled.recordsPerSecond / spans.recordsPerSecond).toFixed(2)),
    triageRssMiB: Math.round(triageRss),
    sideBySide,
    phases: reports,
    floods,
  };
  console.table(reports);
  console.table(floods);
  console.log(
    `collector peak RSS ${results.collectorPeakRssMiB} MiB; spans/s over gRPC at ${Math.round(results.collectorVsProducer * 100)}% of the producer alone; 2 collector processes ${results.collectorScaling1To2}× one; triage process peak RSS ${results.triageRssMiB} MiB`,
  );
  if (sideBySide) console.table(sideBySide.ratios);
  await mkdir('bench/results', { recursive: true });
  const file = join('bench/results', `collector-${results.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, JSON.stringify(results, null, 2));
  say('wrote results', { file });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
