import type { Alert, AlertAction, AlertSink } from '../../schemas/alert-delivery.ts';

/** One HTTP request to a sink: always a JSON POST. */
export interface SinkRequest {
  body: string;
  headers: Record<string, string>;
}

/** A configured destination: where it is, and how an alert becomes its request. */
export interface Sink {
  readonly name: AlertSink;
  readonly url: URL;
  /** Values that must never reach a log line or the delivery log (the URL itself, secrets, keys). */
  readonly secrets: readonly string[];
  /** Spacing between sends (Slack allows about one message per second per webhook); 0 for none. */
  readonly minIntervalMs: number;
  /** Which actions it takes: every sink triggers, only PagerDuty resolves. */
  readonly actions: readonly AlertAction[];
  /** The request of one attempt (`nowMs`: when it is sent; only signatures depend on it). */
  request(alert: Alert, action: AlertAction, nowMs: number): SinkRequest;
}

export const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': 'warden-alerts/1' } as const;

/** Cuts text to `max` characters (counted in code points, so no surrogate pair is split). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
