import { z } from 'zod';
import { Severity, Verdict } from './findings.ts';

/**
 * The on-call alert contracts: the alert itself (what every sink is built from, and what the delivery log
 * keeps so a restart can resume it) and one delivery attempt. Their rows (`alert_deliveries_v1`) are in
 * store/rows.ts.
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

/** Stored alert snapshot (`alert_json`) → Alert, validated: stored JSON is input like any other. */
export function parseAlertJson(json: string): Alert {
  return Alert.parse(JSON.parse(json));
}
