import { z } from 'zod';
import { AgentEvent, IdentitySource, LINK_RELATIONS } from '../schemas/agent-event.ts';
import {
  ANALYST_VERDICTS,
  DISPOSITION_STATUSES,
  SESSION_STATUSES,
  Severity,
  Verdict,
  type AuditEntry,
  type Disposition,
  type Finding,
  type PipelineHealth,
  type SessionState,
} from '../schemas/findings.ts';
import {
  Alert,
  AlertAction,
  AlertSink,
  DeliveryOutcome,
  type AlertDelivery,
} from '../schemas/alert-delivery.ts';
import { DEAD_LETTER_STAGES, DEAD_LETTER_STATUSES, type DeadLetter } from '../schemas/dead-letter.ts';

/**
 * ClickHouse rows of the tables in `schemas/migrations/`, and the one converter per table between a row
 * (snake_case, as ClickHouse sees it) and the TypeScript shape (camelCase).
 *
 * Times: DateTime64 values are written as UTC `"YYYY-MM-DD hh:mm:ss.fffffffff"` strings, which ClickHouse
 * parses exactly, and read back through SQL (`toUnixTimestamp64Nano/Milli`), so no value ever passes through a
 * lossy JS number or a time-zone-dependent text form. The read column lists below produce those forms.
 */

// ---------------------------------------------------------------------------------------------------------
// Time encodings

const NANOS = /^\d+$/;

/**
 * Seconds since the epoch → `YYYY-MM-DD hh:mm:ss` in UTC. A bare number would be ambiguous: ClickHouse's
 * text parser reads a short one (`1.000`) as a date, not as seconds.
 */
function utcSeconds(seconds: bigint): string {
  return new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Latest time stored in the typed column: 2200-01-01. DateTime64(9) ends in 2262 and a later value fails the
 * whole insert; staying decades below also keeps `event_time + TTL` from overflowing into the past.
 */
const MAX_NANOS = 7_258_118_400_000_000_000n;

/**
 * `"1767262807123456789"` → `"2026-01-01 10:20:07.123456789"`: the exact DateTime64(9, 'UTC') input.
 * A time past 2262 (a broken agent clock) is clamped rather than poisoning its batch; the event's JSON
 * keeps the original.
 */
export function nanosToDateTime64(unixNano: string): string {
  if (!NANOS.test(unixNano)) throw new RangeError(`not a nanosecond timestamp: ${unixNano}`);
  const parsed = BigInt(unixNano);
  const ns = parsed > MAX_NANOS ? MAX_NANOS : parsed;
  return `${utcSeconds(ns / 1_000_000_000n)}.${String(ns % 1_000_000_000n).padStart(9, '0')}`;
}

/** Milliseconds → `"YYYY-MM-DD hh:mm:ss.mmm"`, the exact DateTime64(3, 'UTC') input. */
export function millisToDateTime64(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`not a millisecond timestamp: ${ms}`);
  return `${utcSeconds(BigInt(Math.floor(ms / 1000)))}.${String(ms % 1000).padStart(3, '0')}`;
}

const DateTime64Text = z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+$/);
const UnixNanoText = z.string().regex(NANOS);
/** Int64 read back: a string when 64-bit integers are quoted in JSON (server default), else a number. */
const Int64Millis = z.coerce.number().int();
const Text = z.string();
const TextArray = z.array(z.string());

// ---------------------------------------------------------------------------------------------------------
// agent_events_v1

/** Insert row of `agent_events_v1`. Typed columns are for analysts; `event_json` is the source of truth. */
export const EventInsertRow = z.object({
  workspace: Text,
  session_id: Text,
  event_time: DateTime64Text,
  event_id: Text,
  sequence: z.number().int().nullable(),
  session_id_derived: z.boolean(),
  schema_version: z.number().int(),
  kind: Text,
  source: Text,
  source_event: Text,
  actor_user_id: Text,
  actor_email: Text,
  actor_host: Text,
  agent_name: Text,
  agent_version: Text,
  model: Text,
  prompt_id: Text,
  trace_id: Text,
  span_id: Text,
  parent_span_id: Text,
  prompt_text: Text,
  prompt_redacted: z.boolean(),
  tool_name: Text,
  tool_call_id: Text,
  tool_mcp_server: Text,
  tool_command: Text,
  tool_arguments: Text,
  result_success: z.boolean().nullable(),
  result_output: Text,
  result_error: Text,
  result_duration_ms: z.number().nullable(),
  decision: Text,
  decision_raw: Text,
  decision_source: Text,
  policy_approval: Text,
  policy_sandbox: Text,
  attributes: z.record(z.string(), z.string()),
  event_json: Text,
});
export type EventInsertRow = z.infer<typeof EventInsertRow>;

/**
 * Read row of `agent_events_v1` for rebuilding events: the stored JSON, and the columns that hold its long
 * texts (rows written before these were moved out keep them in the JSON, and read the same).
 */
export const EventReadRow = z.object({
  event_json: Text,
  prompt_text: Text.optional(),
  tool_command: Text.optional(),
  tool_arguments: Text.optional(),
  result_output: Text.optional(),
  result_error: Text.optional(),
  attributes: z.record(z.string(), z.string()).optional(),
});
export type EventReadRow = z.infer<typeof EventReadRow>;

/** What a query selects to rebuild events with {@link rowToEvent}. */
export const EVENT_READ_COLUMNS =
  'event_json, prompt_text, tool_command, tool_arguments, result_output, result_error, attributes';

/** Stands in `event_json` for a value kept once, in its own column. */
const IN_COLUMN = '@column';

/**
 * AgentEvent → insert row. Not validated here: events were parsed at the bus boundary, and this runs
 * once per event on the hot path.
 */
export function eventToRow(event: AgentEvent): EventInsertRow {
  const { actor, agent, prompt, tool, result, decision, policy } = event;
  return {
    workspace: event.workspace,
    session_id: event.sessionId,
    event_time: nanosToDateTime64(event.timeUnixNano),
    event_id: event.eventId,
    sequence: event.sequence ?? null,
    session_id_derived: event.sessionIdDerived,
    schema_version: event.schemaVersion,
    kind: event.kind,
    source: event.source,
    source_event: event.sourceEvent,
    actor_user_id: actor.userId ?? '',
    actor_email: actor.email ?? '',
    actor_host: actor.host ?? '',
    agent_name: agent.name,
    agent_version: agent.version ?? '',
    model: event.model ?? '',
    prompt_id: event.promptId ?? '',
    trace_id: event.traceId ?? '',
    span_id: event.spanId ?? '',
    parent_span_id: event.parentSpanId ?? '',
    prompt_text: prompt?.text ?? '',
    prompt_redacted: prompt?.redacted ?? false,
    tool_name: tool?.name ?? '',
    tool_call_id: tool?.callId ?? '',
    tool_mcp_server: tool?.mcpServer ?? '',
    tool_command: tool?.command ?? '',
    tool_arguments: tool?.arguments ?? '',
    result_success: result?.success ?? null,
    result_output: result?.output ?? '',
    result_error: result?.error ?? '',
    result_duration_ms: result?.durationMs ?? null,
    decision: decision?.decision ?? '',
    decision_raw: decision?.raw ?? '',
    decision_source: decision?.source ?? '',
    policy_approval: policy?.approval ?? '',
    policy_sandbox: policy?.sandbox ?? '',
    attributes: event.attributes,
    // The long texts are written once, in their columns: `event_json` refers to them.
    event_json: JSON.stringify({
      ...event,
      prompt: prompt && { ...prompt, text: prompt.text === null ? null : IN_COLUMN },
      tool: tool && {
        ...tool,
        ...(tool.command !== undefined && { command: IN_COLUMN }),
        ...(tool.arguments !== undefined && { arguments: IN_COLUMN }),
      },
      result: result && {
        ...result,
        ...(result.output !== undefined && { output: IN_COLUMN }),
        ...(result.error !== undefined && { error: IN_COLUMN }),
      },
      attributes: IN_COLUMN,
    }),
  };
}

/** Read row (unvalidated JSON from ClickHouse) → AgentEvent, validated: stored JSON is input like any other. */
export function rowToEvent(raw: unknown): AgentEvent {
  const row = EventReadRow.parse(raw);
  const event = JSON.parse(row.event_json) as Record<string, Record<string, unknown> | undefined>;
  const restore = (part: string, field: string, column: string | undefined) => {
    const holder = event[part];
    if (holder?.[field] === IN_COLUMN) holder[field] = column;
  };
  restore('prompt', 'text', row.prompt_text);
  restore('tool', 'command', row.tool_command);
  restore('tool', 'arguments', row.tool_arguments);
  restore('result', 'output', row.result_output);
  restore('result', 'error', row.result_error);
  if ((event.attributes as unknown) === IN_COLUMN) event.attributes = row.attributes;
  return AgentEvent.parse(event);
}

// ---------------------------------------------------------------------------------------------------------
// sessions_v1

const SessionColumns = {
  workspace: Text,
  session_id: Text,
  source: Text,
  agent: Text,
  user_email: Text,
  user_id: Text,
  identity_source: z.union([IdentitySource, z.literal('')]),
  linked_session_id: Text,
  link_relation: z.union([z.enum(LINK_RELATIONS), z.literal('')]),
  event_count: z.number().int().min(0).max(0xffff_ffff),
  status: z.enum(SESSION_STATUSES),
  verdict: Verdict,
  score: z.number().int().min(0).max(100),
  severity: Severity,
  confidence: z.number().min(0).max(1),
  rationale: Text,
  techniques: TextArray,
  finding_version: z.number().int().min(0).max(0xffff_ffff),
};

/** Insert row of `sessions_v1`. */
export const SessionInsertRow = z.object({
  ...SessionColumns,
  first_event_time: DateTime64Text,
  last_event_time: DateTime64Text,
  last_activity_at: DateTime64Text,
  updated_at: DateTime64Text,
});
export type SessionInsertRow = z.infer<typeof SessionInsertRow>;

/** Read row of `sessions_v1`, as produced by {@link SESSION_READ_COLUMNS}. */
export const SessionReadRow = z.object({
  ...SessionColumns,
  first_event_time_ns: UnixNanoText,
  last_event_time_ns: UnixNanoText,
  last_activity_at_ms: Int64Millis,
  updated_at_ms: Int64Millis,
});
export type SessionReadRow = z.infer<typeof SessionReadRow>;

/** SELECT list producing a {@link SessionReadRow}. */
export const SESSION_READ_COLUMNS = `workspace, session_id, source, agent, user_email, user_id, identity_source, linked_session_id, link_relation, event_count, status,
  verdict, score, severity, confidence, rationale, techniques, finding_version,
  toString(toUnixTimestamp64Nano(first_event_time)) AS first_event_time_ns,
  toString(toUnixTimestamp64Nano(last_event_time)) AS last_event_time_ns,
  toUnixTimestamp64Milli(last_activity_at) AS last_activity_at_ms,
  toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;

/** SessionState → insert row, validated (a score of 300 would otherwise wrap around in UInt8). */
export function sessionToRow(s: SessionState): SessionInsertRow {
  return SessionInsertRow.parse({
    workspace: s.workspace,
    session_id: s.sessionId,
    source: s.source,
    agent: s.agent,
    user_email: s.userEmail ?? '',
    user_id: s.userId ?? '',
    identity_source: s.identitySource ?? '',
    linked_session_id: s.link?.sessionId ?? '',
    link_relation: s.link?.relation ?? '',
    first_event_time: nanosToDateTime64(s.firstEventTimeUnixNano),
    last_event_time: nanosToDateTime64(s.lastEventTimeUnixNano),
    event_count: s.eventCount,
    status: s.status,
    verdict: s.verdict,
    score: s.score,
    severity: s.severity,
    confidence: s.confidence,
    rationale: s.rationale,
    techniques: s.techniques,
    finding_version: s.findingVersion,
    last_activity_at: millisToDateTime64(s.lastActivityAtMs),
    updated_at: millisToDateTime64(s.updatedAtMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → SessionState. */
export function rowToSession(raw: unknown): SessionState {
  const r = SessionReadRow.parse(raw);
  return {
    workspace: r.workspace,
    sessionId: r.session_id,
    source: r.source,
    agent: r.agent,
    ...(r.user_email ? { userEmail: r.user_email } : {}),
    ...(r.user_id ? { userId: r.user_id } : {}),
    ...(r.identity_source ? { identitySource: r.identity_source } : {}),
    ...(r.linked_session_id && r.link_relation
      ? { link: { sessionId: r.linked_session_id, relation: r.link_relation } }
      : {}),
    firstEventTimeUnixNano: r.first_event_time_ns,
    lastEventTimeUnixNano: r.last_event_time_ns,
    eventCount: r.event_count,
    status: r.status,
    verdict: r.verdict,
    score: r.score,
    severity: r.severity,
    confidence: r.confidence,
    rationale: r.rationale,
    techniques: r.techniques,
    findingVersion: r.finding_version,
    lastActivityAtMs: r.last_activity_at_ms,
    updatedAtMs: r.updated_at_ms,
  };
}

// ---------------------------------------------------------------------------------------------------------
// findings_v1

const FindingColumns = {
  finding_id: z.string().min(1),
  workspace: Text,
  session_id: Text,
  version: z.number().int().min(0).max(0xffff_ffff),
  verdict: Verdict,
  score: z.number().int().min(0).max(100),
  confidence: z.number().min(0).max(1),
  severity: Severity,
  title: Text,
  rationale: Text,
  evidence_event_ids: TextArray,
  detectors: TextArray,
  techniques: TextArray,
  engine_version: Text,
  judge: Text,
};

/** Insert row of `findings_v1`. */
export const FindingInsertRow = z.object({ ...FindingColumns, created_at: DateTime64Text });
export type FindingInsertRow = z.infer<typeof FindingInsertRow>;

/** Read row of `findings_v1`, as produced by {@link FINDING_READ_COLUMNS}. */
export const FindingReadRow = z.object({ ...FindingColumns, created_at_ms: Int64Millis });
export type FindingReadRow = z.infer<typeof FindingReadRow>;

/** SELECT list producing a {@link FindingReadRow}. */
export const FINDING_READ_COLUMNS = `finding_id, workspace, session_id, version, verdict, score, confidence, severity,
  title, rationale, evidence_event_ids, detectors, techniques, engine_version, judge,
  toUnixTimestamp64Milli(created_at) AS created_at_ms`;

/** Finding → insert row, validated. */
export function findingToRow(f: Finding): FindingInsertRow {
  return FindingInsertRow.parse({
    finding_id: f.findingId,
    workspace: f.workspace,
    session_id: f.sessionId,
    version: f.version,
    verdict: f.verdict,
    score: f.score,
    confidence: f.confidence,
    severity: f.severity,
    title: f.title,
    rationale: f.rationale,
    evidence_event_ids: f.evidenceEventIds,
    detectors: f.detectors,
    techniques: f.techniques,
    engine_version: f.engineVersion,
    judge: f.judge,
    created_at: millisToDateTime64(f.createdAtMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → Finding. */
export function rowToFinding(raw: unknown): Finding {
  const r = FindingReadRow.parse(raw);
  return {
    findingId: r.finding_id,
    workspace: r.workspace,
    sessionId: r.session_id,
    version: r.version,
    verdict: r.verdict,
    score: r.score,
    confidence: r.confidence,
    severity: r.severity,
    title: r.title,
    rationale: r.rationale,
    evidenceEventIds: r.evidence_event_ids,
    detectors: r.detectors,
    techniques: r.techniques,
    engineVersion: r.engine_version,
    judge: r.judge,
    createdAtMs: r.created_at_ms,
  };
}

// ---------------------------------------------------------------------------------------------------------
// dispositions_v1

const DispositionColumns = {
  disposition_id: z.string().min(1),
  finding_id: z.string().min(1),
  workspace: Text,
  session_id: Text,
  status: z.enum(DISPOSITION_STATUSES),
  analyst_verdict: z.enum(ANALYST_VERDICTS),
  assignee: Text,
  reason: Text,
  note: Text,
  actor: Text,
};

/** Insert row of `dispositions_v1`. */
export const DispositionInsertRow = z.object({ ...DispositionColumns, created_at: DateTime64Text });
export type DispositionInsertRow = z.infer<typeof DispositionInsertRow>;

/** Read row of `dispositions_v1`, as produced by {@link DISPOSITION_READ_COLUMNS}. */
export const DispositionReadRow = z.object({ ...DispositionColumns, created_at_ms: Int64Millis });
export type DispositionReadRow = z.infer<typeof DispositionReadRow>;

/** SELECT list producing a {@link DispositionReadRow}. */
export const DISPOSITION_READ_COLUMNS = `disposition_id, finding_id, workspace, session_id, status, analyst_verdict,
  assignee, reason, note, actor, toUnixTimestamp64Milli(created_at) AS created_at_ms`;

/** Disposition → insert row, validated. */
export function dispositionToRow(d: Disposition): DispositionInsertRow {
  return DispositionInsertRow.parse({
    disposition_id: d.dispositionId,
    finding_id: d.findingId,
    workspace: d.workspace,
    session_id: d.sessionId,
    status: d.status,
    analyst_verdict: d.analystVerdict,
    assignee: d.assignee,
    reason: d.reason,
    note: d.note,
    actor: d.actor,
    created_at: millisToDateTime64(d.createdAtMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → Disposition. */
export function rowToDisposition(raw: unknown): Disposition {
  const r = DispositionReadRow.parse(raw);
  return {
    dispositionId: r.disposition_id,
    findingId: r.finding_id,
    workspace: r.workspace,
    sessionId: r.session_id,
    status: r.status,
    analystVerdict: r.analyst_verdict,
    assignee: r.assignee,
    reason: r.reason,
    note: r.note,
    actor: r.actor,
    createdAtMs: r.created_at_ms,
  };
}

// ---------------------------------------------------------------------------------------------------------
// audit_log_v1

const AuditColumns = {
  audit_id: z.string().min(1),
  workspace: Text,
  actor: Text,
  role: Text,
  action: Text,
  target_type: Text,
  target_id: Text,
  before_json: Text,
  after_json: Text,
  request_id: Text,
};

/** Insert row of `audit_log_v1`. */
export const AuditInsertRow = z.object({ ...AuditColumns, at: DateTime64Text });
export type AuditInsertRow = z.infer<typeof AuditInsertRow>;

/** Read row of `audit_log_v1`, as produced by {@link AUDIT_READ_COLUMNS}. */
export const AuditReadRow = z.object({ ...AuditColumns, at_ms: Int64Millis });

/** SELECT list producing an {@link AuditReadRow}. */
export const AUDIT_READ_COLUMNS = `audit_id, workspace, actor, role, action, target_type, target_id, before_json,
  after_json, request_id, toUnixTimestamp64Milli(at) AS at_ms`;

/** AuditEntry → insert row, validated. */
export function auditToRow(a: AuditEntry): AuditInsertRow {
  return AuditInsertRow.parse({
    audit_id: a.auditId,
    workspace: a.workspace,
    actor: a.actor,
    role: a.role,
    action: a.action,
    target_type: a.targetType,
    target_id: a.targetId,
    before_json: a.before === undefined ? '' : JSON.stringify(a.before),
    after_json: a.after === undefined ? '' : JSON.stringify(a.after),
    request_id: a.requestId,
    at: millisToDateTime64(a.atMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → AuditEntry. */
export function rowToAudit(raw: unknown): AuditEntry {
  const r = AuditReadRow.parse(raw);
  return {
    auditId: r.audit_id,
    workspace: r.workspace,
    atMs: r.at_ms,
    actor: r.actor,
    role: r.role,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    ...(r.before_json ? { before: JSON.parse(r.before_json) as unknown } : {}),
    ...(r.after_json ? { after: JSON.parse(r.after_json) as unknown } : {}),
    requestId: r.request_id,
  };
}

// ---------------------------------------------------------------------------------------------------------
// pipeline_health_v1

const Count = z.number().int().min(0);

/** Insert row of `pipeline_health_v1`. */
export const PipelineHealthInsertRow = z.object({
  at: DateTime64Text,
  instance: Text,
  consumer_group: Text,
  bus_kind: Text,
  bus_lag: Count,
  interval_ms: Count,
  events: Count,
  batches: Count,
  verdicts: Count,
  batch_ms_avg: z.number().min(0),
  batch_ms_max: z.number().min(0),
  event_age_ms_p50: z.number(),
  sessions_cached: Count,
});
export type PipelineHealthInsertRow = z.infer<typeof PipelineHealthInsertRow>;

/** PipelineHealth → insert row, validated. */
export function healthToRow(h: PipelineHealth): PipelineHealthInsertRow {
  return PipelineHealthInsertRow.parse({
    at: millisToDateTime64(h.atMs),
    instance: h.instance,
    consumer_group: h.consumerGroup,
    bus_kind: h.busKind,
    bus_lag: h.busLag,
    interval_ms: h.intervalMs,
    events: h.events,
    batches: h.batches,
    verdicts: h.verdicts,
    batch_ms_avg: h.batchMsAvg,
    batch_ms_max: h.batchMsMax,
    event_age_ms_p50: h.eventAgeMsP50,
    sessions_cached: h.sessionsCached,
  });
}

// ---------------------------------------------------------------------------------------------------------
// alert_deliveries_v1

const DeliveryColumns = {
  workspace: z.string(),
  session_id: z.string(),
  finding_id: z.string().min(1),
  alert_id: z.string().min(1),
  sink: AlertSink,
  action: AlertAction,
  severity: Severity,
  attempt: z.number().int().min(0).max(0xffff),
  outcome: DeliveryOutcome,
  http_status: z.number().int().min(0).max(0xffff),
  error: z.string(),
  target_host: z.string(),
};

/** Insert row of `alert_deliveries_v1`. */
export const AlertDeliveryInsertRow = z.object({
  ...DeliveryColumns,
  next_attempt_at: DateTime64Text,
  created_at: DateTime64Text,
  alert_json: z.string(),
});
export type AlertDeliveryInsertRow = z.infer<typeof AlertDeliveryInsertRow>;

/** Read row of `alert_deliveries_v1`, as produced by {@link ALERT_DELIVERY_READ_COLUMNS}. */
export const AlertDeliveryReadRow = z.object({
  ...DeliveryColumns,
  next_attempt_at_ms: Int64Millis,
  created_at_ms: Int64Millis,
});
export type AlertDeliveryReadRow = z.infer<typeof AlertDeliveryReadRow>;

/** SELECT list producing an {@link AlertDeliveryReadRow} (the alert snapshot is not part of it). */
export const ALERT_DELIVERY_READ_COLUMNS = `workspace, session_id, finding_id, alert_id, sink, action, severity,
  attempt, outcome, http_status, error, target_host,
  toUnixTimestamp64Milli(next_attempt_at) AS next_attempt_at_ms,
  toUnixTimestamp64Milli(created_at) AS created_at_ms`;

/** Longest `error` kept: a receiver's answer can be large, and the log is for people. */
const MAX_ERROR = 500;

/** AlertDelivery → insert row, validated; `alert` (the snapshot) goes on pending rows only. */
export function alertDeliveryToRow(d: AlertDelivery, alert?: Alert): AlertDeliveryInsertRow {
  return AlertDeliveryInsertRow.parse({
    workspace: d.workspace,
    session_id: d.sessionId,
    finding_id: d.findingId,
    alert_id: d.alertId,
    sink: d.sink,
    action: d.action,
    severity: d.severity,
    attempt: d.attempt,
    outcome: d.outcome,
    http_status: d.httpStatus,
    error: d.error.length > MAX_ERROR ? `${d.error.slice(0, MAX_ERROR)}…` : d.error,
    target_host: d.targetHost,
    next_attempt_at: millisToDateTime64(d.nextAttemptAtMs ?? 0),
    created_at: millisToDateTime64(d.createdAtMs),
    alert_json: alert ? JSON.stringify(Alert.parse(alert)) : '',
  });
}

/** Read row (unvalidated JSON from ClickHouse) → AlertDelivery. */
export function rowToAlertDelivery(raw: unknown): AlertDelivery {
  const r = AlertDeliveryReadRow.parse(raw);
  return {
    workspace: r.workspace,
    sessionId: r.session_id,
    findingId: r.finding_id,
    alertId: r.alert_id,
    sink: r.sink,
    action: r.action,
    severity: r.severity,
    attempt: r.attempt,
    outcome: r.outcome,
    httpStatus: r.http_status,
    error: r.error,
    targetHost: r.target_host,
    ...(r.next_attempt_at_ms > 0 ? { nextAttemptAtMs: r.next_attempt_at_ms } : {}),
    createdAtMs: r.created_at_ms,
  };
}

// ---------------------------------------------------------------------------------------------------------
// dead_letters_v1

const DeadLetterColumns = {
  dead_letter_id: z.string().min(1),
  workspace: z.string(),
  session_id: z.string(),
  event_id: z.string(),
  stage: z.enum(DEAD_LETTER_STAGES),
  error: z.string(),
  bus_kind: z.string(),
  bus_partition: z.number().int(),
  bus_offset: z.string(),
  bus_key: z.string(),
  payload: z.string(),
  payload_encoding: z.enum(['json', 'base64']),
  attempts: z.number().int().min(1).max(0xffff_ffff),
  status: z.enum(DEAD_LETTER_STATUSES),
};

export const DeadLetterInsertRow = z.object({
  ...DeadLetterColumns,
  first_seen_at: DateTime64Text,
  last_seen_at: DateTime64Text,
  updated_at: DateTime64Text,
});
export type DeadLetterInsertRow = z.infer<typeof DeadLetterInsertRow>;

const DeadLetterReadRow = z.object({
  ...DeadLetterColumns,
  first_seen_at_ms: Int64Millis,
  last_seen_at_ms: Int64Millis,
  updated_at_ms: Int64Millis,
});

/** SELECT list producing a dead letter's read row. */
export const DEAD_LETTER_READ_COLUMNS = `dead_letter_id, workspace, session_id, event_id, toString(stage) AS stage,
  error, bus_kind, bus_partition, bus_offset, bus_key, payload, toString(payload_encoding) AS payload_encoding,
  attempts, toString(status) AS status, toUnixTimestamp64Milli(first_seen_at) AS first_seen_at_ms,
  toUnixTimestamp64Milli(last_seen_at) AS last_seen_at_ms, toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;

/** DeadLetter → insert row, validated; text is made well-formed, so the row itself can always be stored. */
export function deadLetterToRow(d: DeadLetter): DeadLetterInsertRow {
  return DeadLetterInsertRow.parse({
    dead_letter_id: d.deadLetterId,
    workspace: d.workspace.toWellFormed(),
    session_id: d.sessionId.toWellFormed(),
    event_id: d.eventId,
    stage: d.stage,
    error: d.error.toWellFormed(),
    bus_kind: d.bus.kind,
    bus_partition: d.bus.partition,
    bus_offset: d.bus.offset,
    bus_key: d.bus.key.toWellFormed(),
    payload: d.payload.toWellFormed(),
    payload_encoding: d.payloadEncoding,
    attempts: d.attempts,
    status: d.status,
    first_seen_at: millisToDateTime64(d.firstSeenAtMs),
    last_seen_at: millisToDateTime64(d.lastSeenAtMs),
    updated_at: millisToDateTime64(d.updatedAtMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → DeadLetter. */
export function rowToDeadLetter(raw: unknown): DeadLetter {
  const r = DeadLetterReadRow.parse(raw);
  return {
    deadLetterId: r.dead_letter_id,
    workspace: r.workspace,
    sessionId: r.session_id,
    eventId: r.event_id,
    stage: r.stage,
    error: r.error,
    bus: { kind: r.bus_kind, partition: r.bus_partition, offset: r.bus_offset, key: r.bus_key },
    payload: r.payload,
    payloadEncoding: r.payload_encoding,
    firstSeenAtMs: r.first_seen_at_ms,
    lastSeenAtMs: r.last_seen_at_ms,
    attempts: r.attempts,
    status: r.status,
    updatedAtMs: r.updated_at_ms,
  };
}
