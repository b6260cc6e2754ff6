import { z } from '@hono/zod-openapi';
import { blocksCall, IdentitySource, LINK_RELATIONS, type AgentEvent } from '../schemas/agent-event.ts';
import { ALERT_ACTIONS, ALERT_SINKS, DELIVERY_OUTCOMES } from '../schemas/alert-delivery.ts';
import type { AlertDelivery } from '../schemas/alert-delivery.ts';
import {
  ANALYST_VERDICTS,
  DISPOSITION_STATUSES,
  SESSION_STATUSES,
  Severity,
  Verdict,
} from '../schemas/findings.ts';
import type { AuditEntry, CaseState, Disposition, Finding, SessionState } from '../schemas/findings.ts';
import type { SessionListRow, TelemetryShape } from '../store/index.ts';
import { DEAD_LETTER_STAGES, DEAD_LETTER_STATUSES, type DeadLetter } from '../schemas/dead-letter.ts';

/**
 * What the API returns, as zod schemas (the OpenAPI document is generated from them) and the one converter
 * per shape from the store's types. Field names are snake_case; times are RFC 3339 UTC.
 */

const Time = z.string().openapi({ format: 'date-time', example: '2026-01-01T10:20:07.123Z' });
const iso = (ms: number) => new Date(ms).toISOString();
const nanosToIso = (nanos: string) => iso(Number(BigInt(nanos) / 1_000_000n));
/** Long texts are cut for the JSON views; the export and the store keep them whole. */
const clip = (s: string | undefined | null, n = 4_000) =>
  s === undefined || s === null ? null : s.length > n ? `${s.slice(0, n)}…` : s;

export const CaseView = z
  .object({
    status: z.enum(DISPOSITION_STATUSES),
    analyst_verdict: z.enum(ANALYST_VERDICTS),
    assignee: z.string().nullable(),
    updated_at: Time.nullable(),
  })
  .openapi('Case', {
    description: "The analyst's case: lifecycle status, kept apart from the analyst's verdict",
  });
export type CaseView = z.infer<typeof CaseView>;

export const caseView = (c: CaseState): CaseView => ({
  status: c.status,
  analyst_verdict: c.analystVerdict,
  assignee: c.assignee || null,
  updated_at: c.updatedAtMs === undefined ? null : iso(c.updatedAtMs),
});

export const FindingView = z
  .object({
    finding_id: z.string(),
    session_id: z.string(),
    version: z.number().int(),
    verdict: Verdict,
    score: z.number().int().openapi({ description: '0–100' }),
    confidence: z.number(),
    severity: Severity,
    title: z.string(),
    rationale: z.string(),
    techniques: z.array(z.string()).openapi({ description: 'MITRE ATT&CK / ATLAS ids' }),
    detectors: z.array(z.string()),
    evidence_event_ids: z.array(z.string()),
    engine_version: z.string(),
    judge: z.string().nullable().openapi({ description: 'model that judged the session, if any' }),
    created_at: Time,
    case: CaseView,
  })
  .openapi('Finding');
export type FindingView = z.infer<typeof FindingView>;

export const findingView = (f: Finding, c: CaseState): FindingView => ({
  finding_id: f.findingId,
  session_id: f.sessionId,
  version: f.version,
  verdict: f.verdict,
  score: f.score,
  confidence: f.confidence,
  severity: f.severity,
  title: f.title,
  rationale: f.rationale,
  techniques: f.techniques,
  detectors: f.detectors,
  evidence_event_ids: f.evidenceEventIds,
  engine_version: f.engineVersion,
  judge: f.judge || null,
  created_at: iso(f.createdAtMs),
  case: caseView(c),
});

export const DispositionView = z
  .object({
    disposition_id: z.string(),
    finding_id: z.string(),
    session_id: z.string(),
    status: z.enum(DISPOSITION_STATUSES),
    analyst_verdict: z.enum(ANALYST_VERDICTS),
    assignee: z.string().nullable(),
    reason: z.string().nullable(),
    note: z.string().nullable(),
    actor: z.string(),
    created_at: Time,
  })
  .openapi('Disposition');
export type DispositionView = z.infer<typeof DispositionView>;

export const dispositionView = (d: Disposition): DispositionView => ({
  disposition_id: d.dispositionId,
  finding_id: d.findingId,
  session_id: d.sessionId,
  status: d.status,
  analyst_verdict: d.analystVerdict,
  assignee: d.assignee || null,
  reason: d.reason || null,
  note: d.note || null,
  actor: d.actor,
  created_at: iso(d.createdAtMs),
});

export const TimelineEvent = z
  .object({
    event_id: z.string(),
    time: Time,
    sequence: z.number().int().nullable(),
    kind: z.string(),
    source_event: z.string(),
    tool: z.string().nullable(),
    call_id: z.string().nullable().openapi({
      description: "the agent's id of the tool call: joins a call's decision, result and output",
    }),
    command: z.string().nullable(),
    arguments: z.string().nullable(),
    output: z.string().nullable(),
    error: z.string().nullable(),
    success: z.boolean().nullable(),
    exit_code: z
      .number()
      .int()
      .nullable()
      .openapi({ description: "the process's exit code, where the agent reports one" }),
    decision: z.string().nullable(),
    decided_by: z.string().nullable().openapi({
      description: 'who decided: user, config, hook, policy, automated_reviewer, codex (its exec policy), …',
    }),
    blocked: z
      .boolean()
      .openapi({ description: 'denied before it ran: an attempt, never an action that happened' }),
    prompt: z.string().nullable(),
    prompt_redacted: z.boolean(),
    is_evidence: z.boolean().openapi({ description: "one of the events the session's verdict rests on" }),
  })
  .openapi('TimelineEvent');
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const timelineEvent = (e: AgentEvent, evidence: ReadonlySet<string>): TimelineEvent => ({
  event_id: e.eventId,
  time: nanosToIso(e.timeUnixNano),
  sequence: e.sequence ?? null,
  kind: e.kind,
  source_event: e.sourceEvent,
  tool: e.tool?.name ?? null,
  call_id: e.tool?.callId ?? null,
  command: clip(e.tool?.command),
  arguments: clip(e.tool?.arguments),
  output: clip(e.result?.output),
  error: clip(e.result?.error),
  success: e.result?.success ?? null,
  exit_code: e.result?.exitCode ?? null,
  decision: e.decision?.decision ?? null,
  decided_by: e.decision?.source ?? null,
  blocked: blocksCall(e.decision),
  prompt: e.prompt && !e.prompt.redacted ? clip(e.prompt.text) : null,
  prompt_redacted: e.prompt?.redacted ?? false,
  is_evidence: evidence.has(e.eventId),
});

export const SessionSummary = z
  .object({
    session_id: z.string(),
    workspace: z.string(),
    state: z.enum(SESSION_STATUSES).openapi({ description: 'open until triage closes it as idle' }),
    verdict: Verdict,
    score: z.number().int(),
    severity: Severity,
    confidence: z.number(),
    title: z.string(),
    rationale: z.string(),
    techniques: z.array(z.string()),
    event_count: z.number().int(),
    source: z
      .string()
      .openapi({ description: 'telemetry convention: codex, claude_code, gemini_cli, genai, …' }),
    agent: z.string(),
    user: z
      .object({
        email: z.string().nullable(),
        id: z.string().nullable(),
        identity_source: IdentitySource.nullable().openapi({
          description:
            'who named the person: the agent (its account), the fleet (resource attributes), the ingest token; null: unattributed',
        }),
      })
      .openapi({ description: 'the person behind the session; all null when unattributed' }),
    link: z
      .object({ session_id: z.string(), relation: z.enum(LINK_RELATIONS) })
      .nullable()
      .openapi({
        description:
          'the session this one serves: `reviewer`, an approval review of that session (Codex runs its automatic reviewer as a conversation of its own)',
      }),
    first_event_at: Time,
    last_event_at: Time,
    updated_at: Time,
    finding_id: z.string().nullable().openapi({ description: 'the latest finding' }),
    case: CaseView,
  })
  .openapi('SessionSummary');
export type SessionSummary = z.infer<typeof SessionSummary>;

export const sessionSummary = (row: SessionListRow): SessionSummary => {
  const s: SessionState = row.session;
  return {
    session_id: s.sessionId,
    workspace: s.workspace,
    state: s.status,
    verdict: s.verdict,
    score: s.score,
    severity: s.severity,
    confidence: s.confidence,
    title: row.title,
    rationale: s.rationale,
    techniques: s.techniques,
    event_count: s.eventCount,
    source: s.source,
    agent: s.agent,
    user: { email: s.userEmail ?? null, id: s.userId ?? null, identity_source: s.identitySource ?? null },
    link: s.link ? { session_id: s.link.sessionId, relation: s.link.relation } : null,
    first_event_at: nanosToIso(s.firstEventTimeUnixNano),
    last_event_at: nanosToIso(s.lastEventTimeUnixNano),
    updated_at: iso(s.updatedAtMs),
    finding_id: row.findingId ?? null,
    case: caseView(row.case),
  };
};

export const SessionDetail = SessionSummary.extend({
  detectors: z.array(z.string()),
  evidence: z.array(TimelineEvent),
  verdict_history: z.array(FindingView).openapi({ description: 'every verdict version, oldest first' }),
  dispositions: z.array(DispositionView).openapi({ description: "analysts' dispositions, newest first" }),
  linked_sessions: z
    .array(
      z.object({
        session_id: z.string(),
        relation: z.enum(LINK_RELATIONS),
        verdict: Verdict,
        rationale: z.string(),
      }),
    )
    .openapi({ description: 'the sessions that serve this one, e.g. its approval reviews' }),
}).openapi('SessionDetail');
export type SessionDetail = z.infer<typeof SessionDetail>;

export const AuditView = z
  .object({
    audit_id: z.string(),
    at: Time,
    actor: z.string(),
    role: z.string(),
    action: z.string().openapi({ example: 'disposition.update' }),
    target_type: z.string(),
    target_id: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
    request_id: z.string(),
  })
  .openapi('AuditEntry');
export type AuditView = z.infer<typeof AuditView>;

export const auditView = (a: AuditEntry): AuditView => ({
  audit_id: a.auditId,
  at: iso(a.atMs),
  actor: a.actor,
  role: a.role,
  action: a.action,
  target_type: a.targetType,
  target_id: a.targetId,
  before: a.before ?? null,
  after: a.after ?? null,
  request_id: a.requestId,
});

export const AlertDeliveryView = z
  .object({
    alert_id: z
      .string()
      .openapi({ description: 'one per (session, finding): the webhook-id receivers de-duplicate on' }),
    session_id: z.string(),
    finding_id: z.string(),
    sink: z.enum(ALERT_SINKS),
    action: z.enum(ALERT_ACTIONS),
    severity: Severity,
    attempt: z.number().int().openapi({ description: '0 for the pending row recorded before the first try' }),
    outcome: z.enum(DELIVERY_OUTCOMES),
    http_status: z.number().int().nullable(),
    error: z.string().nullable(),
    target_host: z.string().openapi({ description: 'host only: webhook URLs can be secrets' }),
    next_attempt_at: Time.nullable(),
    created_at: Time,
  })
  .openapi('AlertDelivery');
export type AlertDeliveryView = z.infer<typeof AlertDeliveryView>;

export const alertDeliveryView = (d: AlertDelivery): AlertDeliveryView => ({
  alert_id: d.alertId,
  session_id: d.sessionId,
  finding_id: d.findingId,
  sink: d.sink,
  action: d.action,
  severity: d.severity,
  attempt: d.attempt,
  outcome: d.outcome,
  http_status: d.httpStatus || null,
  error: d.error || null,
  target_host: d.targetHost,
  next_attempt_at: d.nextAttemptAtMs === undefined ? null : iso(d.nextAttemptAtMs),
  created_at: iso(d.createdAtMs),
});

/** `{ data, next_cursor }`: a page of a list. */
export const pageOf = <T extends z.ZodType>(item: T, name: string) =>
  z
    .object({
      data: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: 'pass as `cursor` for the next page; null at the end' }),
    })
    .openapi(name);

export const DeadLetterView = z
  .object({
    dead_letter_id: z.string(),
    session_id: z.string().nullable(),
    event_id: z.string().nullable().openapi({ description: 'null for a bus message that could not be read' }),
    stage: z.enum(DEAD_LETTER_STAGES).openapi({ description: 'what failed: decode, store or judge' }),
    error: z.string(),
    bus: z.object({ kind: z.string(), partition: z.number().int(), offset: z.string(), key: z.string() }),
    first_seen_at: Time,
    last_seen_at: Time,
    attempts: z.number().int(),
    status: z.enum(DEAD_LETTER_STATUSES),
  })
  .openapi('DeadLetter');
export type DeadLetterView = z.infer<typeof DeadLetterView>;

export const deadLetterView = (d: DeadLetter): DeadLetterView => ({
  dead_letter_id: d.deadLetterId,
  session_id: d.sessionId || null,
  event_id: d.eventId || null,
  stage: d.stage,
  error: clip(d.error)!,
  bus: d.bus,
  first_seen_at: iso(d.firstSeenAtMs),
  last_seen_at: iso(d.lastSeenAtMs),
  attempts: d.attempts,
  status: d.status,
});

export const TelemetryShapeView = z
  .object({
    agent: z.string().openapi({ description: 'the resource service.name' }),
    agent_version: z
      .string()
      .openapi({ description: 'empty when the agent sends none (or only its runtime)' }),
    source: z.string(),
    source_event: z.string(),
    events: z.number().int(),
    last_seen_at: Time,
    attribute_keys: z
      .array(z.string())
      .openapi({ description: 'every attribute key seen; resource attributes prefixed resource.' }),
  })
  .openapi('TelemetryShape');
export type TelemetryShapeView = z.infer<typeof TelemetryShapeView>;

export const telemetryShapeView = (t: TelemetryShape): TelemetryShapeView => ({
  agent: t.agent,
  agent_version: t.agentVersion,
  source: t.source,
  source_event: t.sourceEvent,
  events: t.events,
  last_seen_at: iso(t.lastSeenMs),
  attribute_keys: t.attributeKeys,
});
