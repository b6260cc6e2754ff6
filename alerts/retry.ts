/**
 * When to try a delivery again: only 2xx is success; 408, 429 and 5xx (and network errors) are retried with
 * exponential backoff and full jitter (a random delay in [0, min(max, base·2^(attempt-1))], so many senders
 * retrying together spread out); any other status is final. On 429 and 503 the receiver's Retry-After is
 * honoured: no retry before it (capped at the maximum delay, so one answer cannot park a delivery for days).
 */

export type AttemptClass = 'success' | 'retry' | 'fail';

export function classifyStatus(status: number): AttemptClass {
  if (status >= 200 && status < 300) return 'success';
  if (status === 408 || status === 429 || (status >= 500 && status < 600)) return 'retry';
  return 'fail'; // 3xx included: redirects are not followed (the target was validated, its redirect was not)
}

/**
 * `Retry-After` (RFC 9110 §10.2.3): delay-seconds or an HTTP-date → milliseconds from `nowMs` (0 for a
 * date in the past); undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  // An HTTP-date starts with a weekday name; this keeps "1.5" or "-3" from parsing as dates. All three of
  // its forms are GMT, and asctime's says so nowhere (Date.parse would read it as local time).
  if (!/^[A-Za-z]{3}/.test(v)) return undefined;
  const at = Date.parse(/GMT$/.test(v) ? v : `${v} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** Full-jitter exponential backoff before attempt `attempt + 1`, after attempt `attempt` (1-based) failed. */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 52));
  return Math.floor(random() * ceiling);
}

/** The wait after a failed attempt: the backoff, but never earlier than a 429/503's Retry-After. */
export function retryDelay(opts: {
  attempt: number;
  status: number;
  retryAfter?: string;
  baseMs: number;
  maxMs: number;
  nowMs: number;
  random?: () => number;
}): number {
  const backoff = backoffDelay(opts.attempt, opts.baseMs, opts.maxMs, opts.random);
  const honoured =
    opts.status === 429 || opts.status === 503 ? parseRetryAfter(opts.retryAfter, opts.nowMs) : undefined;
  return Math.min(opts.maxMs, Math.max(backoff, honoured ?? 0));
}
