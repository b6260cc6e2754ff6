import {
  AGENT_EVENT_BATCH_MAX_BYTES,
  agentEventKey,
  packAgentEventJson,
  type AgentEvent,
} from '../schemas/agent-event.ts';
import type { BusMessage } from '../bus/types.ts';
import type { IngestPrincipal } from '../schemas/ingest-tokens.ts';
import { normalizeLogRecord, normalizeSpan, type DropReason, type Normalized } from './normalize/index.ts';
import {
  decodeExportLogsRequest,
  decodeExportMetricsRequest,
  decodeExportTraceRequest,
  type BodyEncoding,
} from './otlp/decode.ts';
import type { OtlpMetricPoint } from './otlp/model.ts';
import { eventJson, maskEvents, type TextPolicy, type TextRepairs } from './hygiene.ts';

export const SIGNALS = ['traces', 'logs', 'metrics'] as const;
export type Signal = (typeof SIGNALS)[number];

/** An export request turned into bus messages: the CPU-heavy part of intake, run on a worker thread. */
export interface PreparedExport {
  /** AgentEventBatch messages, keyed by workspace/session. */
  messages: BusMessage[];
  /** Events inside `messages`. */
  accepted: number;
  /** Events stored under a session id derived from their trace or resource. */
  derived: number;
  /** Records taken but not kept, by why (an agent's diagnostics, copies of its log events): never sessions. */
  dropped: Partial<Record<DropReason, number>>;
  /** One reason per rejected record. */
  reasons: string[];
  /** For the metrics signal: the data points (token and cost counters are kept by the caller). */
  metricPoints: OtlpMetricPoint[];
  /** Strings repaired into well-formed text (invalid UTF-8 or lone surrogates) and secrets masked. */
  text: TextRepairs;
}

/** How an export is judged beyond its own content. */
export interface PrepareOptions {
  text: TextPolicy;
  /** Events older than this many days are refused (the store would drop them at insert); 0 keeps all. */
  retentionDays: number;
  nowMs: number;
}

const NANOS_PER_DAY = 86_400_000_000_000n;

/** Why an event is refused for its time, if it is: no time at all, or older than the retention. */
function timeRefusal(event: AgentEvent, options: PrepareOptions): string | undefined {
  const what = `${event.sourceEvent || event.kind} event ${event.eventId}`;
  if (event.timeUnixNano === '0') return `${what}: no time (timeUnixNano and observedTimeUnixNano are unset)`;
  if (options.retentionDays === 0) return undefined;
  const cutoff = BigInt(options.nowMs) * 1_000_000n - BigInt(options.retentionDays) * NANOS_PER_DAY;
  if (BigInt(event.timeUnixNano) >= cutoff) return undefined;
  const at = new Date(Number(BigInt(event.timeUnixNano) / 1_000_000n)).toISOString();
  return `${what}: its time ${at} is older than the ${options.retentionDays}-day retention`;
}

/** A normalizer's rejection, prefixed with where the record sat in the request. */
const located = (path: string | undefined, n: Normalized): Normalized =>
  n.ok !== false || !path ? n : { ok: false, reason: `${path}: ${n.reason}` };

/**
 * GenAI `execute_tool` spans carry no conversation id, while the chat and agent spans of the same trace
 * do: within one request, a span whose session had to be derived from its trace joins that conversation.
 */
function joinTraceSessions(results: Normalized[]): Normalized[] {
  const conversationOfTrace = new Map<string, string>();
  for (const r of results) {
    if (r.ok === true && !r.event.sessionIdDerived && r.event.traceId)
      conversationOfTrace.set(r.event.traceId, r.event.sessionId);
  }
  if (conversationOfTrace.size === 0) return results;
  for (const r of results) {
    if (r.ok !== true || !r.event.sessionIdDerived || !r.event.traceId) continue;
    const conversation = conversationOfTrace.get(r.event.traceId);
    if (conversation && r.event.sessionId === `trace:${r.event.traceId}`) r.event.sessionId = conversation;
  }
  return results;
}

const isDerivedSessionId = (id: string) => id.startsWith('trace:') || id.startsWith('resource:');

/** Decodes and normalizes one export request and packs its events per session. Throws DecodeError. */
export function prepareExport(
  signal: Signal,
  body: Uint8Array,
  encoding: BodyEncoding,
  principal: IngestPrincipal,
  options: PrepareOptions,
): PreparedExport {
  const ctx = { workspace: principal.workspace, tokenUser: principal.user };
  let results: Normalized[] = [];
  let reasons: string[];
  let metricPoints: OtlpMetricPoint[] = [];
  const text: TextRepairs = { repaired: 0, masked: 0 };
  if (signal === 'metrics') {
    const b = decodeExportMetricsRequest(body, encoding);
    metricPoints = b.records;
    reasons = b.rejections.map((r) => r.reason);
    text.repaired = b.invalidUtf8;
  } else if (signal === 'logs') {
    const b = decodeExportLogsRequest(body, encoding);
    results = b.records.flatMap((r) => normalizeLogRecord(r, ctx).map((n) => located(r.path, n)));
    reasons = b.rejections.map((r) => r.reason);
    text.repaired = b.invalidUtf8;
  } else {
    const b = decodeExportTraceRequest(body, encoding);
    results = joinTraceSessions(
      b.records.flatMap((s) => normalizeSpan(s, ctx).map((n) => located(s.path, n))),
    );
    reasons = b.rejections.map((r) => r.reason);
    text.repaired = b.invalidUtf8;
  }

  const bySession = new Map<string, { events: AgentEvent[]; json: string[] }>();
  const kept: AgentEvent[] = [];
  const dropped: Partial<Record<DropReason, number>> = {};
  for (const r of results) {
    if (r.ok === 'dropped') {
      dropped[r.reason] = (dropped[r.reason] ?? 0) + 1;
      continue;
    }
    if (!r.ok) {
      reasons.push(r.reason);
      continue;
    }
    const refused = timeRefusal(r.event, options);
    if (refused) reasons.push(refused);
    else kept.push(r.event);
  }
  maskEvents(kept, options.text, text);
  for (const event of kept) {
    const json = eventJson(event, text); // repairs the event's text first, its session id included
    const key = agentEventKey(event);
    const group = bySession.get(key);
    if (group) {
      group.events.push(event);
      group.json.push(json);
    } else bySession.set(key, { events: [event], json: [json] });
  }
  const prepared: PreparedExport = {
    messages: [],
    accepted: 0,
    derived: 0,
    dropped,
    reasons,
    metricPoints,
    text,
  };
  for (const [key, group] of bySession) {
    const { batches, oversized } = packAgentEventJson(group.json, AGENT_EVENT_BATCH_MAX_BYTES);
    for (const value of batches) prepared.messages.push({ key, value });
    const tooBig = new Set(oversized);
    group.events.forEach((e, i) => {
      if (tooBig.has(i)) {
        reasons.push(`${e.sourceEvent} event ${e.eventId}: larger than ${AGENT_EVENT_BATCH_MAX_BYTES} bytes`);
        return;
      }
      prepared.accepted++;
      if (isDerivedSessionId(e.sessionId)) prepared.derived++;
    });
  }
  return prepared;
}
