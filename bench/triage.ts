// The triage phases of `npm run bench`: Warden as its own process (`warden start` on the bench's Kafka:
// collector, triage and API in one process with chDB inside; `warden triage` alone runs against a ClickHouse
// server) consuming agent sessions, timed through Kafka's own bookkeeping (the group's committed offsets).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Kafka, logLevel } from 'kafkajs';
import type pino from 'pino';
import { createKafkaBus } from '../bus/kafka.ts';
import type { Bus, BusMessage } from '../bus/types.ts';
import { normalizeSpan } from '../collector/normalize/index.ts';
import { decodeExportTraceRequest } from '../collector/otlp/decode.ts';
import {
  AGENT_EVENT_BATCH_MAX_BYTES,
  agentEventKey,
  packAgentEventBatches,
  type AgentEvent,
} from '../schemas/agent-event.ts';
import { percentile, type PhaseReport } from './load.ts';
import { cpuSeconds, peakRssMiB } from './proc.ts';

type Say = (msg: string, extra?: object) => void;

/** One conversation's events as bus messages of at most `perMessage` events, in order. */
export function sessionMessages(events: AgentEvent[], perMessage: number): BusMessage[] {
  const key = agentEventKey(events[0]!);
  const messages: BusMessage[] = [];
  for (let at = 0; at < events.length; at += perMessage)
    for (const value of packAgentEventBatches(events.slice(at, at + perMessage), AGENT_EVENT_BATCH_MAX_BYTES)
      .batches)
      messages.push({ key, value });
  return messages;
}

/** Each workload request is one conversation: its events, as the collector would have normalized them. */
export function workloadSessions(traceRequests: Uint8Array[]): AgentEvent[][] {
  return traceRequests.map((body) =>
    decodeExportTraceRequest(body, 'protobuf').records.flatMap((s) =>
      normalizeSpan(s, { workspace: 'bench' }).flatMap((n) => (n.ok === true ? [n.event] : [])),
    ),
  );
}

/**
 * Sessions as agents deliver them: a few events per export while they work, so each session's events
 * arrive in many small pieces, interleaved with the other sessions' (every piece re-judges its session).
 */
function streamedPieces(sessions: AgentEvent[][], perPiece: number): AgentEvent[][] {
  const pieces: AgentEvent[][] = [];
  for (let at = 0; sessions.some((s) => at < s.length); at += perPiece)
    for (const s of sessions) if (at < s.length) pieces.push(s.slice(at, at + perPiece));
  return pieces;
}

export const streamedMessages = (sessions: AgentEvent[][], perMessage: number): BusMessage[] =>
  streamedPieces(sessions, perMessage).flatMap((piece) => sessionMessages(piece, perMessage));

interface Warden {
  child: ChildProcess;
  stop(): Promise<void>;
}

/** `warden start` on `topic`, resolved once its triage has joined `group`. */
async function startWarden(brokers: string, topic: string, group: string): Promise<Warden> {
  const child = spawn(process.execPath, ['bin/warden.js', 'start'], {
    env: {
      ...process.env,
      KAFKA_BROKERS: brokers,
      WARDEN_KAFKA_TOPIC: topic,
      WARDEN_KAFKA_PARTITIONS: '6',
      WARDEN_TRIAGE_GROUP: group,
      WARDEN_DATA_DIR: await mkdtemp(join(tmpdir(), 'warden-bench-triage-')),
      WARDEN_EVENT_TTL_DAYS: '0',
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      WARDEN_API_PORT: '0',
      WARDEN_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"msg":"joined consumer group"')) resolve();
    });
    void exited.then((code) => reject(new Error(`warden start exited with ${code}`)));
  });
  return {
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

function benchBus(brokers: string, topic: string, logger: pino.Logger): Bus {
  return createKafkaBus({
    brokers: [brokers],
    topic,
    partitions: 6,
    clientId: 'bench-triage',
    publishTimeoutMs: 30_000,
    logger,
  });
}

async function drained(bus: Bus, group: string): Promise<void> {
  while ((await bus.lag(group)) > 0) await new Promise((r) => setTimeout(r, 200));
}

/**
 * Publishes the events, then starts Warden and times triage from joining its consumer group until it has
 * committed every message, which it does only once the events, findings and sessions are stored. CPU and
 * peak RSS are Warden's process alone.
 */
export async function triagePhase(
  brokers: string,
  run: string,
  phase: string,
  load: { messages: BusMessage[]; events: number; sessions: number },
  say: Say,
  logger: pino.Logger,
): Promise<PhaseReport & { rssMiB: number }> {
  const topic = `bench-triage-${run}-${load.sessions}`;
  const group = `bench-${run}-${load.sessions}`;
  const bus = benchBus(brokers, topic, logger);
  for (let i = 0; i < load.messages.length; i += 500) await bus.publish(load.messages.slice(i, i + 500));
  say(`phase: ${phase}`, { events: load.events, sessions: load.sessions, messages: load.messages.length });
  const warden = await startWarden(brokers, topic, group);
  const cpu0 = cpuSeconds(warden.child.pid!);
  const t0 = performance.now();
  await drained(bus, group);
  const seconds = (performance.now() - t0) / 1_000;
  const cpu = cpuSeconds(warden.child.pid!) - cpu0;
  const rssMiB = Math.round(peakRssMiB(warden.child.pid!));
  await warden.stop();
  await bus.close();
  return {
    phase,
    recordsPerSecond: Math.round(load.events / seconds),
    kafkaMessages: load.messages.length,
    cpuSecondsPer10k: (cpu / load.events) * 10_000,
    p50Ms: 0,
    p99Ms: 0,
    errors: 0,
    rssMiB,
  };
}

/**
 * Publish to verdict: sessions published at `perSecond` events a second (10 events a message, in ticks of
 * 100 ms) while Warden triages them. A tick's latency runs from the start of its publish until the group
 * has committed past it on every partition, which triage does only once those events, their sessions'
 * verdicts and findings are stored. (The collector's own hop, OTLP export to Kafka, is measured above.)
 */
export async function verdictLatencyPhase(
  brokers: string,
  run: string,
  sessions: AgentEvent[][],
  perSecond: number,
  say: Say,
  logger: pino.Logger,
): Promise<PhaseReport> {
  const topic = `bench-latency-${run}-${perSecond}-${Date.now().toString(36)}`;
  const group = topic;
  const pieces = streamedPieces(sessions, 10);
  const events = pieces.reduce((n, p) => n + p.length, 0);
  const phase = `publish to verdict, ${perSecond.toLocaleString('en')} events/s offered`;
  say(`phase: ${phase}`, { events, sessions: sessions.length });
  const bus = benchBus(brokers, topic, logger);
  const warden = await startWarden(brokers, topic, group);
  const admin = new Kafka({
    clientId: 'bench-latency',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  const ticks: { at: number; ends: Map<number, bigint> }[] = [];
  const latencies: number[] = [];
  let giveUpAt = Infinity; // set when publishing ends: a triage that stops committing fails the phase
  // Watches the group's commits: a tick is done when every partition's commit reached its end offsets.
  const watching = (async () => {
    while ((giveUpAt === Infinity || latencies.length < ticks.length) && performance.now() < giveUpAt) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      const at = new Map(committed!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
      const now = performance.now();
      while (latencies.length < ticks.length) {
        const tick = ticks[latencies.length]!;
        if (![...tick.ends].every(([p, end]) => (at.get(p) ?? -1n) >= end)) break;
        latencies.push(now - tick.at);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const tickMs = 100;
  const perTick = Math.max(1, Math.round((perSecond * tickMs) / 1_000 / 10));
  const t0 = performance.now();
  for (let i = 0, tick = 0; i < pieces.length; i += perTick, tick++) {
    const wait = t0 + tick * tickMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const at = performance.now();
    const now = BigInt(Date.now()) * 1_000_000n;
    const messages = pieces.slice(i, i + perTick).flatMap((piece) => {
      piece.forEach((e, k) => (e.timeUnixNano = String(now + BigInt(k))));
      return sessionMessages(piece, piece.length);
    });
    await bus.publish(messages);
    const ends = await admin.fetchTopicOffsets(topic);
    ticks.push({ at, ends: new Map(ends.map((o) => [o.partition, BigInt(o.high)])) });
  }
  const offeredPerSecond = events / ((performance.now() - t0) / 1_000);
  giveUpAt = performance.now() + 300_000;
  await watching;
  await admin.disconnect();
  await warden.stop();
  await bus.close();
  return {
    phase: `${phase} (${Math.round(offeredPerSecond).toLocaleString('en')} achieved)`,
    recordsPerSecond: Math.round(offeredPerSecond),
    kafkaMessages: pieces.length,
    cpuSecondsPer10k: 0,
    p50Ms: Math.round(percentile(latencies, 50)),
    p99Ms: Math.round(percentile(latencies, 99)),
    errors: ticks.length - latencies.length,
  };
}
