import { status as GrpcStatus } from '@grpc/grpc-js';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bus } from '../bus/index.ts';
import type { CollectorHandle } from '../collector/index.ts';
import { encodeJsonRequestAsProtobuf, otlpTypes } from '../collector/otlp/proto.ts';
import {
  consumeEvents,
  grpcExport,
  openKafkaBus,
  postOtlp,
  startTestCollector,
  TOKENS,
} from './helpers/pipeline.ts';

const LIMIT = 64 * 1024;

/** A Codex `codex.tool_result` log record in OTLP/JSON, as codex-rs exports it. */
function codexToolResult(session: string, callId: string, extra: object = {}) {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    timeUnixNano: '1767262807000000000',
    severityNumber: 9,
    attributes: [
      attr('event.name', 'codex.tool_result'),
      attr('conversation.id', session),
      attr('user.email', 'dana@example.com'),
      attr('tool_name', 'shell'),
      attr('call_id', callId),
      attr('arguments', JSON.stringify({ command: ['bash', '-lc', 'npm test'], workdir: '/repo' })),
      attr('duration_ms', '412'),
      attr('success', 'true'),
      attr('output', 'ok'),
    ],
    ...extra,
  };
}

const logsRequest = (records: object[]) => ({
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
      scopeLogs: [{ scope: { name: 'codex_otel.log_only' }, logRecords: records }],
    },
  ],
});

const json = (v: object) => JSON.stringify(v);

describe('collector: bad input gets the right answer and loses nothing else', () => {
  let bus: Bus;
  let collector: CollectorHandle;
  const brokers = inject('kafkaBrokers');

  beforeAll(async () => {
    bus = await openKafkaBus(brokers);
    collector = await startTestCollector(bus, {
      WARDEN_OTLP_HTTP_MAX_BYTES: String(LIMIT),
      WARDEN_OTLP_GRPC_MAX_BYTES: String(LIMIT),
    });
  });
  afterAll(async () => {
    await collector?.close();
    await bus?.close();
  });

  it('answers undecodable bodies with 400 and a google.rpc.Status in the request encoding', async () => {
    const garbage = await postOtlp(collector.httpPort, '/v1/logs', Buffer.from('\xff\xfe garbage \x00\x01'), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.headers.get('content-type')).toBe('application/x-protobuf');
    const status = otlpTypes().RpcStatus.decode(garbage.body).toJSON();
    expect(status).toMatchObject({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringMatching(/invalid protobuf ExportLogsServiceRequest/),
    });
    expect(status.details[0].typeUrl).toBe('type.googleapis.com/google.rpc.BadRequest');

    const bytes = encodeJsonRequestAsProtobuf('logs', logsRequest([codexToolResult('s-trunc', 'c1')]));
    const truncated = await postOtlp(collector.httpPort, '/v1/logs', bytes.subarray(0, bytes.length - 5), {
      'content-type': 'application/x-protobuf',
    });
    expect(truncated.status).toBe(400);

    const badJson = await postOtlp(collector.httpPort, '/v1/logs', '{"resourceLogs": [');
    expect(badJson.status).toBe(400);
    expect(JSON.parse(badJson.body.toString())).toMatchObject({
      code: 3,
      message: expect.stringMatching(/^invalid JSON/),
    });
  });

  it('refuses other content types, methods, paths and encodings', async () => {
    const text = await postOtlp(collector.httpPort, '/v1/logs', 'hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    expect(text.body.toString()).toMatch(/application\/x-protobuf or application\/json/);
    const get = await fetch(`http://127.0.0.1:${collector.httpPort}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await postOtlp(collector.httpPort, '/v1/spans', '{}')).status).toBe(404);
    expect((await postOtlp(collector.httpPort, '/v1/logs', '{}', { 'content-encoding': 'br' })).status).toBe(
      415,
    );
  });

  it('answers 413 / RESOURCE_EXHAUSTED over the size limit, also when only the inflated body is too big', async () => {
    const big = json(
      logsRequest([codexToolResult('s-big', 'c1', { body: { stringValue: 'x'.repeat(LIMIT) } })]),
    );
    const plain = await postOtlp(collector.httpPort, '/v1/logs', big);
    expect(plain.status).toBe(413);
    const bomb = gzipSync(Buffer.from(big));
    expect(bomb.length).toBeLessThan(LIMIT);
    const inflated = await postOtlp(collector.httpPort, '/v1/logs', bomb, { 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);

    const { err } = await grpcExport(collector.grpcPort, 'logs', Buffer.alloc(LIMIT + 1, 1), TOKENS.acme);
    expect(err?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('refuses missing and unknown tokens without storing anything', async () => {
    const body = json(logsRequest([codexToolResult('s-unauthenticated', 'c1')]));
    expect((await postOtlp(collector.httpPort, '/v1/logs', body, { authorization: '' })).status).toBe(401);
    expect(
      (
        await postOtlp(collector.httpPort, '/v1/logs', body, {
          authorization: 'Bearer nope-0123456789abcdef',
        })
      ).status,
    ).toBe(401);
    const bytes = Buffer.from(encodeJsonRequestAsProtobuf('logs', JSON.parse(body)));
    expect((await grpcExport(collector.grpcPort, 'logs', bytes, '')).err?.code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
    expect((await grpcExport(collector.grpcPort, 'logs', bytes, 'wrong-token-0123456789')).err?.code).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
  });

  it('keeps the valid records of a batch and reports the rejected ones as partial success', async () => {
    const body = logsRequest([
      codexToolResult('s-partial', 'c1'),
      codexToolResult('s-partial', 'c2', { traceId: 'xyz' }),
      codexToolResult('s-partial', 'c3'),
      codexToolResult('s-partial', 'c4', { timeUnixNano: 'yesterday' }),
    ]);
    const answer = await postOtlp(collector.httpPort, '/v1/logs', json(body));
    expect(answer.status).toBe(200);
    const partial = JSON.parse(answer.body.toString()).partialSuccess;
    expect(partial.rejectedLogRecords).toBe('2');
    expect(partial.errorMessage).toContain(
      'resourceLogs[0].scopeLogs[0].logRecords[1]: traceId must be 32 hex characters',
    );
    expect(partial.errorMessage).toContain('logRecords[3]: timeUnixNano must be a non-negative integer');

    // Same batch over gRPC (protobuf): the answer carries partial_success too.
    const types = otlpTypes();
    const pb = encodeJsonRequestAsProtobuf(
      'logs',
      logsRequest([
        codexToolResult('s-partial-grpc', 'c1'),
        codexToolResult('s-partial-grpc', 'c2', { spanId: '00f0' }),
      ]),
    );
    const { err, res } = await grpcExport(collector.grpcPort, 'logs', Buffer.from(pb), TOKENS.globex);
    expect(err).toBeNull();
    expect(types.ExportLogsServiceResponse.decode(res!).toJSON()).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage: expect.stringContaining('spanId must be 8 bytes, got 2'),
      },
    });

    // A gzip body in good order is taken whole.
    const gz = await postOtlp(
      collector.httpPort,
      '/v1/logs',
      gzipSync(json(logsRequest([codexToolResult('s-gzip', 'c1')]))),
      {
        'content-encoding': 'gzip',
      },
    );
    expect(gz.status).toBe(200);
    expect(JSON.parse(gz.body.toString())).toEqual({});

    const events = await consumeEvents(bus, (e) => e.length >= 4, { settleMs: 1_000 });
    const bySession = (s: string) => events.filter((e) => e.sessionId === s).map((e) => e.tool?.callId);
    expect(bySession('s-partial')).toEqual(['c1', 'c3']);
    expect(bySession('s-partial-grpc')).toEqual(['c1']);
    expect(bySession('s-gzip')).toEqual(['c1']);
    expect(events.find((e) => e.sessionId === 's-partial-grpc')?.workspace).toBe('globex');
    // Nothing from refused requests reached the bus.
    expect(
      events.map((e) => e.sessionId).filter((s) => ['s-unauthenticated', 's-big', 's-trunc'].includes(s)),
    ).toEqual([]);
    expect(events).toHaveLength(4);
  });
});
