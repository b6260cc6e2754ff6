import { z } from 'zod';
import { millisToDateTime64, Severity, Verdict } from './tables.ts';

/**
 * The on-call alert contracts: the alert itself (what every sink is built from, and what the delivery log
 * keeps so a restart can resume it) and the rows of `alert_deliveries_v1` (migration 0007), with their
 * converters, following the conventions of tables.ts (DateTime64 written as UTC text, read back as
 * `toUnixTimestamp64Milli`, Int64 coerced).
 */

/** Where alerts go. */
export const ALERT_SINKS = ['webhook', 'slack', 'pagerduty'] as const;
export const AlertSink = z.enum(ALERT_SINKS);
export type AlertSink = z.infer<typeof AlertSink>;

/** `resolve` exists for PagerDuty only (an analyst closed the finding as a false positive). */
export const ALERT_ACTIONS = ['trigger', 'resolve'] as const;
export const AlertAction = z.enum(ALERT_ACTIONS);
export type AlertAction = z.infer<typeof AlertAction>;

/** A delivery's step: `pending` (decided, not yet tried), then one outcome per HTTP attempt. */
export const DELIVERY_OUTCOMES = ['pending', 'retrying', 'delivered', 'failed'] as const;
export const DeliveryOutcome = z.enum(DELIVERY_OUTCOMES);
export type DeliveryOutcome = z.infer<typeof DeliveryOutcome>;

/** One alert about one finding of a session: the snapshot every sink's request is built from. */
export const Alert = z.object({
  /** Deterministic per (workspace, session, finding): receivers de-duplicate retries on it. */
  alertId: z.string().min(1),
  workspace: z.string(),
  sessionId: z.string(),
  findingId: z.string().min(1),
  verdict: Verdict,
  severity: Severity,
  score: z.number().int().min(0).max(100),
  title: z.string(),
  rationale: z.string(),
  techniques: z.array(z.string()),
  /** The session's user: e-mail, else user id. */
  user: z.string().optional(),
  agent: z.string(),
  source: z.string(),
  /** Deep link to the session in the console. */
  consoleUrl: z.string(),
  /** When the finding was made (ms). */
  occurredAtMs: z.number().int().min(0),
});
export type Alert = z.infer<typeof Alert>;

/** One row of the delivery log. */
export interface AlertDelivery {
  workspace: string;
  sessionId: string;
  findingId: string;
  alertId: string;
  sink: AlertSink;
  action: AlertAction;
  severity: Severity;
  /** 0 on the pending row, then 1, 2, … */
  attempt: number;
  outcome: DeliveryOutcome;
  /** 0 when there was no HTTP answer. */
  httpStatus: number;
  /** '' when none. */
  error: string;
  /** Host of the sink URL (never the full URL). */
  targetHost: string;
  /** When the next attempt is due; undefined once delivered or failed. */
  nextAttemptAtMs?: number;
  createdAtMs: number;
}

const DateTime64Text = z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+$/);
/** Int64 read back: a string when 64-bit integers are quoted in JSON (server default), else a number. */
const Int64Millis = z.coerce.number().int();

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

/** Stored alert snapshot (`alert_json`) → Alert, validated: stored JSON is input like any other. */
export function parseAlertJson(json: string): Alert {
  return Alert.parse(JSON.parse(json));
}
