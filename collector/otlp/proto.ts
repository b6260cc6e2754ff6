import protobuf from 'protobufjs';
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';

/** The protobuf types Warden reads and writes, loaded once on first use (importing has no side effects). */
export interface OtlpTypes {
  ExportLogsServiceRequest: protobuf.Type;
  ExportLogsServiceResponse: protobuf.Type;
  ExportTraceServiceRequest: protobuf.Type;
  ExportTraceServiceResponse: protobuf.Type;
  ExportMetricsServiceRequest: protobuf.Type;
  ExportMetricsServiceResponse: protobuf.Type;
  RpcStatus: protobuf.Type;
  RetryInfo: protobuf.Type;
  BadRequest: protobuf.Type;
}

let types: OtlpTypes | undefined;
let invalidUtf8 = 0;

/** How many protobuf strings so far were not valid UTF-8 (each broken sequence decoded as U+FFFD). */
export const invalidUtf8Strings = (): number => invalidUtf8;

/**
 * protobufjs's Node string reader, counting invalid UTF-8 and refusing a string that runs past the end of
 * its message (protobufjs would silently cut it).
 */
function countingStringReader(this: { buf: Buffer; pos: number; len: number; uint32(): number }): string {
  const length = this.uint32();
  const end = this.pos + length;
  if (end > this.len) throw new RangeError(`index out of range: ${this.pos} + ${length} > ${this.len}`);
  const bytes = this.buf.subarray(this.pos, end);
  this.pos = end;
  if (!isUtf8(bytes)) invalidUtf8++;
  return bytes.toString('utf8');
}

export function otlpTypes(): OtlpTypes {
  if (types) return types;
  (protobuf.BufferReader.prototype as unknown as { string: typeof countingStringReader }).string =
    countingStringReader;
  const root = new protobuf.Root();
  for (const file of ['otlp.proto', 'rpc.proto']) {
    protobuf.parse(readFileSync(new URL(file, import.meta.url), 'utf8'), root, { keepCase: false });
  }
  const t = (name: string) => root.lookupType(name);
  types = {
    ExportLogsServiceRequest: t('opentelemetry.proto.ExportLogsServiceRequest'),
    ExportLogsServiceResponse: t('opentelemetry.proto.ExportLogsServiceResponse'),
    ExportTraceServiceRequest: t('opentelemetry.proto.ExportTraceServiceRequest'),
    ExportTraceServiceResponse: t('opentelemetry.proto.ExportTraceServiceResponse'),
    ExportMetricsServiceRequest: t('opentelemetry.proto.ExportMetricsServiceRequest'),
    ExportMetricsServiceResponse: t('opentelemetry.proto.ExportMetricsServiceResponse'),
    RpcStatus: t('google.rpc.Status'),
    RetryInfo: t('google.rpc.RetryInfo'),
    BadRequest: t('google.rpc.BadRequest'),
  };
  return types;
}

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

/** OTLP/JSON carries ids as hex where protobuf carries bytes; everything else maps field for field. */
function hexIdsToBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(hexIdsToBytes);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      ID_FIELDS.has(k) && typeof v === 'string' ? Buffer.from(v, 'hex') : hexIdsToBytes(v),
    ]),
  );
}

const REQUEST_TYPES = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
} as const;

/** Encodes an OTLP/JSON export request as the equivalent protobuf request (for replays, tests and load). */
export function encodeJsonRequestAsProtobuf(signal: keyof typeof REQUEST_TYPES, json: object): Uint8Array {
  const type = otlpTypes()[REQUEST_TYPES[signal]];
  return type.encode(type.fromObject(hexIdsToBytes(json) as Record<string, unknown>)).finish();
}
