import { describe, expect, it } from 'vitest';
import { DecodeError, decodeExportLogsRequest, decodeExportTraceRequest } from './decode.ts';
import { encodeJsonRequestAsProtobuf, otlpTypes } from './proto.ts';

const utf8 = (s: string) => new TextEncoder().encode(s);

const values = [
  { key: 's', value: { stringValue: 'text ✓' } },
  { key: 'yes', value: { boolValue: true } },
  { key: 'small', value: { intValue: '42' } },
  { key: 'negative', value: { intValue: '-5' } },
  { key: 'past 2^53', value: { intValue: '1152921504606846976' } },
  { key: 'int64 min', value: { intValue: '-9223372036854775808' } },
  { key: 'double', value: { doubleValue: -0.125 } },
  { key: 'bytes', value: { bytesValue: 'AAEC/w==' } },
  { key: 'empty', value: {} },
  {
    key: 'nested',
    value: {
      arrayValue: {
        values: [
          { stringValue: 'a' },
          { kvlistValue: { values: [{ key: 'k', value: { arrayValue: { values: [{ intValue: '1' }] } } }] } },
        ],
      },
    },
  },
];

const logs = {
  resourceLogs: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
      scopeLogs: [
        {
          scope: { name: 'codex_otel', version: '0.63.0' },
          logRecords: [
            {
              timeUnixNano: '18446744073709551615',
              observedTimeUnixNano: '1767262807000000001',
              severityNumber: -1,
              severityText: 'INFO',
              body: { kvlistValue: { values } },
              attributes: values,
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              eventName: 'codex.tool_result',
            },
            { spanId: '00f0' },
          ],
        },
      ],
    },
  ],
};

const spans = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'support-agent' } }] },
      scopeSpans: [
        {
          scope: { name: 'agent' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              parentSpanId: '0102030405060708',
              name: 'execute_tool run_shell',
              kind: 3,
              startTimeUnixNano: '1767262807000000001',
              endTimeUnixNano: '1767262807500000000',
              attributes: values,
              events: [{ timeUnixNano: '1767262807100000000', name: 'tool.output', attributes: values }],
              status: { code: 2, message: 'exit 1' },
            },
            { traceId: '00000000000000000000000000000000', spanId: 'eee19b7ec3c1b174' },
          ],
        },
      ],
    },
  ],
};

/** A protobuf field appended to a message: its tag, then its payload (tags and lengths under 128 here). */
const field = (number: number, wireType: number, ...payload: number[]) => [number * 8 + wireType, ...payload];
const lengthDelimited = (bytes: ArrayLike<number>) => [bytes.length, ...Array.from(bytes)];

describe('protobuf logs and traces read off the wire', () => {
  it('read every value type, id and time exactly as the OTLP/JSON path reads the same request', () => {
    const fromWire = decodeExportLogsRequest(encodeJsonRequestAsProtobuf('logs', logs), 'protobuf');
    const fromJson = decodeExportLogsRequest(utf8(JSON.stringify(logs)), 'json');
    expect(fromWire.records).toEqual(fromJson.records);
    expect(fromWire.invalidUtf8).toBe(0);
    expect(fromWire.records[0]).toMatchObject({
      timeUnixNano: '18446744073709551615',
      severityNumber: -1,
      attributes: { negative: -5, 'past 2^53': '1152921504606846976', 'int64 min': '-9223372036854775808' },
    });
    expect(fromWire.rejections).toEqual([
      { reason: 'resourceLogs[0].scopeLogs[0].logRecords[1]: spanId must be 8 bytes, got 2' },
    ]);

    const spansFromWire = decodeExportTraceRequest(encodeJsonRequestAsProtobuf('traces', spans), 'protobuf');
    expect(spansFromWire.records).toEqual(
      decodeExportTraceRequest(utf8(JSON.stringify(spans)), 'json').records,
    );
    expect(spansFromWire.records).toHaveLength(1);
    expect(spansFromWire.rejections).toEqual([
      { reason: 'resourceSpans[0].scopeSpans[0].spans[1]: traceId is required and must not be all zeros' },
    ]);
  });

  it('give every record its scope, even when the scope field follows the records', () => {
    const { ExportLogsServiceRequest } = otlpTypes();
    const record = { severityText: 'INFO' };
    const scopeLogs = (order: 'scope first' | 'records first') => {
      const scope = [...field(1, 2, ...lengthDelimited(utf8('codex_otel')))];
      const records = [
        ...field(
          2,
          2,
          ...lengthDelimited(ExportLogsServiceRequest.lookupType('LogRecord').encode(record).finish()),
        ),
      ];
      const body =
        order === 'scope first'
          ? [...field(1, 2, ...lengthDelimited(scope)), ...records]
          : [...records, ...field(1, 2, ...lengthDelimited(scope))];
      return Buffer.from(field(1, 2, ...lengthDelimited(field(2, 2, ...lengthDelimited(body)))));
    };
    for (const order of ['scope first', 'records first'] as const)
      expect(decodeExportLogsRequest(scopeLogs(order), 'protobuf').records.map((r) => r.scope)).toEqual([
        { name: 'codex_otel', version: '' },
      ]);
  });

  it('skip fields they do not read, of every wire type, groups included', () => {
    const body = encodeJsonRequestAsProtobuf('logs', logs);
    const unknown = [
      ...field(2, 0, 0x96, 0x01),
      ...field(3, 1, 1, 2, 3, 4, 5, 6, 7, 8),
      ...field(4, 2, 2, 0x61, 0x62),
      ...field(5, 5, 1, 2, 3, 4),
      ...field(6, 3),
      ...field(1, 0, 7),
      ...field(6, 4),
    ];
    const withUnknown = Buffer.concat([Buffer.from(unknown), body, Buffer.from(unknown)]);
    expect(decodeExportLogsRequest(withUnknown, 'protobuf')).toEqual(
      decodeExportLogsRequest(body, 'protobuf'),
    );
  });

  it('refuse a field they read arriving with another wire type, a length past its message, a bad varint', () => {
    const refused = (bytes: number[]) => () => decodeExportLogsRequest(Buffer.from(bytes), 'protobuf');
    expect(refused(field(1, 0, 5))).toThrow(
      'invalid protobuf ExportLogsServiceRequest: field 1 has the wrong wire type 0',
    );
    // A resource_logs of 4 bytes whose scope_logs claims 9.
    expect(refused(field(1, 2, 4, ...field(2, 2, 9, 0)))).toThrow(/index out of range/);
    expect(refused([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])).toThrow(
      /varint longer than 10 bytes/,
    );
    expect(refused(field(6, 4))).toThrow(DecodeError);
    // A tag naming a field past protobuf's largest number (2^29 - 1): other parsers read it differently.
    expect(refused([0x8a, 0x80, 0x80, 0x80, 0x10, 0x02, 0, 0])).toThrow(/no field number 536870913/);
    expect(refused(field(0, 0, 1))).toThrow(/no field number 0/);
    expect(refused([...field(6, 3), ...field(7, 4)])).toThrow(/ended by another group/);
    // Skipping recurses into groups: nesting is bounded as AnyValue nesting is, so no stack can run out.
    const nested = (depth: number) => [
      ...Array.from({ length: depth }, () => field(6, 3)).flat(),
      ...Array.from({ length: depth }, () => field(6, 4)).flat(),
    ];
    expect(decodeExportLogsRequest(Buffer.from(nested(32)), 'protobuf').records).toEqual([]);
    expect(refused(nested(33))).toThrow(/groups nested deeper than 32/);
    expect(refused(nested(200_000))).toThrow(DecodeError);
  });
});
