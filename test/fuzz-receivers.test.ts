/**
 * A bounded fuzz run of both receivers (WARDEN_FUZZ_SECONDS, default 60): valid exports of every vendor
 * shape, mutated as JSON values, as JSON text, as protobuf bytes and as gRPC frames, with and without gzip,
 * go to the real collector in front of the real triage and chDB. No answer may be a server error, and
 * afterwards a valid export still goes all the way to a verdict. The PRNG is seeded: a failure names the
 * seed and the input (base64) that reproduces it.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../bus/index.ts';
import type { Store } from '../store/index.ts';
import {
  claudeCodeSession,
  codexSession,
  geminiCliSession,
  genAiSession,
  toOtlpLogsRequest,
  toOtlpTraceRequest,
} from './fixtures/agents/index.ts';
import { grpcFrame, GRPC_PATHS, rawGrpcCall } from './helpers/grpc-raw.ts';
import { postOtlp, TOKENS, uniqueName, openEmbeddedBus } from './helpers/pipeline.ts';
import { openTestStore, startTestWarden, waitForSession, type TestWarden } from './helpers/warden.ts';

const SECONDS = Number(process.env.WARDEN_FUZZ_SECONDS ?? 60);
const SEED = Number(process.env.WARDEN_FUZZ_SEED ?? Date.now() % 1_000_000);

/** mulberry32: small, seeded, good enough to pick mutations. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return { next, int, pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]! };
}

const NASTY_STRINGS = [
  '',
  '\\ud800',
  '\\udfff\\ud800',
  '\u202Eexe.pdf',
  '\u0000\u0001\u001b[2J',
  'é'.repeat(5000),
  '𝕏'.repeat(1000),
  '{"command":["bash","-lc","rm -rf /"]}',
  '9'.repeat(400),
  '-1',
  'NaN',
  '1e309',
  '0xdeadbeef',
  '[secret:aws-secret-key:0123456789abcdef]',
  'AKIA4QWERTYUIOPASDFG',
];
const NASTY_VALUES: unknown[] = [
  null,
  true,
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER + 2,
  [],
  {},
  [[[[[]]]]],
  { stringValue: null },
  { intValue: '99999999999999999999999' },
  { doubleValue: 'x' },
  { arrayValue: { values: 'no' } },
  { kvlistValue: { values: [{ key: 1, value: 2 }] } },
  { bytesValue: '@@@' },
];

type Rng = ReturnType<typeof prng>;

/** Replaces, deletes or duplicates one random node of a JSON value. */
function mutateValue(value: unknown, rng: Rng, depth = 0): unknown {
  if (Array.isArray(value)) {
    if (!value.length || rng.next() < 0.2) return rng.pick(NASTY_VALUES);
    const i = rng.int(value.length);
    const copy = [...value];
    const roll = rng.next();
    if (roll < 0.15) copy.splice(i, 1);
    else if (roll < 0.3) copy.push(...copy.slice(0, 50));
    else copy[i] = mutateValue(copy[i], rng, depth + 1);
    return copy;
  }
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    if (!keys.length || rng.next() < 0.15) return rng.pick(NASTY_VALUES);
    const key = rng.pick(keys);
    const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    const roll = rng.next();
    if (roll < 0.15) delete copy[key];
    else if (roll < 0.25) copy[`${key}_x`] = rng.pick(NASTY_VALUES);
    else copy[key] = mutateValue(copy[key], rng, depth + 1);
    return copy;
  }
  if (typeof value === 'string')
    return rng.next() < 0.5 ? rng.pick(NASTY_STRINGS) : value + rng.pick(NASTY_STRINGS);
  return rng.pick(NASTY_VALUES);
}

/** Text mutations of JSON (where escapes such as a lone surrogate live): flip, cut, splice in. */
function mutateText(text: string, rng: Rng): string {
  const at = rng.int(text.length + 1);
  switch (rng.int(4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return `${text.slice(0, at)}${rng.pick(NASTY_STRINGS)}${text.slice(at)}`;
    case 2:
      return text.replace(/"stringValue":"[^"]*"/, `"stringValue":"${rng.pick(NASTY_STRINGS)}"`);
    default: {
      const open = '{"kvlistValue":{"values":[{"key":"k","value":';
      const depth = rng.pick([31, 32, 33, 200, 5000]);
      return text.replace(
        /"body":\{[^}]*\}/,
        `"body":${open.repeat(depth)}{"stringValue":"x"}${'}]}}'.repeat(depth)}`,
      );
    }
  }
}

function mutateBytes(bytes: Uint8Array, rng: Rng): Buffer {
  const out = Buffer.from(bytes);
  const roll = rng.next();
  if (roll < 0.3) return out.subarray(0, rng.int(out.length + 1));
  const flips = 1 + rng.int(8);
  for (let i = 0; i < flips && out.length; i++) out[rng.int(out.length)] = rng.int(256);
  if (roll > 0.9)
    return Buffer.concat([out, Buffer.from(Array.from({ length: rng.int(64) }, () => rng.int(256)))]);
  return out;
}

describe('fuzzing both receivers', () => {
  let bus: Bus;
  let store: Store;
  let warden: TestWarden;
  const seeds = {
    logs: [codexSession({ logUserPrompt: true }), claudeCodeSession({}), geminiCliSession({})].map((t) => ({
      json: toOtlpLogsRequest(t.logs, 'json'),
      proto: toOtlpLogsRequest(t.logs, 'protobuf'),
    })),
    traces: [genAiSession({})].map((t) => ({
      json: toOtlpTraceRequest(t.spans, 'json'),
      proto: toOtlpTraceRequest(t.spans, 'protobuf'),
    })),
  };

  beforeAll(async () => {
    bus = await openEmbeddedBus('warden-fuzz-');
    store = await openTestStore();
    warden = await startTestWarden(bus, store);
  });
  afterAll(async () => {
    await warden?.close();
    await bus?.close();
    await store?.close();
  });

  it(
    `answers every mutated export without a server error for ${SECONDS} s (seed ${SEED})`,
    async () => {
      const rng = prng(SEED);
      const failures: string[] = [];
      const counts = { http: 0, grpc: 0, accepted: 0 };
      const deadline = Date.now() + SECONDS * 1000;

      async function one() {
        const signal = rng.next() < 0.75 ? 'logs' : 'traces';
        const seed = rng.pick(seeds[signal]);
        const over = rng.int(5);
        let body: Buffer;
        let contentType = 'application/json';
        if (over === 0) {
          body = Buffer.from(JSON.stringify(mutateValue(JSON.parse(Buffer.from(seed.json).toString()), rng)));
        } else if (over === 1) {
          body = Buffer.from(mutateText(Buffer.from(seed.json).toString(), rng));
        } else {
          body = mutateBytes(seed.proto, rng);
          contentType = 'application/x-protobuf';
        }
        const gzip = rng.next() < 0.2;
        const sent = gzip ? (rng.next() < 0.8 ? gzipSync(body) : mutateBytes(gzipSync(body), rng)) : body;
        if (over === 4) {
          counts.grpc++;
          const framing = rng.int(6);
          const message = framing === 5 ? gzipSync(body) : body;
          const frame =
            framing === 0
              ? grpcFrame(message, { declaredLength: message.length + rng.int(100) + 1 })
              : framing === 1
                ? Buffer.concat([grpcFrame(message), grpcFrame(message)])
                : framing === 2
                  ? mutateBytes(grpcFrame(message), rng)
                  : grpcFrame(message, { compressed: framing === 5 });
          const answer = await rawGrpcCall(warden.collector.grpcPort, GRPC_PATHS[signal], frame, {
            authorization: `Bearer ${TOKENS.acme}`,
            ...(framing === 5 ? { 'grpc-encoding': 'gzip' } : {}),
          });
          if (answer.grpcStatus === 0) counts.accepted++;
          // INTERNAL and UNKNOWN are server errors; UNIMPLEMENTED would tell an exporter to give up for good.
          if (answer.httpStatus !== 200 || [2, 12, 13].includes(answer.grpcStatus ?? 2))
            failures.push(
              `gRPC ${signal} → http ${answer.httpStatus} grpc ${answer.grpcStatus} ${answer.grpcMessage}: ${frame.toString('base64').slice(0, 2000)}`,
            );
          return;
        }
        counts.http++;
        const res = await postOtlp(warden.collector.httpPort, `/v1/${signal}`, sent, {
          'content-type': contentType,
          ...(gzip ? { 'content-encoding': 'gzip' } : {}),
        });
        if (res.status === 200) counts.accepted++;
        if (res.status >= 500)
          failures.push(
            `HTTP ${signal} ${contentType}${gzip ? ' gzip' : ''} → ${res.status} ${res.body.toString().slice(0, 300)}: ${sent.toString('base64').slice(0, 2000)}`,
          );
      }

      const lanes = Array.from({ length: 4 }, async () => {
        while (Date.now() < deadline && failures.length < 5) await one();
      });
      await Promise.all(lanes);
      expect(failures, `seed ${SEED}`).toEqual([]);
      expect(counts.http).toBeGreaterThan(50);
      expect(counts.grpc).toBeGreaterThan(10);
      expect(counts.accepted).toBeGreaterThan(0);

      // Whatever was accepted, triage kept going: a valid export still becomes a judged session.
      const sessionId = uniqueName('after-fuzz');
      const telemetry = codexSession({ conversationId: sessionId, logUserPrompt: true });
      const res = await postOtlp(
        warden.collector.httpPort,
        '/v1/logs',
        toOtlpLogsRequest(telemetry.logs, 'protobuf'),
        {
          'content-type': 'application/x-protobuf',
        },
      );
      expect(res.status).toBe(200);
      const session = await waitForSession(warden.api.port, sessionId, telemetry.logs.length, 120_000);
      expect(session.event_count).toBe(telemetry.logs.length);
      process.stderr.write(
        `fuzz: seed ${SEED}, ${counts.http} HTTP and ${counts.grpc} gRPC exports in ${SECONDS} s, ${counts.accepted} accepted\n`,
      );
    },
    (SECONDS + 180) * 1000,
  );
});
