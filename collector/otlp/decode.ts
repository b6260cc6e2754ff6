import { isUtf8 } from 'node:buffer';
import type Long from 'long';
import type { Type } from 'protobufjs';
import {
  setOwn,
  type AttributeValue,
  type Attributes,
  type OtlpLogRecord,
  type OtlpMetricPoint,
  type OtlpSpan,
  type OtlpSpanEvent,
  type Rejection,
  type Resource,
  type Scope,
} from './model.ts';
import { invalidUtf8Strings, otlpTypes } from './proto.ts';
import { MAX_ANY_VALUE_DEPTH, readLogsRequest, readTraceRequest, TooDeepError, WireError } from './wire.ts';

export type BodyEncoding = 'protobuf' | 'json';

export interface DecodedBatch<T> {
  records: T[];
  rejections: Rejection[];
  /** Strings that arrived as invalid UTF-8 and were decoded with U+FFFD (a JSON body counts once). */
  invalidUtf8: number;
}

/** The whole request body could not be read: answered 400 / INVALID_ARGUMENT. */
export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** One record is malformed: it is rejected with this reason and the rest of the batch is kept. */
class FieldError extends Error {}

export { MAX_ANY_VALUE_DEPTH };
const TOO_DEEP = `an AnyValue is nested deeper than ${MAX_ANY_VALUE_DEPTH} levels`;

function checkDepth(depth: number): void {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new DecodeError(TOO_DEEP);
}

/**
 * How field values are read. Protobuf metrics (protobufjs messages, int64 as Long) and the OTLP JSON
 * mapping (int64 as strings or numbers) differ only here; the tree walk below is shared. Protobuf logs and
 * traces skip the walk: `wire.ts` reads them straight into records.
 */
interface ValueCodec {
  /** `depth` is the AnyValue's nesting level, 1 for an attribute's or a body's own value. */
  anyValue(v: unknown, depth: number): AttributeValue;
  nanos(v: unknown, field: string): string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown, field: string): unknown[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new FieldError(`${field} must be an array`);
  return v;
};

function longToValue(v: Long | number): number | string {
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? n : v.toString();
}

const protobufCodec: ValueCodec = {
  anyValue(v, depth) {
    checkDepth(depth);
    if (!isObj(v)) return null;
    // protobufjs exposes the name of the set oneof member as the virtual field `value`.
    switch (v.value) {
      case 'stringValue':
        return v.stringValue as string;
      case 'boolValue':
        return v.boolValue as boolean;
      case 'intValue':
        return longToValue(v.intValue as Long | number);
      case 'doubleValue':
        return v.doubleValue as number;
      case 'arrayValue':
        return ((v.arrayValue as Obj).values as unknown[]).map((x) => protobufCodec.anyValue(x, depth + 1));
      case 'kvlistValue':
        return readAttributes((v.kvlistValue as Obj).values, protobufCodec, depth + 1);
      case 'bytesValue':
        return Buffer.from(v.bytesValue as Uint8Array).toString('base64');
      default:
        return null;
    }
  },
  nanos(v) {
    if (v === undefined || v === null) return '0';
    return typeof v === 'number' ? String(v) : (v as Long).toUnsigned().toString();
  },
};

const HEX = /^[0-9a-fA-F]*$/;
const DIGITS = /^\d+$/;

/** An OTLP/JSON trace or span id: hex, `bytes` long once decoded; "" when unset. */
function hexId(v: unknown, bytes: 8 | 16, field: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string' || v.length !== bytes * 2 || !HEX.test(v)) {
    throw new FieldError(`${field} must be ${bytes * 2} hex characters`);
  }
  return v.toLowerCase();
}

const jsonCodec: ValueCodec = {
  anyValue(v, depth) {
    checkDepth(depth);
    if (v === undefined || v === null) return null;
    if (!isObj(v)) throw new FieldError('attribute value must be an AnyValue object');
    if ('stringValue' in v) return String(v.stringValue ?? '');
    if ('boolValue' in v) return v.boolValue === true || v.boolValue === 'true';
    if ('intValue' in v) {
      const raw = v.intValue;
      if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
      if (typeof raw === 'string' && /^-?\d+$/.test(raw)) {
        const n = Number(raw);
        return Number.isSafeInteger(n) ? n : BigInt(raw).toString();
      }
      throw new FieldError(`intValue must be an integer, got ${JSON.stringify(raw)}`);
    }
    if ('doubleValue' in v) {
      const n = Number(v.doubleValue);
      if (Number.isNaN(n) && v.doubleValue !== 'NaN') throw new FieldError('doubleValue must be a number');
      return n;
    }
    if ('arrayValue' in v) {
      const values = isObj(v.arrayValue) ? v.arrayValue.values : undefined;
      return list(values, 'arrayValue.values').map((x) => jsonCodec.anyValue(x, depth + 1));
    }
    if ('kvlistValue' in v)
      return readAttributes(isObj(v.kvlistValue) ? v.kvlistValue.values : [], jsonCodec, depth + 1);
    if ('bytesValue' in v) return String(v.bytesValue ?? '');
    return null;
  },
  nanos(v, field) {
    if (v === undefined || v === null) return '0';
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v).toString();
    if (typeof v === 'string' && DIGITS.test(v)) return BigInt(v).toString();
    throw new FieldError(`${field} must be a non-negative integer (nanoseconds), got ${JSON.stringify(v)}`);
  },
};

function readAttributes(kvs: unknown, codec: ValueCodec, depth = 1): Attributes {
  const out: Attributes = {};
  for (const kv of list(kvs, 'attributes')) {
    if (!isObj(kv) || typeof kv.key !== 'string') throw new FieldError('attribute without a string key');
    setOwn(out, kv.key, codec.anyValue(kv.value, depth));
  }
  return out;
}

const readResource = (r: unknown, codec: ValueCodec): Resource => ({
  attributes: isObj(r) ? readAttributes(r.attributes, codec) : {},
});

const readScope = (s: unknown): Scope => ({
  name: isObj(s) && typeof s.name === 'string' ? s.name : '',
  version: isObj(s) && typeof s.version === 'string' ? s.version : '',
});

const int = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) ? v : 0);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Walks resource → scope → item and builds one record per item. A malformed resource or item is rejected
 * with its path and reason; everything else in the batch is kept.
 */
function walk<T>(
  root: Obj,
  names: { resources: string; scopes: string; items: string },
  codec: ValueCodec,
  build: (item: Obj, resource: Resource, scope: Scope) => T | T[],
): DecodedBatch<T> {
  const batch: DecodedBatch<T> = { records: [], rejections: [], invalidUtf8: 0 };
  const resources = root[names.resources];
  if (resources !== undefined && resources !== null && !Array.isArray(resources)) {
    throw new DecodeError(`${names.resources} must be an array`);
  }
  (resources ?? []).forEach((rItem: unknown, ri: number) => {
    const rPath = `${names.resources}[${ri}]`;
    const r = isObj(rItem) ? rItem : {};
    const scopes = Array.isArray(r[names.scopes]) ? (r[names.scopes] as unknown[]) : [];
    let resource: Resource;
    try {
      resource = readResource(r.resource, codec);
    } catch (err) {
      if (err instanceof DecodeError) throw err;
      for (const s of scopes) {
        const items = isObj(s) ? s[names.items] : undefined;
        const n = Array.isArray(items) ? items.length : 0;
        for (let i = 0; i < n; i++)
          batch.rejections.push({ reason: `${rPath}.resource: ${(err as Error).message}` });
      }
      return;
    }
    scopes.forEach((sItem, si) => {
      const s = isObj(sItem) ? sItem : {};
      const scope = readScope(s.scope);
      const items = Array.isArray(s[names.items]) ? (s[names.items] as unknown[]) : [];
      items.forEach((item, ii) => {
        const path = `${rPath}.${names.scopes}[${si}].${names.items}[${ii}]`;
        try {
          if (!isObj(item)) throw new FieldError('must be an object');
          const built = build(item, resource, scope);
          if (Array.isArray(built)) batch.records.push(...built);
          else batch.records.push(Object.assign(built as object, { path }) as T);
        } catch (err) {
          if (!(err instanceof FieldError)) throw err;
          batch.rejections.push({ reason: `${path}: ${err.message}` });
        }
      });
    });
  });
  return batch;
}

function parseJsonBody(body: Uint8Array): { root: Obj; invalidUtf8: number } {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new DecodeError(`invalid JSON: ${(err as Error).message}`);
  }
  if (!isObj(parsed)) throw new DecodeError('invalid OTLP/JSON: the body must be a JSON object');
  return { root: parsed, invalidUtf8: isUtf8(bytes) ? 0 : 1 };
}

function parseBody(
  body: Uint8Array,
  encoding: BodyEncoding,
  type: () => Type,
): { root: Obj; invalidUtf8: number } {
  if (encoding === 'json') return parseJsonBody(body);
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.length);
  const t = type();
  const before = invalidUtf8Strings();
  try {
    return { root: t.decode(bytes) as unknown as Obj, invalidUtf8: invalidUtf8Strings() - before };
  } catch (err) {
    // OTLP's only recursive message is AnyValue: protobufjs's nesting limit is the AnyValue depth limit.
    if (/nesting depth/.test((err as Error).message)) throw new DecodeError(TOO_DEEP);
    throw new DecodeError(`invalid protobuf ${t.name}: ${(err as Error).message}`);
  }
}

const codecFor = (encoding: BodyEncoding): ValueCodec => (encoding === 'json' ? jsonCodec : protobufCodec);

/** Logs and traces in protobuf are read off the wire (`wire.ts`); its refusals become DecodeErrors. */
function fromWire<T>(read: () => DecodedBatch<T>, message: string): DecodedBatch<T> {
  try {
    return read();
  } catch (err) {
    if (err instanceof TooDeepError) throw new DecodeError(TOO_DEEP);
    if (err instanceof WireError) throw new DecodeError(`invalid protobuf ${message}: ${err.message}`);
    throw err;
  }
}

/** Decodes an `ExportLogsServiceRequest` (protobuf or OTLP/JSON). */
export function decodeExportLogsRequest(
  body: Uint8Array,
  encoding: BodyEncoding,
): DecodedBatch<OtlpLogRecord> {
  if (encoding === 'protobuf') return fromWire(() => readLogsRequest(body), 'ExportLogsServiceRequest');
  const codec = jsonCodec;
  const { root, invalidUtf8 } = parseJsonBody(body);
  const batch = walk(
    root,
    { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
    codec,
    (lr, resource, scope) => ({
      resource,
      scope,
      timeUnixNano: codec.nanos(lr.timeUnixNano, 'timeUnixNano'),
      observedTimeUnixNano: codec.nanos(lr.observedTimeUnixNano, 'observedTimeUnixNano'),
      severityNumber: int(lr.severityNumber),
      severityText: str(lr.severityText),
      body: codec.anyValue(lr.body, 1),
      attributes: readAttributes(lr.attributes, codec),
      traceId: hexId(lr.traceId, 16, 'traceId'),
      spanId: hexId(lr.spanId, 8, 'spanId'),
      eventName: str(lr.eventName),
    }),
  );
  batch.invalidUtf8 = invalidUtf8;
  return batch;
}

/** Decodes an `ExportTraceServiceRequest` (protobuf or OTLP/JSON). Spans need a trace id and a span id. */
export function decodeExportTraceRequest(body: Uint8Array, encoding: BodyEncoding): DecodedBatch<OtlpSpan> {
  if (encoding === 'protobuf') return fromWire(() => readTraceRequest(body), 'ExportTraceServiceRequest');
  const codec = jsonCodec;
  const { root, invalidUtf8 } = parseJsonBody(body);
  const batch = walk(
    root,
    { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
    codec,
    (s, resource, scope): OtlpSpan => {
      const traceId = hexId(s.traceId, 16, 'traceId');
      const spanId = hexId(s.spanId, 8, 'spanId');
      if (!traceId || /^0+$/.test(traceId))
        throw new FieldError('traceId is required and must not be all zeros');
      if (!spanId || /^0+$/.test(spanId))
        throw new FieldError('spanId is required and must not be all zeros');
      const status = isObj(s.status) ? s.status : {};
      return {
        resource,
        scope,
        traceId,
        spanId,
        parentSpanId: hexId(s.parentSpanId, 8, 'parentSpanId'),
        name: str(s.name),
        kind: int(s.kind),
        startTimeUnixNano: codec.nanos(s.startTimeUnixNano, 'startTimeUnixNano'),
        endTimeUnixNano: codec.nanos(s.endTimeUnixNano, 'endTimeUnixNano'),
        attributes: readAttributes(s.attributes, codec),
        events: list(s.events, 'events').map((e): OtlpSpanEvent => ({
          timeUnixNano: codec.nanos(isObj(e) ? e.timeUnixNano : undefined, 'events.timeUnixNano'),
          name: isObj(e) ? str(e.name) : '',
          attributes: isObj(e) ? readAttributes(e.attributes, codec) : {},
        })),
        status: { code: int(status.code), message: str(status.message) },
      };
    },
  );
  batch.invalidUtf8 = invalidUtf8;
  return batch;
}

const METRIC_SHAPES = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

/** Decodes an `ExportMetricsServiceRequest` into one point per data point (value, or a histogram's sum). */
export function decodeExportMetricsRequest(
  body: Uint8Array,
  encoding: BodyEncoding,
): DecodedBatch<OtlpMetricPoint> {
  const codec = codecFor(encoding);
  const { root, invalidUtf8 } = parseBody(body, encoding, () => otlpTypes().ExportMetricsServiceRequest);
  const batch = walk(
    root,
    { resources: 'resourceMetrics', scopes: 'scopeMetrics', items: 'metrics' },
    codec,
    (m, resource) => {
      const shape = METRIC_SHAPES.find((k) => isObj(m[k]));
      if (!shape) return [];
      const data = m[shape] as Obj;
      const temporality =
        shape === 'gauge' ? 'gauge' : data.aggregationTemporality === 1 ? 'delta' : 'cumulative';
      return list(data.dataPoints, 'dataPoints').map((p): OtlpMetricPoint => {
        const dp = isObj(p) ? p : {};
        // protobufjs names the set oneof member in `value`; OTLP/JSON simply has one of the keys.
        const member = typeof dp.value === 'string' ? dp.value : 'asDouble' in dp ? 'asDouble' : 'asInt';
        const raw = shape === 'gauge' || shape === 'sum' ? dp[member] : dp.sum;
        return {
          resource,
          metricName: str(m.name),
          unit: str(m.unit),
          attributes: readAttributes(dp.attributes, codec),
          timeUnixNano: codec.nanos(dp.timeUnixNano, 'timeUnixNano'),
          value: Number(typeof raw === 'object' && raw !== null ? (raw as Long).toString() : (raw ?? 0)),
          temporality,
        };
      });
    },
  );
  batch.invalidUtf8 = invalidUtf8;
  return batch;
}
