import { status as GrpcStatus } from '@grpc/grpc-js';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../bus/index.ts';
import type { CollectorHandle } from '../collector/index.ts';
import { encodeJsonRequestAsProtobuf, otlpTypes } from '../collector/otlp/proto.ts';
import { startKafkaBroker, type KafkaBroker } from '../scripts/kafka-broker.ts';
import { consumeEvents, grpcExport, openKafkaBus, postOtlp, startTestCollector } from './helpers/pipeline.ts';

/** A GenAI `execute_tool` span in OTLP/JSON. */
function toolSpan(conversation: string, spanId: string, command: string) {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId,
    name: 'execute_tool run_shell',
    kind: 1,
    startTimeUnixNano: '1767262802100000000',
    endTimeUnixNano: '1767262803400000000',
    attributes: [
      attr('gen_ai.operation.name', 'execute_tool'),
      attr('gen_ai.conversation.id', conversation),
      attr('gen_ai.tool.name', 'run_shell'),
      attr('gen_ai.tool.call.id', `call_${spanId}`),
      attr('gen_ai.tool.call.arguments', JSON.stringify({ cmd: command })),
    ],
  };
}
const traceRequest = (spans: object[]) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-agent' } }] },
      scopeSpans: [{ scope: { name: 'agent' }, spans }],
    },
  ],
});

describe('collector with the broker down', () => {
  let broker: KafkaBroker;
  let bus: Bus;
  let collector: CollectorHandle;

  beforeAll(async () => {
    broker = await startKafkaBroker({ dataDir: await mkdtemp(join(tmpdir(), 'warden-kafka-down-')) });
    bus = await openKafkaBus(broker.brokers, undefined, { WARDEN_PUBLISH_TIMEOUT_MS: '3000' });
    collector = await startTestCollector(bus);
  });
  afterAll(async () => {
    await collector?.close();
    await bus?.close();
    await broker?.stop();
  });

  it('answers retryable codes, acknowledges nothing, and a retried export lands exactly as sent', async () => {
    const before = JSON.stringify(traceRequest([toolSpan('conv-1', '00000000000000a1', 'npm ci')]));
    expect((await postOtlp(collector.httpPort, '/v1/traces', before)).status).toBe(200);

    await broker.stop();

    const during = JSON.stringify(
      traceRequest([
        toolSpan('conv-1', '00000000000000a2', 'npm test'),
        toolSpan('conv-2', '00000000000000b1', 'ls'),
      ]),
    );
    const http = await postOtlp(collector.httpPort, '/v1/traces', during);
    expect(http.status).toBe(503);
    expect(Number(http.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.parse(http.body.toString())).toMatchObject({
      code: GrpcStatus.UNAVAILABLE,
      message: expect.stringMatching(/retry later/),
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo' }],
    });

    const types = otlpTypes();
    const grpcBody = Buffer.from(
      encodeJsonRequestAsProtobuf('traces', traceRequest([toolSpan('conv-3', '00000000000000c1', 'make')])),
    );
    const { err } = await grpcExport(collector.grpcPort, 'traces', grpcBody);
    expect(err?.code).toBe(GrpcStatus.UNAVAILABLE);
    const details = types.RpcStatus.decode(err!.metadata.get('grpc-status-details-bin')[0] as Buffer);
    expect(details.toJSON().details[0].typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');

    broker = await startKafkaBroker({
      dataDir: broker.dataDir,
      port: broker.port,
      controllerPort: broker.controllerPort,
    });

    // The exporters retry; the same bytes now land.
    let retried = await postOtlp(collector.httpPort, '/v1/traces', during);
    for (let i = 0; retried.status === 503 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      retried = await postOtlp(collector.httpPort, '/v1/traces', during);
    }
    expect(retried.status).toBe(200);
    expect((await grpcExport(collector.grpcPort, 'traces', grpcBody)).err).toBeNull();

    const events = await consumeEvents(bus, (e) => e.length >= 4, { settleMs: 1_500 });
    expect(events.map((e) => `${e.sessionId}:${e.tool?.command}`).sort()).toEqual(
      ['conv-1:npm ci', 'conv-1:npm test', 'conv-2:ls', 'conv-3:make'].sort(),
    );
    expect(new Set(events.map((e) => e.eventId)).size).toBe(4);
  });
});
