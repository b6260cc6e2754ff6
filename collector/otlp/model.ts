/**
 * OTLP records after decoding, the same whether they arrived as protobuf or JSON.
 * Attribute values are decoded leniently: int64 becomes a number when it is safe, else a decimal string;
 * bytes become base64; arrays and kvlists keep their shape.
 */
export type AttributeValue =
  string | number | boolean | null | AttributeValue[] | { [key: string]: AttributeValue };
export type Attributes = Record<string, AttributeValue>;

/**
 * Sets `key` as an own property of `into`. A plain assignment to `__proto__`, a key any sender may use,
 * would replace the object's prototype instead: its keys would then answer lookups without being there.
 */
export function setOwn<T>(into: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__')
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  else into[key] = value;
}

export interface Resource {
  attributes: Attributes;
}

export interface Scope {
  name: string;
  version: string;
}

/** Where a record sat in its request (`resourceLogs[0].scopeLogs[1].logRecords[3]`), for error messages. */
interface Located {
  path?: string;
}

export interface OtlpLogRecord extends Located {
  resource: Resource;
  scope: Scope;
  /** Nanoseconds since the epoch as a decimal string; "0" when unset. */
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AttributeValue;
  attributes: Attributes;
  /** Lower-case hex, or "" when unset. */
  traceId: string;
  spanId: string;
  /** `LogRecord.event_name` (field 12); none of the agents uses it for their semantic name. */
  eventName: string;
}

export interface OtlpSpanEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
}

export interface OtlpSpan extends Located {
  resource: Resource;
  scope: Scope;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  events: OtlpSpanEvent[];
  /** 0 UNSET, 1 OK, 2 ERROR. */
  status: { code: number; message: string };
}

/** A metric data point reduced to what Warden keeps: token and cost counters. */
export interface OtlpMetricPoint {
  resource: Resource;
  metricName: string;
  unit: string;
  attributes: Attributes;
  timeUnixNano: string;
  /** Sum/gauge value, or a histogram's sum. */
  value: number;
  /** OTLP aggregation temporality: cumulative points repeat the running total, delta points add to it. */
  temporality: 'delta' | 'cumulative' | 'gauge';
}

/** A record that could not be decoded or normalized, kept out of the batch with the reason. */
export interface Rejection {
  reason: string;
}
