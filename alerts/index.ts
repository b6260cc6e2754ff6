import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Alert, AlertAction } from '../schemas/alert-delivery.ts';
import type { CaseState, Disposition, Finding, SessionState, Severity } from '../schemas/findings.ts';
import {
  alertedSeverity,
  deliveryKey,
  claimText,
  hasPagerDutyResolve,
  insertAlertDeliveries,
  pagerDutyAlerts,
  resumableDeliveries,
  wonClaims,
  type NewAlertDelivery,
} from '../store/alert-deliveries.ts';
import type { Store } from '../store/index.ts';
import { buildAlert, qualifies, severityRank } from './alert.ts';
import { hasAlertSinks, type AlertsConfig } from './config.ts';
import { Deliverer } from './deliver.ts';
import { pagerDutySink } from './sinks/pagerduty.ts';
import type { Sink } from './sinks/sink.ts';
import { slackSink } from './sinks/slack.ts';
import { webhookSink } from './sinks/webhook.ts';
import type { Lookup } from './targets.ts';

export { AlertsConfig, hasAlertSinks } from './config.ts';

/**
 * On-call alerting: when triage records an escalation (or, configurably, a severe mistake), alert once per
 * session, again only when the severity rises, to the configured webhook, Slack and PagerDuty sinks.
 *
 * onVerdict records the intent durably (one `pending` row per sink in the delivery log) and returns; the
 * HTTP work happens in the background (deliver.ts). Triage calls it before committing its batch, so an alert
 * is either in the log or its batch is replayed. The log is also the de-duplication truth (a session's
 * events go to one partition, so one worker owns the session at a time); memory only caches it.
 */
export interface AlertsHandle {
  /** Triage's verdict listener. Rejects only when the pending rows cannot be written (retry the batch). */
  onVerdict(state: SessionState, finding: Finding): Promise<void>;
  /**
   * After an analyst's disposition: closing a finding (resolved or suppressed) as a false positive resolves,
   * in PagerDuty, every alert of the session that was triggered there.
   */
  onDisposition(finding: Finding, disposition: Disposition, previous: CaseState): Promise<void>;
  /** Stops taking alerts; waits a bounded time for requests in flight; unsent ones resume at the next start. */
  close(): Promise<void>;
}

/** Deliveries older than this are not resumed at start: a day-old page helps nobody. */
export const RESUME_WINDOW_MS = 24 * 3_600_000;
/** How long a sweep waits after claiming for other workers' claims to land before reading who won. */
const CLAIM_SETTLE_MS = 1_000;
/** Sessions whose alerted severity is cached. */
const SEVERITY_CACHE = 10_000;

export async function start(
  config: AlertsConfig,
  deps: {
    store: Store;
    logger: Logger;
    lookup?: Lookup;
    /**
     * Resume unfinished deliveries at start (default). Only processes that raise alerts (triage, `start`)
     * resume; an API process only resolves, and resuming there too would send twice.
     */
    resume?: boolean;
  },
): Promise<AlertsHandle> {
  const log = deps.logger.child({ service: 'alerts' });
  // Unique per handle: claims tell workers apart (two handles in one process too).
  const instance = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  if (!hasAlertSinks(config)) {
    log.info('alerting off: no sink configured');
    return { onVerdict: async () => {}, onDisposition: async () => {}, close: async () => {} };
  }
  const client = deps.store.client;
  const sinks: Sink[] = [
    ...(config.webhook ? [webhookSink(config.webhook)] : []),
    ...(config.slack ? [slackSink(config.slack)] : []),
    ...(config.pagerduty ? [pagerDutySink(config.pagerduty)] : []),
  ];
  const pagerDuty = sinks.find((s) => s.name === 'pagerduty');
  const deliverer = new Deliverer({
    maxAttempts: config.WARDEN_ALERT_MAX_ATTEMPTS,
    retryBaseMs: config.WARDEN_ALERT_RETRY_BASE_MS,
    retryMaxMs: config.WARDEN_ALERT_RETRY_MAX_MS,
    timeoutMs: config.WARDEN_ALERT_TIMEOUT_MS,
    allowPrivateTargets: config.WARDEN_ALERT_ALLOW_PRIVATE_TARGETS,
    closeTimeoutMs: Math.min(config.WARDEN_ALERT_TIMEOUT_MS, 5_000),
    record: (rows) => insertAlertDeliveries(client, rows),
    // The API process may have logged a resolve while this one still retries the trigger.
    beforeAttempt: async (job) =>
      job.sink.name === 'pagerduty' &&
      job.action === 'trigger' &&
      (await hasPagerDutyResolve(client, job.alert))
        ? 'resolved before it was sent'
        : undefined,
    logger: log,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
  });
  let closed = false;

  /** Highest severity alerted per session: a cache of the log, refreshed whenever it would allow an alert. */
  const alerted = new Map<string, Severity>();
  const remember = (key: string, severity: Severity) => {
    alerted.delete(key);
    alerted.set(key, severity);
    if (alerted.size > SEVERITY_CACHE) alerted.delete(alerted.keys().next().value!);
  };

  /** One decision per session at a time, so two verdicts of one session cannot both pass the check. */
  const turns = new Map<string, Promise<unknown>>();
  const inTurn = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (turns.get(key) ?? Promise.resolve()).then(work, work);
    const settled = run.catch(() => undefined);
    turns.set(key, settled);
    void settled.then(() => turns.get(key) === settled && turns.delete(key));
    return run;
  };

  const pendingRow = (alert: Alert, sink: Sink, action: AlertAction, nowMs: number): NewAlertDelivery => ({
    workspace: alert.workspace,
    sessionId: alert.sessionId,
    findingId: alert.findingId,
    alertId: alert.alertId,
    sink: sink.name,
    action,
    severity: alert.severity,
    attempt: 0,
    outcome: 'pending',
    httpStatus: 0,
    error: '',
    targetHost: sink.url.host,
    nextAttemptAtMs: nowMs,
    createdAtMs: nowMs,
    alert,
  });

  const enqueue = (alert: Alert, sink: Sink, action: AlertAction, attemptsMade = 0) => {
    if (deliverer.enqueue({ alert, sink, action, attemptsMade })) return;
    log.warn(
      { alertId: alert.alertId, sink: sink.name, action, queued: deliverer.size },
      'alert not queued (queue full, closing, or already running): it stays pending in the log',
    );
  };

  /**
   * Takes over deliveries whose owner stopped: overdue by more than the grace period with no newer row (a
   * live deliverer writes one at every attempt). A claim row is written first, which makes the delivery not
   * overdue for the other workers' sweeps, so several triage replicas do not all resend it.
   */
  async function sweep(): Promise<number> {
    const now = Date.now();
    const candidates = [];
    for (const r of await resumableDeliveries(client, now - RESUME_WINDOW_MS, {
      nowMs: now,
      graceMs: config.WARDEN_ALERT_RESUME_AFTER_MS,
    })) {
      const sink = sinks.find((s) => s.name === r.sink);
      if (sink && sink.actions.includes(r.action) && !deliverer.has(r.alert.alertId, r.sink, r.action))
        candidates.push({ ...r, sink });
    }
    if (!candidates.length) return 0;
    // Claim, let every worker's claims land, then keep only what this one won.
    const claimedAt = Date.now();
    await insertAlertDeliveries(
      client,
      candidates.map((r) => ({
        ...pendingRow(r.alert, r.sink, r.action, claimedAt),
        attempt: r.attemptsMade,
        outcome: 'retrying',
        error: claimText(instance),
        alert: undefined,
      })),
    );
    await sleep(CLAIM_SETTLE_MS, undefined, { ref: false });
    const won = await wonClaims(
      client,
      instance,
      claimedAt - CLAIM_SETTLE_MS,
      candidates.map((r) => r.alert.alertId),
    );
    let resumed = 0;
    for (const r of candidates) {
      if (!won.has(deliveryKey(r.alert.alertId, r.sink.name, r.action))) continue;
      if (r.resolved) {
        // A PagerDuty trigger whose resolve is (or was) on its way: sending it now would reopen the incident.
        await insertAlertDeliveries(client, [
          {
            ...pendingRow(r.alert, r.sink, r.action, Date.now()),
            attempt: r.attemptsMade,
            outcome: 'failed',
            error: 'cancelled: resolved before it was sent',
            nextAttemptAtMs: undefined,
            alert: undefined,
          },
        ]);
        continue;
      }
      enqueue(r.alert, r.sink, r.action, r.attemptsMade);
      resumed++;
    }
    if (resumed) log.info({ resumed }, 'resumed alert deliveries left unfinished');
    return resumed;
  }

  // One sweep at a time: a sweep still settling its claims must not be overtaken by the next tick.
  let sweeping: Promise<unknown> | undefined;
  const runSweep = () =>
    (sweeping ??= sweep()
      .catch((err: unknown) => log.warn({ err }, 'resuming alert deliveries failed'))
      .finally(() => (sweeping = undefined)));
  const sweepTimer =
    deps.resume === false
      ? undefined
      : setInterval(
          () => void runSweep(),
          Math.min(30_000, Math.max(1_000, config.WARDEN_ALERT_RESUME_AFTER_MS / 2)),
        );
  sweepTimer?.unref();
  if (deps.resume !== false) await runSweep();
  log.info({ sinks: sinks.map((s) => ({ sink: s.name, host: s.url.host })) }, 'alerting on');

  async function onVerdict(state: SessionState, finding: Finding): Promise<void> {
    if (closed || !qualifies(finding, config.WARDEN_ALERT_MISTAKES)) return;
    const key = `${finding.workspace}\u0000${finding.sessionId}`;
    await inTurn(key, async () => {
      const cached = alerted.get(key);
      if (cached && severityRank(finding.severity) <= severityRank(cached)) return;
      // The cache may be stale (another worker owned the session meanwhile): the log decides.
      const logged = await alertedSeverity(client, finding.workspace, finding.sessionId);
      if (logged) remember(key, logged);
      if (logged && severityRank(finding.severity) <= severityRank(logged)) {
        log.debug(
          {
            workspace: finding.workspace,
            sessionId: finding.sessionId,
            severity: finding.severity,
            alerted: logged,
          },
          'session already alerted at this severity or higher',
        );
        return;
      }
      const alert = buildAlert(state, finding, config.consoleUrl);
      const now = Date.now();
      const targets = sinks.filter((s) => s.actions.includes('trigger'));
      await insertAlertDeliveries(
        client,
        targets.map((s) => pendingRow(alert, s, 'trigger', now)),
      );
      remember(key, finding.severity);
      for (const s of targets) enqueue(alert, s, 'trigger');
      log.info(
        {
          workspace: alert.workspace,
          sessionId: alert.sessionId,
          findingId: alert.findingId,
          alertId: alert.alertId,
          verdict: alert.verdict,
          severity: alert.severity,
          previous: logged ?? null,
          sinks: targets.map((s) => s.name),
        },
        'alert raised',
      );
    });
  }

  async function onDisposition(
    finding: Finding,
    disposition: Disposition,
    previous: CaseState,
  ): Promise<void> {
    if (closed || !pagerDuty) return;
    const closedAsFalsePositive = (c: Pick<CaseState, 'status' | 'analystVerdict'>) =>
      (c.status === 'resolved' || c.status === 'suppressed') && c.analystVerdict === 'false_positive';
    // Only the step into "closed as a false positive": a later note on a closed case resolves nothing.
    if (!closedAsFalsePositive(disposition) || closedAsFalsePositive(previous)) return;
    const key = `${finding.workspace}\u0000${finding.sessionId}`;
    await inTurn(key, async () => {
      // This finding's alert and the session's earlier ones: a newer verdict's incident stays open.
      const states = (await pagerDutyAlerts(client, finding.workspace, finding.sessionId)).filter(
        (a) => a.alert.occurredAtMs <= finding.createdAtMs,
      );
      // A failed trigger opened nothing; a resolve already pending or sent needs no second one.
      const open = states.filter((s) => s.trigger !== 'failed' && (!s.resolve || s.resolve === 'failed'));
      if (!open.length) return;
      for (const s of open) {
        // A trigger still retrying here must not land after its resolve.
        await deliverer.cancel(s.alert.alertId, 'pagerduty', 'trigger', 'finding closed as false positive');
      }
      const now = Date.now();
      await insertAlertDeliveries(
        client,
        open.map((s) => pendingRow(s.alert, pagerDuty, 'resolve', now)),
      );
      for (const s of open) enqueue(s.alert, pagerDuty, 'resolve');
      log.info(
        {
          workspace: finding.workspace,
          sessionId: finding.sessionId,
          dispositionId: disposition.dispositionId,
          resolving: open.map((s) => s.alert.findingId),
        },
        'pagerduty alerts resolved: closed as false positive',
      );
    });
  }

  return {
    onVerdict,
    onDisposition,
    close: async () => {
      if (closed) return;
      closed = true;
      if (sweepTimer) clearInterval(sweepTimer);
      await sweeping;
      await Promise.allSettled([...turns.values()]);
      await deliverer.close();
    },
  };
}
