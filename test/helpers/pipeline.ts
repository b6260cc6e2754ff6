import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { BusConfig, openBus, type Bus } from '../../bus/index.ts';
import { CollectorConfig, start as startCollector, type CollectorHandle } from '../../collector/index.ts';
import { decodeAgentEventBatch, type AgentEvent } from '../../schemas/agent-event.ts';

/** Ingest tokens the test collectors accept. */
export const TOKENS = { acme: 'tok-acme-0123456789abcdef', globex: 'tok-globex-0123456789abcdef' } as const;
/** WARDEN_INGEST_TOKENS for {@link TOKENS}. */
export const INGEST_TOKENS_SPEC = `${TOKENS.acme}=acme,${TOKENS.globex}=globex`;

export const testLogger = pino({ level: process.env.WARDEN_TEST_LOG_LEVEL ?? 'silent' });

export const uniqueName = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

/** A Kafka bus on a topic of its own, so test files never see each other's events. */
export function openKafkaBus(
  brokers: string,
  topic = uniqueName('warden-test'),
  extra: Record<string, string> = {},
): Promise<Bus> {
  return openBus(
    BusConfig.parse({
      KAFKA_BROKERS: brokers,
      WARDEN_KAFKA_TOPIC: topic,
      WARDEN_KAFKA_PARTITIONS: '3',
      ...extra,
    }),
    testLogger,
  );
}

/** An embedded bus (the on-disk log) in a fresh temporary folder. */
export async function openEmbeddedBus(prefix: string): Promise<Bus> {
  return openBus(BusConfig.parse({ WARDEN_DATA_DIR: await mkdtemp(join(tmpdir(), prefix)) }), testLogger);
}

/** The key test collectors fingerprint masked secrets with. */
export const FINGERPRINT_KEY = 'test-fingerprint-key-0123456789abcdef';

/**
 * The real collector on ephemeral ports in front of `bus`. Fixtures carry fixed past times, so no retention
 * applies unless a test sets one; secrets are masked as by default.
 */
export function startTestCollector(bus: Bus, env: Record<string, string> = {}): Promise<CollectorHandle> {
  return startCollector(
    CollectorConfig.parse({
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      WARDEN_INGEST_TOKENS: INGEST_TOKENS_SPEC,
      WARDEN_EVENT_TTL_DAYS: '0',
      WARDEN_FINGERPRINT_KEY: FINGERPRINT_KEY,
      ...env,
    }),
    { bus, logger: testLogger },
  );
}

export async function waitFor<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Consumes canonical events from the bus (validating each) until `done` says enough, then leaves the group. */
export async function consumeEvents(
  bus: Bus,
  done: (events: AgentEvent[]) => boolean,
  { group = uniqueName('g'), timeoutMs = 30_000, settleMs = 0 } = {},
): Promise<(AgentEvent & { partition: number })[]> {
  const events: (AgentEvent & { partition: number })[] = [];
  const sub = await bus.subscribe(group, async (batch) => {
    for (const m of batch.messages) {
      for (const event of decodeAgentEventBatch(m.value)) events.push({ ...event, partition: m.partition });
    }
  });
  try {
    await waitFor(() => (done(events) ? true : undefined), timeoutMs, 'events on the bus');
    // Give duplicates a chance to show up before asserting on counts.
    if (settleMs) await new Promise((r) => setTimeout(r, settleMs));
  } finally {
    await sub.close();
  }
  return events;
}

/** POSTs an OTLP/HTTP export and returns status, headers and the raw answer. */
export async function postOtlp(
  port: number,
  path: string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKENS.acme}`, ...headers },
    body,
  });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

const GRPC_SERVICES = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
} as const;

/** One raw OTLP/gRPC export (bytes in, bytes out), with the acme token unless told otherwise. */
export function grpcExport(
  port: number,
  signal: keyof typeof GRPC_SERVICES,
  body: Uint8Array,
  token: string | undefined = TOKENS.acme,
): Promise<{ err: ServiceError | null; res?: Buffer }> {
  const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure());
  const md = new Metadata();
  if (token) md.set('authorization', `Bearer ${token}`);
  const identity = (b: Buffer) => b;
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      GRPC_SERVICES[signal],
      identity,
      identity,
      Buffer.from(body),
      md,
      { deadline: Date.now() + 20_000 },
      (err, res) => {
        client.close();
        resolve({ err, res });
      },
    );
  });
}
