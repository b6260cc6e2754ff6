import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { AlertAction, AlertSink, DeliveryOutcome, parseAlertJson } from '../schemas/alert-delivery.ts';
import { alertDeliveryToRow } from './rows.ts';
import type { Alert, AlertDelivery } from '../schemas/alert-delivery.ts';
import { Severity } from '../schemas/findings.ts';

/**
 * The alert delivery log (`alert_deliveries_v1`): appends, and the reads alerts/ decides with (the severity a session was alerted at, what to resume, what PagerDuty holds open).
 * Values travel only as `{name:Type}` parameters. The API's paginated list is `listAlertDeliveries` in analyst.ts.
 */

/** A row to append; `alert` (the snapshot a restart resumes from) belongs on pending rows. */
export type NewAlertDelivery = AlertDelivery & { alert?: Alert };

export async function insertAlertDeliveries(
  client: ClickHouseClient,
  rows: NewAlertDelivery[],
): Promise<void> {
  if (!rows.length) return;
  await client.insert({
    table: 'alert_deliveries_v1',
    values: rows.map(({ alert, ...d }) => alertDeliveryToRow(d, alert)),
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'warden:store:insert_alert_deliveries' },
  });
}

async function select(
  client: ClickHouseClient,
  name: string,
  query: string,
  params: Record<string, unknown>,
): Promise<unknown[]> {
  const rs = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: `warden:store:${name}` },
  });
  return rs.json();
}

// ---------------------------------------------------------------------------------------------------------
// What alerts/ decides with

/**
 * The highest severity a session was alerted at (any trigger row counts: an alert whose intent is recorded
 * is an alert, delivered or not), undefined when it never was.
 */
export async function alertedSeverity(
  client: ClickHouseClient,
  workspace: string,
  sessionId: string,
): Promise<Severity | undefined> {
  const rows = await select(
    client,
    'alerted_severity',
    `SELECT severity FROM alert_deliveries_v1
      WHERE workspace = {workspace:String} AND session_id = {sessionId:String} AND action = 'trigger'
      ORDER BY severity DESC LIMIT 1`,
    { workspace, sessionId },
  );
  return rows.length ? z.object({ severity: Severity }).parse(rows[0]).severity : undefined;
}

/** A delivery whose latest step is pending or retrying: work a restart picks up. */
export interface ResumableDelivery {
  alert: Alert;
  sink: AlertSink;
  action: AlertAction;
  /** Attempts already made (the next one is this + 1). */
  attemptsMade: number;
  /** When the next attempt is due; undefined for "now". */
  nextAttemptAtMs?: number;
  /** A PagerDuty trigger whose alert already has a resolve: it must not be sent any more. */
  resolved: boolean;
}

const ResumableRow = z.object({
  sink: AlertSink,
  action: AlertAction,
  last_attempt: z.number().int(),
  next_attempt_at_ms: z.coerce.number().int(),
  alert_snapshot: z.string(),
  resolved: z.coerce.number().int(),
});

// A delivery's rows all follow its pending row, so "pending row younger than sinceMs" = "every row is".
// Aliases differ from column names: ClickHouse would resolve `anyIf(alert_json, …) AS alert_json` cyclically.
// Overdue: its latest step was due (a pending row is due at once) more than graceMs ago and nobody has
// written a newer one, so whoever owned it stopped. A live deliverer writes a row at every attempt.
const RESUMABLE = `SELECT sink, action,
    max(attempt) AS last_attempt,
    argMax(toString(outcome), (attempt, created_at)) AS last_outcome,
    toUnixTimestamp64Milli(argMax(next_attempt_at, (attempt, created_at))) AS next_attempt_at_ms,
    anyIf(alert_json, alert_json != '') AS alert_snapshot,
    action = 'trigger' AND sink = 'pagerduty' AND alert_id IN (SELECT alert_id FROM alert_deliveries_v1
      WHERE action = 'resolve' AND sink = 'pagerduty'
        AND created_at >= fromUnixTimestamp64Milli({sinceMs:Int64}, 'UTC')) AS resolved
  FROM alert_deliveries_v1
  WHERE created_at >= fromUnixTimestamp64Milli({sinceMs:Int64}, 'UTC')
  GROUP BY alert_id, sink, action
  HAVING last_outcome IN ('pending', 'retrying') AND countIf(outcome = 'pending') > 0 AND alert_snapshot != ''
    AND next_attempt_at_ms + {graceMs:Int64} < {nowMs:Int64}
  ORDER BY min(created_at), alert_id, sink, action
  LIMIT {limit:UInt32}`;

/**
 * Deliveries recorded since `sinceMs` whose latest step is pending or retrying and overdue by more than
 * `graceMs` at `nowMs` (their owner stopped), oldest first.
 */
export async function resumableDeliveries(
  client: ClickHouseClient,
  sinceMs: number,
  overdue: { nowMs: number; graceMs: number },
  limit = 10_000,
): Promise<ResumableDelivery[]> {
  const rows = await select(client, 'resumable_alert_deliveries', RESUMABLE, {
    sinceMs,
    nowMs: overdue.nowMs,
    graceMs: overdue.graceMs,
    limit,
  });
  return rows.map((raw) => {
    const r = ResumableRow.parse(raw);
    return {
      alert: parseAlertJson(r.alert_snapshot),
      sink: r.sink,
      action: r.action,
      attemptsMade: r.last_attempt,
      ...(r.next_attempt_at_ms > 0 ? { nextAttemptAtMs: r.next_attempt_at_ms } : {}),
      resolved: r.resolved === 1,
    };
  });
}

/**
 * Of the deliveries several workers claimed since `sinceMs` (rows whose error reads `resumed by <instance>`),
 * those `instance` won: the earliest claim wins, ties broken by instance name, so every claimant agrees once
 * all claims are visible.
 */
export async function wonClaims(
  client: ClickHouseClient,
  instance: string,
  sinceMs: number,
  alertIds: string[],
): Promise<Set<string>> {
  const rows = await select(
    client,
    'won_claims',
    `SELECT alert_id, toString(sink) AS sink, toString(action) AS action,
        argMin(error, (created_at, error)) AS winner
      FROM alert_deliveries_v1
      WHERE alert_id IN {alertIds:Array(String)} AND startsWith(error, 'resumed by ')
        AND created_at >= fromUnixTimestamp64Milli({sinceMs:Int64}, 'UTC')
      GROUP BY alert_id, sink, action
      HAVING winner = {claim:String}`,
    { alertIds, sinceMs, claim: claimText(instance) },
  );
  return new Set(
    rows.map((raw) => {
      const r = z.object({ alert_id: z.string(), sink: z.string(), action: z.string() }).parse(raw);
      return deliveryKey(r.alert_id, r.sink, r.action);
    }),
  );
}

/** The `error` text of a claim row. */
export const claimText = (instance: string) => `resumed by ${instance}`;
/** One delivery: an alert to one sink, for one action. */
export const deliveryKey = (alertId: string, sink: string, action: string) =>
  `${alertId}\u0000${sink}\u0000${action}`;

/** Whether an alert has a PagerDuty resolve logged (its trigger must then not be sent any more). */
export async function hasPagerDutyResolve(client: ClickHouseClient, alert: Alert): Promise<boolean> {
  const rows = await select(
    client,
    'has_pagerduty_resolve',
    `SELECT count() AS n FROM alert_deliveries_v1
      WHERE workspace = {workspace:String} AND session_id = {sessionId:String} AND alert_id = {alertId:String}
        AND sink = 'pagerduty' AND action = 'resolve'`,
    { workspace: alert.workspace, sessionId: alert.sessionId, alertId: alert.alertId },
  );
  return Number((rows[0] as { n?: unknown } | undefined)?.n ?? 0) > 0;
}

/** A session's alert as PagerDuty saw it: the latest step of its trigger and of its resolve (if any). */
export interface PagerDutyAlertState {
  alert: Alert;
  trigger: DeliveryOutcome;
  resolve?: DeliveryOutcome;
}

const PagerDutyRow = z.object({
  trigger_outcome: DeliveryOutcome,
  resolve_outcome: z.union([DeliveryOutcome, z.literal('')]),
  alert_snapshot: z.string(),
});

/** Every alert of a session that was triggered to PagerDuty (whatever its outcome), for resolving. */
export async function pagerDutyAlerts(
  client: ClickHouseClient,
  workspace: string,
  sessionId: string,
): Promise<PagerDutyAlertState[]> {
  const rows = await select(
    client,
    'pagerduty_alerts',
    // argMaxIf over no row gives '' for a String: "no resolve yet".
    `SELECT
        argMaxIf(toString(outcome), (attempt, created_at), action = 'trigger') AS trigger_outcome,
        argMaxIf(toString(outcome), (attempt, created_at), action = 'resolve') AS resolve_outcome,
        anyIf(alert_json, action = 'trigger' AND alert_json != '') AS alert_snapshot
      FROM alert_deliveries_v1
      WHERE workspace = {workspace:String} AND session_id = {sessionId:String} AND sink = 'pagerduty'
      GROUP BY alert_id
      HAVING alert_snapshot != ''
      ORDER BY min(created_at), alert_id`,
    { workspace, sessionId },
  );
  return rows.map((raw) => {
    const r = PagerDutyRow.parse(raw);
    return {
      alert: parseAlertJson(r.alert_snapshot),
      trigger: r.trigger_outcome,
      ...(r.resolve_outcome ? { resolve: r.resolve_outcome } : {}),
    };
  });
}
