import type { Logger } from 'pino';
import type { Bus, BusSubscription } from '../bus/types.ts';
import type { Store } from '../store/index.ts';
import type { TriageConfig } from './config.ts';
import type { EngineDeps } from './engine.ts';
import { PipelineMeter } from './health.ts';
import { createJudge } from './verdict/judge.ts';
import { loadRulePacks } from './rules/pack.ts';
import { SessionCache } from './session/cache.ts';
import { Turns } from './turns.ts';
import { TriageWorker, type VerdictListener } from './worker.ts';

export { TriageConfig } from './config.ts';
export type { VerdictListener } from './worker.ts';

export interface TriageHandle {
  /** Closes sessions idle for longer than the configured time (also runs on a timer). */
  closeIdleSessions(nowMs?: number): Promise<number>;
  /** Writes a pipeline health report now (also runs on a timer). */
  reportHealth(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The triage engine: consumes canonical events from the bus as a consumer group; a TriageWorker stores
 * them, keeps each session's context, judges the session after every batch, and stores verdict versions
 * and session states before the batch is committed (at-least-once in; replays give the same rows, which
 * the store de-duplicates). Records that can never be stored or judged become dead letters.
 */
export async function start(
  config: TriageConfig,
  deps: { bus: Bus; store: Store; logger: Logger; onVerdict?: VerdictListener },
): Promise<TriageHandle> {
  const log = deps.logger.child({ service: 'triage' });
  const pack = await loadRulePacks(config.WARDEN_RULES_PATH);
  const engine: EngineDeps = {
    pack,
    judge: config.judge ? createJudge(config.judge, log) : undefined,
    judgeModel: config.judge?.model,
  };
  log.info(
    { rules: pack.rules.length, allowlists: pack.allowlists.length, judge: config.judge?.model ?? 'off' },
    'triage rules loaded',
  );
  const cache = new SessionCache(config.WARDEN_SESSION_CACHE);
  const meter = new PipelineMeter();
  const worker = new TriageWorker({
    store: deps.store,
    engine,
    cache,
    busKind: deps.bus.kind,
    logger: log,
    onVerdict: deps.onVerdict,
  });

  /** Reports bus lag and throughput to the store; a failed report is logged and the next one tries again. */
  async function reportHealth(): Promise<void> {
    const lag = await deps.bus.lag(config.WARDEN_TRIAGE_GROUP);
    const report = meter.report({ kind: deps.bus.kind, lag, group: config.WARDEN_TRIAGE_GROUP }, cache.size);
    await deps.store.recordHealth([report]);
    log.debug({ busLag: lag, events: report.events, batches: report.batches }, 'pipeline health');
  }

  const closeIdleSessions = (nowMs = Date.now()) =>
    worker.closeIdleSessions(nowMs - config.WARDEN_SESSION_IDLE_MS, nowMs);

  // Batches of different partitions hold different sessions; idle closing may touch any: it runs alone.
  const turns = new Turns();
  const subscription: BusSubscription = await deps.bus.subscribe(
    config.WARDEN_TRIAGE_GROUP,
    (batch) =>
      turns.shared(async () => {
        const started = performance.now();
        const decision = await worker.handle(batch);
        meter.recordBatch(decision.eventTimesMs, performance.now() - started, decision.verdicts);
      }),
    { partitionsAtOnce: config.WARDEN_TRIAGE_PARTITIONS_AT_ONCE },
  );
  const timer = setInterval(
    () => {
      turns
        .exclusive(() => closeIdleSessions())
        .catch((err: unknown) => log.error({ err }, 'closing idle sessions failed'));
    },
    Math.min(30_000, Math.max(1_000, config.WARDEN_SESSION_IDLE_MS / 4)),
  );
  timer.unref();
  // One report at a time: while Kafka or the store is slow, ticks are skipped rather than piling up.
  let reporting = false;
  const healthTimer = setInterval(() => {
    if (reporting) return;
    reporting = true;
    reportHealth()
      .catch((err: unknown) => log.warn({ err }, 'pipeline health report failed'))
      .finally(() => (reporting = false));
  }, config.WARDEN_HEALTH_INTERVAL_MS);
  healthTimer.unref();
  return {
    closeIdleSessions: (nowMs) => turns.exclusive(() => closeIdleSessions(nowMs)),
    reportHealth,
    close: async () => {
      clearInterval(timer);
      clearInterval(healthTimer);
      await subscription.close();
      await turns.exclusive(async () => {}); // whatever was running has finished
    },
  };
}
