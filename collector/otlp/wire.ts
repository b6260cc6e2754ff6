/**
 * Protobuf logs and traces read straight from the wire into Warden's OTLP records. These are the requests
 * agents send all day, and going through protobufjs's message objects first cost nearly twice as much per
 * record (11 µs against 6 for a Codex tool result). Metrics (a few token counters a minute) still go
 * through protobufjs.
 *
 * The reader checks every length against the end of the message holding it, refuses wire types a field
 * cannot have, and skips fields it does not know, as any protobuf reader must.
 */
import { isUtf8 } from 'node:buffer';
import {
  setOwn,
  type AttributeValue,
  type Attributes,
  type OtlpLogRecord,
  type OtlpSpan,
  type OtlpSpanEvent,
  type Resource,
  type Scope,
} from './model.ts';

/** The body is not a readable protobuf request: answered 400 / INVALID_ARGUMENT. */
export class WireError extends Error {}

/** The AnyValue nesting limit was passed (the caller words the refusal, the same for every encoding). */
export class TooDeepError extends Error {}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH = 2;
const GROUP_START = 3;
const GROUP_END = 4;
const FIXED32 = 5;
const TWO_32 = 4_294_967_296;

class WireReader {
  pos = 0;
  /** Strings that were not valid UTF-8 (each broken sequence read as U+FFFD). */
  invalidUtf8 = 0;
  constructor(readonly buf: Buffer) {}

  private need(n: number, end: number): void {
    if (this.pos + n > end) throw new WireError(`index out of range: ${this.pos} + ${n} > ${end}`);
  }

  /** A varint as a number (exact below 2^53: tags, lengths, enums, counts). */
  varint(end: number): number {
    // Most tags and lengths take one byte.
    const first = this.pos < end ? this.buf[this.pos]! : 0x80;
    if (first < 0x80) {
      this.pos++;
      return first;
    }
    let value = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      this.need(1, end);
      const byte = this.buf[this.pos++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    throw new WireError(`varint longer than 10 bytes at ${this.pos}`);
  }

  /** An `int32` varint (negative values take ten bytes): its low 32 bits, signed. */
  int32(end: number): number {
    const start = this.pos;
    this.varint(end);
    let low = 0;
    for (let i = 0; i < 5 && start + i < this.pos; i++) low |= (this.buf[start + i]! & 0x7f) << (7 * i);
    return low | 0;
  }

  /** A signed 64-bit varint: a number when it is a safe integer, else its decimal text. */
  int64(end: number): number | string {
    const start = this.pos;
    const value = this.varint(end);
    if (value < Number.MAX_SAFE_INTEGER) return value;
    let big = 0n;
    for (let i = this.pos - 1; i >= start; i--) big = (big << 7n) | BigInt(this.buf[i]! & 0x7f);
    const signed = BigInt.asIntN(64, big);
    return Number.isSafeInteger(Number(signed)) ? Number(signed) : signed.toString();
  }

  /** Nanoseconds (`fixed64`) as unsigned decimal text. */
  fixed64Text(end: number): string {
    this.need(8, end);
    const low = this.buf.readUInt32LE(this.pos);
    const high = this.buf.readUInt32LE(this.pos + 4);
    this.pos += 8;
    return high < 0x200000 ? String(high * TWO_32 + low) : ((BigInt(high) << 32n) | BigInt(low)).toString();
  }

  double(end: number): number {
    this.need(8, end);
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  /** The end of the length-delimited field starting here. */
  lengthEnd(end: number): number {
    const length = this.varint(end);
    this.need(length, end);
    return this.pos + length;
  }

  string(end: number): string {
    const stop = this.lengthEnd(end);
    const text = this.buf.toString('utf8', this.pos, stop);
    // U+FFFD is rare in real text: only then is the slice checked for the invalid UTF-8 it may stand for.
    if (text.includes('\uFFFD') && !isUtf8(this.buf.subarray(this.pos, stop))) this.invalidUtf8++;
    this.pos = stop;
    return text;
  }

  bytes(end: number): Buffer {
    const stop = this.lengthEnd(end);
    const bytes = this.buf.subarray(this.pos, stop);
    this.pos = stop;
    return bytes;
  }

  /** Skips one field; `groups` is how deep inside skipped groups it sits (bounded, like AnyValue nesting). */
  skip(wireType: number, field: number, end: number, groups = 0): void {
    switch (wireType) {
      case VARINT:
        this.varint(end);
        return;
      case FIXED64:
        this.need(8, end);
        this.pos += 8;
        return;
      case LENGTH:
        this.pos = this.lengthEnd(end);
        return;
      case FIXED32:
        this.need(4, end);
        this.pos += 4;
        return;
      case GROUP_START:
        if (groups >= MAX_ANY_VALUE_DEPTH) throw new WireError(`groups nested deeper than ${groups}`);
        for (;;) {
          const tag = this.varint(end);
          if (tag % 8 === GROUP_END) {
            if (Math.floor(tag / 8) !== field) throw new WireError(`group ${field} ended by another group`);
            return;
          }
          this.skip(tag % 8, Math.floor(tag / 8), end, groups + 1);
        }
      default:
        throw new WireError(`invalid wire type ${wireType} at ${this.pos}`);
    }
  }
}

/** The largest field number protobuf allows (2^29 - 1). */
const MAX_FIELD = 536_870_911;

/** A field's tag: its number and wire type in one varint. */
const tag = (field: number, wireType: number): number => field * 8 + wireType;

/**
 * Skips a field the message reading it did not take: one it does not read (any wire type), or one it
 * reads (`known`: a bit per field number) that came with another wire type than its declared type's.
 */
function other(r: WireReader, fieldTag: number, known: number, end: number): void {
  const field = Math.floor(fieldTag / 8);
  const wireType = fieldTag % 8;
  if (field === 0 || field > MAX_FIELD) throw new WireError(`no field number ${field}`);
  if (field < 31 && (known >> field) & 1)
    throw new WireError(`field ${field} has the wrong wire type ${wireType}`);
  r.skip(wireType, field, end);
}

const bits = (...fields: number[]): number => fields.reduce((mask, f) => mask | (1 << f), 0);

/**
 * Deepest AnyValue nesting accepted, the same in every encoding and decoder: protobufjs (metrics) stops at
 * 100 nested messages, which a key-value list reaches after 32 levels, so no decoder's recursion ever meets
 * the stack.
 */
export const MAX_ANY_VALUE_DEPTH = 32;

const ANY_VALUE_FIELDS = bits(1, 2, 3, 4, 5, 6, 7);
const LIST_FIELDS = bits(1);

/** `AnyValue` at nesting `depth` (1 for an attribute's own value), decoded as the JSON path decodes it. */
function anyValue(r: WireReader, end: number, depth: number): AttributeValue {
  if (depth > MAX_ANY_VALUE_DEPTH) throw new TooDeepError();
  let value: AttributeValue = null;
  while (r.pos < end) {
    const t = r.varint(end);
    switch (t) {
      case tag(1, LENGTH):
        value = r.string(end);
        break;
      case tag(2, VARINT):
        value = r.varint(end) !== 0;
        break;
      case tag(3, VARINT):
        value = r.int64(end);
        break;
      case tag(4, FIXED64):
        value = r.double(end);
        break;
      case tag(5, LENGTH): {
        const stop = r.lengthEnd(end);
        const values: AttributeValue[] = [];
        while (r.pos < stop) {
          const t2 = r.varint(stop);
          if (t2 === tag(1, LENGTH)) values.push(anyValue(r, r.lengthEnd(stop), depth + 1));
          else other(r, t2, LIST_FIELDS, stop);
        }
        value = values;
        break;
      }
      case tag(6, LENGTH):
        value = keyValues(r, r.lengthEnd(end), depth + 1);
        break;
      case tag(7, LENGTH):
        value = r.bytes(end).toString('base64');
        break;
      default:
        other(r, t, ANY_VALUE_FIELDS, end);
    }
  }
  return value;
}

const KEY_VALUE_FIELDS = bits(1, 2);

/** Adds one `KeyValue` (the message ending at `end`) to `into`; its value sits at nesting `depth`. */
function keyValue(r: WireReader, end: number, depth: number, into: Attributes): void {
  // Checked even when the value is missing: the JSON path refuses that depth whatever it holds.
  if (depth > MAX_ANY_VALUE_DEPTH) throw new TooDeepError();
  let key = '';
  let value: AttributeValue = null;
  while (r.pos < end) {
    const t = r.varint(end);
    if (t === tag(1, LENGTH)) key = r.string(end);
    else if (t === tag(2, LENGTH)) value = anyValue(r, r.lengthEnd(end), depth);
    else other(r, t, KEY_VALUE_FIELDS, end);
  }
  setOwn(into, key, value);
}

/**
 * The `KeyValue`s (field 1) of a `KeyValueList` or a `Resource` ending at `end`; a resource's other fields
 * (dropped count, entity refs) are skipped.
 */
function keyValues(r: WireReader, end: number, depth: number): Attributes {
  const into: Attributes = {};
  while (r.pos < end) {
    const t = r.varint(end);
    if (t === tag(1, LENGTH)) keyValue(r, r.lengthEnd(end), depth, into);
    else other(r, t, LIST_FIELDS, end);
  }
  return into;
}

const SCOPE_FIELDS = bits(1, 2);

function scopeOf(r: WireReader, end: number): Scope {
  const scope: Scope = { name: '', version: '' };
  while (r.pos < end) {
    const t = r.varint(end);
    if (t === tag(1, LENGTH)) scope.name = r.string(end);
    else if (t === tag(2, LENGTH)) scope.version = r.string(end);
    else other(r, t, SCOPE_FIELDS, end);
  }
  return scope;
}

/** One record is malformed: it is rejected with this reason and the rest of the request is kept. */
class RecordError extends Error {}

/** A record's id bytes as lower-case hex, or why they are refused. */
function idHex(bytes: Buffer | undefined, length: 8 | 16, field: string): string {
  if (!bytes || bytes.length === 0) return '';
  if (bytes.length !== length) throw new RecordError(`${field} must be ${length} bytes, got ${bytes.length}`);
  return bytes.toString('hex');
}

export interface WireBatch<T> {
  records: T[];
  rejections: { reason: string }[];
  invalidUtf8: number;
}

interface Levels {
  resources: string;
  scopes: string;
  items: string;
}

const REQUEST_FIELDS = bits(1);
const RESOURCE_ITEMS_FIELDS = bits(1, 2);

/**
 * Walks request → resource → scope → item (`resource_*` is field 1 of the request; resource and scopes are
 * fields 1 and 2 of it; scope and items are fields 1 and 2 of a scope's message) and builds one record per
 * item. An item `build` refuses becomes a rejection with its path; the rest of the request is kept.
 */
function walk<T>(
  body: Uint8Array,
  levels: Levels,
  build: (r: WireReader, end: number, resource: Resource, scope: Scope, path: string) => T,
): WireBatch<T> {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.length);
  const r = new WireReader(buf);
  const batch: WireBatch<T> = { records: [], rejections: [], invalidUtf8: 0 };
  for (let ri = 0; r.pos < buf.length;) {
    const t = r.varint(buf.length);
    if (t !== tag(1, LENGTH)) {
      other(r, t, REQUEST_FIELDS, buf.length);
      continue;
    }
    const rEnd = r.lengthEnd(buf.length);
    const rPath = `${levels.resources}[${ri++}]`;
    const resource: Resource = { attributes: {} };
    for (let si = 0; r.pos < rEnd;) {
      const t2 = r.varint(rEnd);
      if (t2 === tag(1, LENGTH)) {
        resource.attributes = keyValues(r, r.lengthEnd(rEnd), 1);
        continue;
      }
      if (t2 !== tag(2, LENGTH)) {
        other(r, t2, RESOURCE_ITEMS_FIELDS, rEnd);
        continue;
      }
      const sEnd = r.lengthEnd(rEnd);
      const sPath = `${rPath}.${levels.scopes}[${si++}]`;
      // Changed in place, as the resource is: a scope field may follow the records it names.
      const scope: Scope = { name: '', version: '' };
      for (let ii = 0; r.pos < sEnd;) {
        const t3 = r.varint(sEnd);
        if (t3 === tag(1, LENGTH)) {
          Object.assign(scope, scopeOf(r, r.lengthEnd(sEnd)));
          continue;
        }
        if (t3 !== tag(2, LENGTH)) {
          other(r, t3, RESOURCE_ITEMS_FIELDS, sEnd);
          continue;
        }
        const stop = r.lengthEnd(sEnd);
        const path = `${sPath}.${levels.items}[${ii++}]`;
        try {
          batch.records.push(build(r, stop, resource, scope, path));
        } catch (err) {
          if (!(err instanceof RecordError)) throw err;
          batch.rejections.push({ reason: `${path}: ${err.message}` });
        }
        r.pos = stop;
      }
    }
  }
  batch.invalidUtf8 = r.invalidUtf8;
  return batch;
}

const LOG_RECORD_FIELDS = bits(1, 2, 3, 5, 6, 9, 10, 11, 12);

/** An `ExportLogsServiceRequest`'s log records. Throws WireError or TooDeepError. */
export function readLogsRequest(body: Uint8Array): WireBatch<OtlpLogRecord> {
  return walk(
    body,
    { resources: 'resourceLogs', scopes: 'scopeLogs', items: 'logRecords' },
    (r, end, resource, scope, path) => {
      const record: OtlpLogRecord = {
        resource,
        scope,
        timeUnixNano: '0',
        observedTimeUnixNano: '0',
        severityNumber: 0,
        severityText: '',
        body: null,
        attributes: {},
        traceId: '',
        spanId: '',
        eventName: '',
        path,
      };
      let traceId: Buffer | undefined;
      let spanId: Buffer | undefined;
      while (r.pos < end) {
        const t = r.varint(end);
        switch (t) {
          case tag(1, FIXED64):
            record.timeUnixNano = r.fixed64Text(end);
            break;
          case tag(11, FIXED64):
            record.observedTimeUnixNano = r.fixed64Text(end);
            break;
          case tag(2, VARINT):
            record.severityNumber = r.int32(end);
            break;
          case tag(3, LENGTH):
            record.severityText = r.string(end);
            break;
          case tag(5, LENGTH):
            record.body = anyValue(r, r.lengthEnd(end), 1);
            break;
          case tag(6, LENGTH):
            keyValue(r, r.lengthEnd(end), 1, record.attributes);
            break;
          case tag(9, LENGTH):
            traceId = r.bytes(end);
            break;
          case tag(10, LENGTH):
            spanId = r.bytes(end);
            break;
          case tag(12, LENGTH):
            record.eventName = r.string(end);
            break;
          default:
            other(r, t, LOG_RECORD_FIELDS, end);
        }
      }
      record.traceId = idHex(traceId, 16, 'traceId');
      record.spanId = idHex(spanId, 8, 'spanId');
      return record;
    },
  );
}

const ALL_ZEROS = /^0+$/;
const SPAN_FIELDS = bits(1, 2, 4, 5, 6, 7, 8, 9, 11, 15);

/** An `ExportTraceServiceRequest`'s spans; a span needs a trace id and a span id. Throws as above. */
export function readTraceRequest(body: Uint8Array): WireBatch<OtlpSpan> {
  return walk(
    body,
    { resources: 'resourceSpans', scopes: 'scopeSpans', items: 'spans' },
    (r, end, resource, scope, path) => {
      const span: OtlpSpan = {
        resource,
        scope,
        traceId: '',
        spanId: '',
        parentSpanId: '',
        name: '',
        kind: 0,
        startTimeUnixNano: '0',
        endTimeUnixNano: '0',
        attributes: {},
        events: [],
        status: { code: 0, message: '' },
        path,
      };
      let traceId: Buffer | undefined;
      let spanId: Buffer | undefined;
      let parentSpanId: Buffer | undefined;
      while (r.pos < end) {
        const t = r.varint(end);
        switch (t) {
          case tag(1, LENGTH):
            traceId = r.bytes(end);
            break;
          case tag(2, LENGTH):
            spanId = r.bytes(end);
            break;
          case tag(4, LENGTH):
            parentSpanId = r.bytes(end);
            break;
          case tag(5, LENGTH):
            span.name = r.string(end);
            break;
          case tag(6, VARINT):
            span.kind = r.int32(end);
            break;
          case tag(7, FIXED64):
            span.startTimeUnixNano = r.fixed64Text(end);
            break;
          case tag(8, FIXED64):
            span.endTimeUnixNano = r.fixed64Text(end);
            break;
          case tag(9, LENGTH):
            keyValue(r, r.lengthEnd(end), 1, span.attributes);
            break;
          case tag(11, LENGTH):
            span.events.push(spanEvent(r, r.lengthEnd(end)));
            break;
          case tag(15, LENGTH):
            span.status = status(r, r.lengthEnd(end));
            break;
          default:
            other(r, t, SPAN_FIELDS, end);
        }
      }
      span.traceId = idHex(traceId, 16, 'traceId');
      span.spanId = idHex(spanId, 8, 'spanId');
      if (!span.traceId || ALL_ZEROS.test(span.traceId))
        throw new RecordError('traceId is required and must not be all zeros');
      if (!span.spanId || ALL_ZEROS.test(span.spanId))
        throw new RecordError('spanId is required and must not be all zeros');
      span.parentSpanId = idHex(parentSpanId, 8, 'parentSpanId');
      return span;
    },
  );
}

const SPAN_EVENT_FIELDS = bits(1, 2, 3);

function spanEvent(r: WireReader, end: number): OtlpSpanEvent {
  const event: OtlpSpanEvent = { timeUnixNano: '0', name: '', attributes: {} };
  while (r.pos < end) {
    const t = r.varint(end);
    if (t === tag(1, FIXED64)) event.timeUnixNano = r.fixed64Text(end);
    else if (t === tag(2, LENGTH)) event.name = r.string(end);
    else if (t === tag(3, LENGTH)) keyValue(r, r.lengthEnd(end), 1, event.attributes);
    else other(r, t, SPAN_EVENT_FIELDS, end);
  }
  return event;
}

const STATUS_FIELDS = bits(2, 3);

function status(r: WireReader, end: number): OtlpSpan['status'] {
  const result = { code: 0, message: '' };
  while (r.pos < end) {
    const t = r.varint(end);
    if (t === tag(2, LENGTH)) result.message = r.string(end);
    else if (t === tag(3, VARINT)) result.code = r.int32(end);
    else other(r, t, STATUS_FIELDS, end);
  }
  return result;
}
