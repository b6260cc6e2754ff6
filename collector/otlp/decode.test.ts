import { describe, expect, it } from 'vitest';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  DecodeError,
  decodeExportLogsRequest,
  MAX_ANY_VALUE_DEPTH,
  decodeExportMetricsRequest,
  decodeExportTraceRequest,
} from './decode.ts';
import { encodeJsonRequestAsProtobuf, otlpTypes } from './proto.ts';
import protobuf from 'protobufjs';

function sdkSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'support-agent' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('test.scope', '1.2.3');
  const span = tracer.startSpan('execute_tool run_shell', {
    attributes: {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.usage.input_tokens': 812,
      ok: true,
      ratio: 0.5,
    },
  });
  span.setAttribute('list', ['a', 'b']);
  span.addEvent('tool.output', { 'output.bytes': 12 });
  span.end();
  return exporter.getFinishedSpans();
}

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('decodeExportTraceRequest', () => {
  it('reads the same spans from the SDK exporters protobuf and JSON bytes', () => {
    const spans = sdkSpans();
    const fromProto = decodeExportTraceRequest(ProtobufTraceSerializer.serializeRequest(spans)!, 'protobuf');
    const fromJson = decodeExportTraceRequest(JsonTraceSerializer.serializeRequest(spans)!, 'json');
    expect(fromProto.rejections).toEqual([]);
    expect(fromJson).toEqual(fromProto);
    const [span] = fromProto.records;
    expect(span).toMatchObject({
      name: 'execute_tool run_shell',
      scope: { name: 'test.scope', version: '1.2.3' },
      attributes: {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.usage.input_tokens': 812,
        ok: true,
        ratio: 0.5,
        list: ['a', 'b'],
      },
      events: [{ name: 'tool.output', attributes: { 'output.bytes': 12 } }],
    });
    expect(span?.resource.attributes['service.name']).toBe('support-agent');
    expect(span?.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span?.spanId).toBe(spans[0]?.spanContext().spanId);
    expect(BigInt(span!.startTimeUnixNano)).toBeGreaterThan(1_600_000_000_000_000_000n);
  });

  it('keeps the valid spans of a batch and rejects the malformed ones with their path and reason', () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'x' } }] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b7',
                  name: 'good',
                  kind: 1,
                },
                { traceId: 'not-hex', spanId: '00f067aa0ba902b7', name: 'bad id' },
                {
                  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
                  spanId: '00f067aa0ba902b8',
                  startTimeUnixNano: 'soon',
                },
                { spanId: '00f067aa0ba902b9', name: 'no trace' },
              ],
            },
          ],
        },
      ],
    };
    const batch = decodeExportTraceRequest(utf8(JSON.stringify(body)), 'json');
    expect(batch.records.map((s) => s.name)).toEqual(['good']);
    expect(batch.rejections.map((r) => r.reason)).toEqual([
      'resourceSpans[0].scopeSpans[0].spans[1]: traceId must be 32 hex characters',
      'resourceSpans[0].scopeSpans[0].spans[2]: startTimeUnixNano must be a non-negative integer (nanoseconds), got "soon"',
      'resourceSpans[0].scopeSpans[0].spans[3]: traceId is required and must not be all zeros',
    ]);
  });

  it('rejects undecodable bodies as a whole', () => {
    expect(() => decodeExportTraceRequest(utf8('{"resourceSpans": ['), 'json')).toThrow(DecodeError);
    expect(() => decodeExportTraceRequest(utf8('[1,2]'), 'json')).toThrow(/must be a JSON object/);
    expect(() => decodeExportTraceRequest(utf8('{"resourceSpans": 3}'), 'json')).toThrow(/must be an array/);
    const proto = ProtobufTraceSerializer.serializeRequest(sdkSpans())!;
    expect(() => decodeExportTraceRequest(proto.subarray(0, proto.length - 7), 'protobuf')).toThrow(
      /invalid protobuf ExportTraceServiceRequest/,
    );
    expect(() => decodeExportTraceRequest(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), 'protobuf')).toThrow(
      DecodeError,
    );
  });

  it('accepts an empty request', () => {
    const empty = { records: [], rejections: [], invalidUtf8: 0 };
    expect(decodeExportTraceRequest(utf8('{}'), 'json')).toEqual(empty);
    expect(decodeExportTraceRequest(new Uint8Array(0), 'protobuf')).toEqual(empty);
  });
});

describe('decodeExportLogsRequest', () => {
  it('keeps an attribute named __proto__ an attribute in both encodings: it cannot lend the record keys', () => {
    const body = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  attributes: [
                    {
                      key: '__proto__',
                      value: {
                        kvlistValue: {
                          values: [{ key: 'event.name', value: { stringValue: 'codex.tool_result' } }],
                        },
                      },
                    },
                    { key: 'a', value: { stringValue: 'b' } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    };
    const bodies = [
      [utf8(JSON.stringify(body)), 'json'],
      [encodeJsonRequestAsProtobuf('logs', body), 'protobuf'],
    ] as const;
    for (const [bytes, encoding] of bodies) {
      const { attributes } = decodeExportLogsRequest(bytes, encoding).records[0]!;
      expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
      expect(attributes['event.name']).toBeUndefined();
      expect(Object.keys(attributes)).toEqual(['__proto__', 'a']);
    }
  });

  it('decodes int64 given as string or number, hex ids case-insensitively, and ignores unknown fields', () => {
    const body = {
      unknownTopLevel: true,
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
          scopeLogs: [
            {
              scope: { name: 'codex_otel.log_only' },
              logRecords: [
                {
                  timeUnixNano: '1767262807000000000',
                  observedTimeUnixNano: 1767262807000000000,
                  severityNumber: 9,
                  traceId: '4BF92F3577B34DA6A3CE929D0E0E4736',
                  body: { stringValue: '' },
                  attributes: [
                    { key: 'duration_ms', value: { stringValue: '412' } },
                    { key: 'attempt', value: { intValue: '3' } },
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'n', value: { intValue: 7 } },
                    {
                      key: 'kv',
                      value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: true } }] } },
                    },
                    { key: 'raw', value: { bytesValue: 'AQI=' } },
                  ],
                  someFutureField: { x: 1 },
                },
              ],
            },
          ],
        },
      ],
    };
    const { records, rejections } = decodeExportLogsRequest(utf8(JSON.stringify(body)), 'json');
    expect(rejections).toEqual([]);
    expect(records[0]).toMatchObject({
      timeUnixNano: '1767262807000000000',
      severityNumber: 9,
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '',
      scope: { name: 'codex_otel.log_only' },
      attributes: {
        duration_ms: '412',
        attempt: 3,
        big: '9007199254740993',
        n: 7,
        kv: { a: true },
        raw: 'AQI=',
      },
    });
  });

  it('round-trips protobuf written with the same schema, including large int64 values', () => {
    const { ExportLogsServiceRequest } = otlpTypes();
    const msg = ExportLogsServiceRequest.fromObject({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1767262807000000001',
                  body: { stringValue: 'claude_code.tool_result' },
                  attributes: [
                    { key: 'event.sequence', value: { intValue: 4 } },
                    { key: 'huge', value: { intValue: '-9007199254740995' } },
                  ],
                  spanId: Buffer.from('00f067aa0ba902b7', 'hex'),
                },
                { spanId: Buffer.from('00f0', 'hex') },
              ],
            },
          ],
        },
      ],
    });
    const batch = decodeExportLogsRequest(ExportLogsServiceRequest.encode(msg).finish(), 'protobuf');
    expect(batch.records).toHaveLength(1);
    expect(batch.records[0]).toMatchObject({
      timeUnixNano: '1767262807000000001',
      body: 'claude_code.tool_result',
      attributes: { 'event.sequence': 4, huge: '-9007199254740995' },
      spanId: '00f067aa0ba902b7',
    });
    expect(batch.rejections).toEqual([
      { reason: 'resourceLogs[0].scopeLogs[0].logRecords[1]: spanId must be 8 bytes, got 2' },
    ]);
  });
});

describe('decodeExportMetricsRequest', () => {
  it('reads sums, gauges and histogram sums with their attributes', () => {
    const body = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'claude_code.cost.usage',
                  unit: 'USD',
                  sum: {
                    dataPoints: [
                      { asDouble: 0.25, attributes: [{ key: 'model', value: { stringValue: 'm' } }] },
                    ],
                  },
                },
                { name: 'claude_code.token.usage', sum: { dataPoints: [{ asInt: '1200' }] } },
                {
                  name: 'codex.turn.e2e_duration_ms',
                  histogram: { dataPoints: [{ sum: 31.5, count: '2' }] },
                },
              ],
            },
          ],
        },
      ],
    };
    const { records } = decodeExportMetricsRequest(utf8(JSON.stringify(body)), 'json');
    expect(records.map((p) => [p.metricName, p.value])).toEqual([
      ['claude_code.cost.usage', 0.25],
      ['claude_code.token.usage', 1200],
      ['codex.turn.e2e_duration_ms', 31.5],
    ]);
    expect(records[0]?.attributes).toEqual({ model: 'm' });
    const { ExportMetricsServiceRequest } = otlpTypes();
    const proto = ExportMetricsServiceRequest.encode(ExportMetricsServiceRequest.fromObject(body)).finish();
    expect(decodeExportMetricsRequest(proto, 'protobuf').records.map((p) => [p.metricName, p.value])).toEqual(
      [
        ['claude_code.cost.usage', 0.25],
        ['claude_code.token.usage', 1200],
        ['codex.turn.e2e_duration_ms', 31.5],
      ],
    );
  });
});

describe('limits and text repair, the same in both encodings', () => {
  const kvlist = (depth: number): object =>
    depth === 1
      ? { stringValue: 'x' }
      : { kvlistValue: { values: [{ key: 'k', value: kvlist(depth - 1) }] } };
  const array = (depth: number): object =>
    depth === 1 ? { stringValue: 'x' } : { arrayValue: { values: [array(depth - 1)] } };
  const logs = (value: object) => ({
    resourceLogs: [
      {
        scopeLogs: [{ logRecords: [{ timeUnixNano: '1', body: value, attributes: [{ key: 'a', value }] }] }],
      },
    ],
  });
  const spans = (value: object) => ({
    resourceSpans: [
      {
        scopeSpans: [
          {
            spans: [
              {
                traceId: '0102030405060708090a0b0c0d0e0f10',
                spanId: '0102030405060708',
                events: [{ name: 'e', attributes: [{ key: 'a', value }] }],
              },
            ],
          },
        ],
      },
    ],
  });
  /** protobufjs refuses to encode what it would refuse to decode: lift its limit to build the bodies. */
  const asProtobuf = (signal: 'logs' | 'traces', body: object) => {
    const limit = protobuf.util.recursionLimit;
    protobuf.util.recursionLimit = 10_000;
    try {
      return encodeJsonRequestAsProtobuf(signal, body);
    } finally {
      protobuf.util.recursionLimit = limit;
    }
  };
  const answers = (signal: 'logs' | 'traces', body: object) => {
    const decode = signal === 'logs' ? decodeExportLogsRequest : decodeExportTraceRequest;
    return (['json', 'protobuf'] as const).map((encoding) => {
      const bytes = encoding === 'json' ? utf8(JSON.stringify(body)) : asProtobuf(signal, body);
      try {
        return `${decode(bytes, encoding).records.length} records`;
      } catch (err) {
        return `${(err as Error).name}: ${(err as Error).message}`;
      }
    });
  };

  it.each([
    ['logs', 'key-value lists', kvlist],
    ['logs', 'arrays', array],
    ['traces', 'key-value lists', kvlist],
    ['traces', 'arrays', array],
  ] as const)('%s: AnyValue %s nest to the same depth in JSON and protobuf', (signal, _, nest) => {
    const refused = `DecodeError: an AnyValue is nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`;
    expect(answers(signal, (signal === 'logs' ? logs : spans)(nest(MAX_ANY_VALUE_DEPTH)))).toEqual([
      '1 records',
      '1 records',
    ]);
    for (const depth of [MAX_ANY_VALUE_DEPTH + 1, 100]) {
      expect(answers(signal, (signal === 'logs' ? logs : spans)(nest(depth)))).toEqual([refused, refused]);
    }
    // Far deeper than any stack would take recursively; only JSON can carry it (protobufjs cannot encode it).
    const [open, close] =
      nest === kvlist
        ? ['{"kvlistValue":{"values":[{"key":"k","value":', '}]}}']
        : ['{"arrayValue":{"values":[', ']}}'];
    const value = `${open.repeat(20_000)}{"stringValue":"x"}${close.repeat(20_000)}`;
    const deep = utf8(
      JSON.stringify((signal === 'logs' ? logs : spans)({ deep: 1 })).replace('{"deep":1}', value),
    );
    const decode = signal === 'logs' ? decodeExportLogsRequest : decodeExportTraceRequest;
    expect(() => decode(deep, 'json')).toThrow(refused.replace('DecodeError: ', ''));
  });

  it('counts strings that were not valid UTF-8; JSON lone surrogates decode as they are (repaired later)', () => {
    const body = Buffer.from(asProtobuf('logs', logs({ stringValue: 'MARK' })));
    const at = body.indexOf('MARK');
    body[at] = 0xff; // an invalid UTF-8 byte in both the body and the attribute
    body[body.indexOf('MARK', at + 1)] = 0xc3;
    const decoded = decodeExportLogsRequest(body, 'protobuf');
    expect(decoded.invalidUtf8).toBe(2);
    expect(decoded.records[0]!.body).toBe('\uFFFDARK');

    const json = decodeExportLogsRequest(utf8(JSON.stringify(logs({ stringValue: '\ud800x' }))), 'json');
    expect(json.invalidUtf8).toBe(0);
    expect(json.records[0]!.body).toBe('\ud800x');
    const badBytes = Buffer.concat([utf8('{"resourceLogs":[],"x":"'), Buffer.from([0xff]), utf8('"}')]);
    expect(decodeExportLogsRequest(badBytes, 'json').invalidUtf8).toBe(1);
  });

  it('refuses a protobuf string that runs past the end of its message', () => {
    const body = Buffer.from(asProtobuf('logs', logs({ stringValue: 'abcdef' })));
    expect(() => decodeExportLogsRequest(body.subarray(0, body.length - 2), 'protobuf')).toThrow(DecodeError);
  });
});
