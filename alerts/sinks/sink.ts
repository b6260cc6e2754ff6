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

/**
 * The parts of a webhook URL that may be its credential: the whole URL, its path (Slack's
 * /services/T…/B…/secret), its query and each query value (?token=…), and user info. A receiver's error
 * page often echoes the path, so each part is redacted on its own.
 */
export function urlSecrets(raw: string): string[] {
  const url = new URL(raw);
  return [
    raw,
    url.href,
    ...(url.pathname.length > 1 ? [url.pathname, decodeURIComponent(url.pathname)] : []),
    ...(url.search ? [url.search] : []),
    ...[...url.searchParams.values()],
    ...(url.username ? [url.username] : []),
    ...(url.password ? [url.password] : []),
  ];
}

/** Cuts text to `max` characters (counted in code points, so no surrogate pair is split). */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
