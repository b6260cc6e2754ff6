import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Alert, AlertAction, AlertDelivery, DeliveryOutcome } from '../schemas/alert-delivery.ts';
import { deliveryKey, type NewAlertDelivery } from '../store/alert-deliveries.ts';
import { postJson } from './http.ts';
import { classifyStatus, retryDelay } from './retry.ts';
import type { Sink } from './sinks/sink.ts';
import { resolveTarget, TargetError, type Lookup } from './targets.ts';

/**
 * Background delivery. Each job (one alert, one sink, one action) runs its own attempt loop: send, log the
 * outcome row, wait the retry delay, again, up to the attempt limit. The number of jobs held in memory is
 * bounded (a job refused for lack of room stays `pending` in the log, and the next start resumes it), and
 * so is the number of requests in flight. Nothing here blocks the caller that enqueues.
 */

export interface DeliveryJob {
  alert: Alert;
  sink: Sink;
  action: AlertAction;
  /** Attempts already made (a resumed delivery continues its count). */
  attemptsMade: number;
}

export interface DelivererOptions {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  timeoutMs: number;
  allowPrivateTargets: boolean;
  /** Appends rows to the delivery log. */
  record: (rows: NewAlertDelivery[]) => Promise<void>;
  logger: Logger;
  /** Jobs held in memory at most. */
  maxJobs?: number;
  /** Requests in flight at most. */
  concurrency?: number;
  /** How long close() lets in-flight requests finish before aborting them. */
  closeTimeoutMs?: number;
  /** For tests: DNS resolution of target hosts. */
  lookup?: Lookup;
  /** Asked before each attempt: a reason here cancels the job (logged `failed` with it). */
  beforeAttempt?: (job: DeliveryJob) => Promise<string | undefined>;
}

/** Removes every secret of the sink from text bound for a log (error messages, receivers' answers). */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[redacted]');
  return out;
}

type AttemptResult =
  | { kind: 'answer'; status: number; retryAfter?: string; body: string }
  | { kind: 'error'; retryable: boolean; message: string }
  | { kind: 'shutdown' };

export class Deliverer {
  readonly #o: Required<Omit<DelivererOptions, 'lookup' | 'beforeAttempt'>> &
    Pick<DelivererOptions, 'lookup' | 'beforeAttempt'>;
  readonly #jobs = new Map<string, { promise: Promise<void>; wake: AbortController; cancelled?: string }>();
  /** Aborts retry waits (close). */
  readonly #stopping = new AbortController();
  /** Aborts requests in flight (close, after its grace period). */
  readonly #killing = new AbortController();
  #inFlight = 0;
  readonly #slotWaiters: (() => void)[] = [];
  /** Per sink: the earliest time its next send may start (rate spacing). */
  readonly #nextSendAt = new Map<string, number>();

  constructor(options: DelivererOptions) {
    this.#o = { maxJobs: 10_000, concurrency: 8, closeTimeoutMs: 5_000, ...options };
  }

  get size(): number {
    return this.#jobs.size;
  }

  /** Whether this deliverer runs that delivery now. */
  has(alertId: string, sink: string, action: AlertAction): boolean {
    return this.#jobs.has(deliveryKey(alertId, sink, action));
  }

  /** Starts a job; false when it was not taken (closing, full, or the same delivery already running). */
  enqueue(job: DeliveryJob): boolean {
    const key = deliveryKey(job.alert.alertId, job.sink.name, job.action);
    if (this.#stopping.signal.aborted || this.#jobs.has(key) || this.#jobs.size >= this.#o.maxJobs)
      return false;
    const entry = { wake: new AbortController(), promise: Promise.resolve() as Promise<void> };
    this.#jobs.set(key, entry);
    entry.promise = this.#run(job, key)
      .catch((err: unknown) => this.#log(job).error({ err }, 'alert delivery crashed'))
      .finally(() => this.#jobs.delete(key));
    return true;
  }

  /**
   * Stops a running job at its next step (the attempt in flight, if any, completes) and resolves once it has
   * stopped; it logs `failed` with the reason. Resolves at once when no such job runs here.
   */
  async cancel(alertId: string, sink: string, action: AlertAction, reason: string): Promise<void> {
    const entry = this.#jobs.get(deliveryKey(alertId, sink, action));
    if (!entry) return;
    entry.cancelled = reason;
    entry.wake.abort();
    await entry.promise;
  }

  /** Ends retry waits, lets requests in flight finish within the grace period, then aborts them. */
  async close(): Promise<void> {
    this.#stopping.abort();
    for (const entry of this.#jobs.values()) entry.wake.abort();
    for (const wake of this.#slotWaiters.splice(0)) wake();
    const all = Promise.allSettled([...this.#jobs.values()].map((j) => j.promise));
    const timer = sleep(this.#o.closeTimeoutMs, 'timeout', { ref: false });
    if ((await Promise.race([all, timer])) === 'timeout') {
      this.#killing.abort();
      await all;
    }
  }

  #log(job: DeliveryJob) {
    return this.#o.logger.child({
      workspace: job.alert.workspace,
      sessionId: job.alert.sessionId,
      findingId: job.alert.findingId,
      alertId: job.alert.alertId,
      sink: job.sink.name,
      action: job.action,
      host: job.sink.url.host,
    });
  }

  async #run(job: DeliveryJob, key: string): Promise<void> {
    const entry = this.#jobs.get(key)!;
    const log = this.#log(job);
    let attempt = job.attemptsMade;
    let dueAt = 0;
    for (;;) {
      // Wait for the due time, then for the sink's send spacing; cancel and close end either wait.
      let go = await this.#waitUntil(dueAt, entry.wake.signal);
      if (go && job.sink.minIntervalMs)
        go = await this.#waitUntil(this.#reserveSend(job.sink), entry.wake.signal);
      if (go && !entry.cancelled) entry.cancelled = await this.#o.beforeAttempt?.(job);
      if (entry.cancelled) {
        await this.#record(job, log, { attempt, outcome: 'failed', error: `cancelled: ${entry.cancelled}` });
        log.info({ reason: entry.cancelled }, 'alert delivery cancelled');
        return;
      }
      if (!go || !(await this.#acquireSlot())) return; // closing: the log still says pending/retrying
      attempt++;
      let result: AttemptResult;
      try {
        result = await this.#attempt(job);
      } finally {
        this.#releaseSlot();
      }
      if (result.kind === 'shutdown') return; // the log still says pending/retrying: the next start resumes it

      const status = result.kind === 'answer' ? result.status : 0;
      const verdict = result.kind === 'answer' ? classifyStatus(status) : result.retryable ? 'retry' : 'fail';
      const error =
        result.kind === 'answer'
          ? verdict === 'success'
            ? ''
            : redact(`HTTP ${status}${result.body ? `: ${result.body.slice(0, 300)}` : ''}`, job.sink.secrets)
          : result.message;
      if (verdict === 'success') {
        await this.#record(job, log, { attempt, outcome: 'delivered', httpStatus: status });
        log.info({ attempt, status }, 'alert delivered');
        return;
      }
      if (verdict === 'fail' || attempt >= this.#o.maxAttempts) {
        await this.#record(job, log, { attempt, outcome: 'failed', httpStatus: status, error });
        log.error({ attempt, status, error }, 'alert delivery failed');
        return;
      }
      const delayMs = retryDelay({
        attempt,
        status,
        retryAfter: result.kind === 'answer' ? result.retryAfter : undefined,
        baseMs: this.#o.retryBaseMs,
        maxMs: this.#o.retryMaxMs,
        nowMs: Date.now(),
      });
      dueAt = Date.now() + delayMs;
      await this.#record(job, log, {
        attempt,
        outcome: 'retrying',
        httpStatus: status,
        error,
        nextAttemptAtMs: dueAt,
      });
      log.warn({ attempt, status, error, delayMs }, 'alert delivery will be retried');
    }
  }

  async #attempt(job: DeliveryJob): Promise<AttemptResult> {
    const signal = AbortSignal.any([this.#killing.signal, AbortSignal.timeout(this.#o.timeoutMs)]);
    try {
      // The timeout covers the DNS lookup too, which takes no signal of its own.
      const aborted = new Promise<never>((_, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true }),
      );
      aborted.catch(() => undefined);
      const addresses = await Promise.race([
        resolveTarget(job.sink.url, this.#o.allowPrivateTargets, this.#o.lookup),
        aborted,
      ]);
      const answer = await postJson(
        job.sink.url,
        addresses,
        job.sink.request(job.alert, job.action, Date.now()),
        signal,
      );
      return { kind: 'answer', ...answer };
    } catch (err) {
      if (this.#killing.signal.aborted) return { kind: 'shutdown' };
      if (err instanceof TargetError) return { kind: 'error', retryable: false, message: err.message };
      const e = err as NodeJS.ErrnoException;
      const message = signal.aborted
        ? `timeout after ${this.#o.timeoutMs} ms`
        : redact(e.code ? `${e.code}: ${e.message}` : e.message, job.sink.secrets);
      return { kind: 'error', retryable: true, message };
    }
  }

  /** Waits until `atMs`; false when woken early (close or cancel). */
  async #waitUntil(atMs: number, wake: AbortSignal): Promise<boolean> {
    const ms = atMs - Date.now();
    if (wake.aborted || this.#stopping.signal.aborted) return false;
    if (ms <= 0) return true;
    try {
      await sleep(ms, undefined, { signal: wake });
      return true;
    } catch {
      return false;
    }
  }

  async #acquireSlot(): Promise<boolean> {
    while (this.#inFlight >= this.#o.concurrency) {
      if (this.#stopping.signal.aborted) return false;
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
    }
    if (this.#stopping.signal.aborted) return false;
    this.#inFlight++;
    return true;
  }

  #releaseSlot() {
    this.#inFlight--;
    this.#slotWaiters.shift()?.();
  }

  /** The time this send of the sink may start: `minIntervalMs` after the previous one (Slack: ~1/s). */
  #reserveSend(sink: Sink): number {
    const at = Math.max(Date.now(), this.#nextSendAt.get(sink.name) ?? 0);
    this.#nextSendAt.set(sink.name, at + sink.minIntervalMs);
    return at;
  }

  /** Appends one outcome row; a log write that fails is logged, and delivery goes on regardless. */
  async #record(
    job: DeliveryJob,
    log: Logger,
    step: {
      attempt: number;
      outcome: DeliveryOutcome;
      httpStatus?: number;
      error?: string;
      nextAttemptAtMs?: number;
    },
  ) {
    const row: AlertDelivery = {
      workspace: job.alert.workspace,
      sessionId: job.alert.sessionId,
      findingId: job.alert.findingId,
      alertId: job.alert.alertId,
      sink: job.sink.name,
      action: job.action,
      severity: job.alert.severity,
      attempt: step.attempt,
      outcome: step.outcome,
      httpStatus: step.httpStatus ?? 0,
      error: step.error ?? '',
      targetHost: job.sink.url.host,
      ...(step.nextAttemptAtMs === undefined ? {} : { nextAttemptAtMs: step.nextAttemptAtMs }),
      createdAtMs: Date.now(),
    };
    try {
      await this.#o.record([row]);
    } catch (err) {
      log.error(
        { err: (err as Error).message, attempt: step.attempt, outcome: step.outcome },
        'delivery log write failed',
      );
    }
  }
}
