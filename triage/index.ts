import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Bus, BusSubscription, DeliveredBatch } from '../bus/types.ts';
import { agentEventKey, decodeAgentEventBatch, type AgentEvent } from '../schemas/agent-event.ts';
import type { Finding, SessionState } from '../schemas/tables.ts';
import type { Store } from '../store/index.ts';
import type { TriageConfig } from './config.ts';
import { ENGINE_VERSION, evaluateSession, type EngineDeps } from './engine.ts';
import type { Assessment } from './intent/assess.ts';
import { PipelineMeter } from './health.ts';
import { createJudge } from './judge.ts';
import { loadRulePacks } from './rules/pack.ts';
import { SessionCache, type SessionWindow } from './session-cache.ts';

export { TriageConfig } from './config.ts';

export interface TriageHandle {
  /** Closes sessions idle for longer than the configured time (also runs on a timer). */
  closeIdleSessions(nowMs?: number): Promise<number>;
  /** Writes a pipeline health report now (also runs on a timer). */
  reportHealth(): Promise<void>;
  close(): Promise<void>;
}

/** Something the triage engine decided about a session (alerts listen). */
export type VerdictListener = (session: SessionState, finding: Finding) => void | Promise<void>;

const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A new verdict version is recorded only when what an analyst sees changes. */
const changed = (prev: SessionState | undefined, a: Assessment) =>
  !prev ||
  prev.findingVersion === 0 ||
  prev.verdict !== a.verdict ||
  prev.score !== a.score ||
  prev.severity !== a.severity;

/**
 * The triage engine: consumes canonical events from the bus, stores them, keeps each session's context,
 * judges the session after every batch, and stores verdict versions and session state before the batch
 * is committed (at-least-once in; replays give the same rows, which the store de-duplicates).
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

  /**
   * The windows of these sessions, with `fresh` events added. Sessions not in memory are rebuilt from what
   * is stored (this batch included), one query per workspace: a restart or rebalance sees the same session.
   */
  async function windowsFor(
    groups: { workspace: string; sessionId: string; fresh: AgentEvent[] }[],
  ): Promise<SessionWindow[]> {
    // Windows are held here, not re-read from the cache: a batch larger than the cache must not lose any.
    const windows = new Map<string, SessionWindow>();
    const missing = new Map<string, string[]>();
    for (const g of groups) {
      const cached = cache.get(agentEventKey(g));
      if (cached) windows.set(agentEventKey(g), cached);
      else missing.set(g.workspace, [...(missing.get(g.workspace) ?? []), g.sessionId]);
    }
    for (const [workspace, ids] of missing) {
      for (const [sessionId, { events, state }] of await deps.store.loadSessions(workspace, ids)) {
        const window = cache.create(agentEventKey({ workspace, sessionId }), workspace, sessionId, state);
        window.add(events);
        windows.set(agentEventKey({ workspace, sessionId }), window);
      }
    }
    return groups.map((g) => {
      const window = windows.get(agentEventKey(g))!;
      window.add(g.fresh);
      return window;
    });
  }

  async function judgeWindow(window: SessionWindow, status: SessionState['status'], nowMs: number) {
    const events = window.events;
    const a = await evaluateSession(window.workspace, events, engine, window.analyzed);
    const prev = window.state;
    const first = events[0]!;
    const last = events[events.length - 1]!;
    const actor = events.find((e) => e.actor.email || e.actor.userId)?.actor;
    let finding: Finding | undefined;
    const version = (prev?.findingVersion ?? 0) + (changed(prev, a) ? 1 : 0);
    if (changed(prev, a)) {
      finding = {
        findingId: sha(
          JSON.stringify([
            window.workspace,
            window.sessionId,
            version,
            a.verdict,
            a.score,
            a.severity,
            a.evidenceEventIds,
          ]),
        ),
        workspace: window.workspace,
        sessionId: window.sessionId,
        version,
        verdict: a.verdict,
        score: a.score,
        confidence: a.confidence,
        severity: a.severity,
        title: a.title,
        rationale: a.rationale,
        evidenceEventIds: a.evidenceEventIds,
        detectors: a.detectors,
        techniques: a.techniques,
        engineVersion: ENGINE_VERSION,
        judge: a.judge,
        createdAtMs: nowMs,
      };
    }
    const state: SessionState = {
      workspace: window.workspace,
      sessionId: window.sessionId,
      source: first.source,
      agent: first.agent.name,
      userEmail: actor?.email,
      userId: actor?.userId,
      firstEventTimeUnixNano: first.timeUnixNano,
      lastEventTimeUnixNano: last.timeUnixNano,
      eventCount: events.length,
      status,
      verdict: a.verdict,
      score: a.score,
      severity: a.severity,
      confidence: a.confidence,
      rationale: a.rationale,
      techniques: a.techniques,
      findingVersion: version,
      lastActivityAtMs: status === 'open' ? nowMs : (prev?.lastActivityAtMs ?? nowMs),
      updatedAtMs: Math.max(nowMs, (prev?.updatedAtMs ?? 0) + 1),
    };
    return { state, finding };
  }

  async function persist(results: { state: SessionState; finding?: Finding }[], windows: SessionWindow[]) {
    const findings = results.flatMap((r) => (r.finding ? [r.finding] : []));
    // Findings before sessions: a crash in between replays into the same finding id, which is de-duplicated.
    if (findings.length) await deps.store.insertFindings(findings);
    await deps.store.upsertSessions(results.map((r) => r.state));
    results.forEach((r, i) => (windows[i]!.state = r.state));
    for (const r of results) {
      if (r.finding) await deps.onVerdict?.(r.state, r.finding);
      if (r.finding && r.finding.verdict !== 'benign') {
        log.info(
          {
            workspace: r.state.workspace,
            sessionId: r.state.sessionId,
            verdict: r.finding.verdict,
            score: r.finding.score,
            title: r.finding.title,
          },
          'session verdict',
        );
      }
    }
  }

  async function handle(batch: DeliveredBatch) {
    const started = performance.now();
    const events: AgentEvent[] = [];
    for (const m of batch.messages) {
      try {
        events.push(...decodeAgentEventBatch(m.value));
      } catch (err) {
        // A message that can never be read must not block its partition: logged with its position, skipped.
        log.error(
          { partition: batch.partition, offset: m.offset, err: (err as Error).message },
          'unreadable bus message skipped',
        );
      }
    }
    if (!events.length) return;
    const first = batch.messages[0]!.offset;
    const last = batch.messages[batch.messages.length - 1]!.offset;
    const bySession = new Map<string, AgentEvent[]>();
    for (const e of events) {
      const group = bySession.get(agentEventKey(e));
      if (group) group.push(e);
      else bySession.set(agentEventKey(e), [e]);
    }
    const now = Date.now();
    // Sessions are loaded before this batch is stored, so a new session's load finds nothing to read back.
    const windows = await windowsFor(
      [...bySession.values()].map((g) => ({
        workspace: g[0]!.workspace,
        sessionId: g[0]!.sessionId,
        fresh: g,
      })),
    );
    await deps.store.insertEvents(events, `events:${batch.partition}:${first}-${last}`);
    const results = [];
    for (const w of windows) results.push(await judgeWindow(w, 'open', now));
    await persist(results, windows);
    meter.recordBatch(
      events.map((e) => Number(BigInt(e.timeUnixNano) / 1_000_000n)),
      performance.now() - started,
      results.filter((r) => r.finding).length,
    );
  }

  /** Reports bus lag and throughput to the store; a failed report is logged and the next one tries again. */
  async function reportHealth(): Promise<void> {
    const lag = await deps.bus.lag(config.WARDEN_TRIAGE_GROUP);
    const report = meter.report({ kind: deps.bus.kind, lag, group: config.WARDEN_TRIAGE_GROUP }, cache.size);
    await deps.store.recordHealth([report]);
    log.debug({ busLag: lag, events: report.events, batches: report.batches }, 'pipeline health');
  }

  async function closeIdleSessions(nowMs = Date.now()): Promise<number> {
    const idle = await deps.store.openSessionsIdleSince(nowMs - config.WARDEN_SESSION_IDLE_MS, 500);
    if (!idle.length) return 0;
    const windows = await windowsFor(
      idle.map((s) => ({ workspace: s.workspace, sessionId: s.sessionId, fresh: [] })),
    );
    const live = windows.filter((w) => w.events.length > 0);
    const results = [];
    for (const w of live) results.push(await judgeWindow(w, 'closed', nowMs));
    await persist(results, live);
    return live.length;
  }

  // Batches and idle closing touch the same sessions: they take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const run = turn.then(work, work);
    turn = run.catch(() => undefined);
    return run;
  };
  const subscription: BusSubscription = await deps.bus.subscribe(config.WARDEN_TRIAGE_GROUP, (batch) =>
    serial(() => handle(batch)),
  );
  const timer = setInterval(
    () => {
      serial(() => closeIdleSessions()).catch((err: unknown) =>
        log.error({ err }, 'closing idle sessions failed'),
      );
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
    closeIdleSessions: (nowMs) => serial(() => closeIdleSessions(nowMs)),
    reportHealth,
    close: async () => {
      clearInterval(timer);
      clearInterval(healthTimer);
      await subscription.close();
      await turn;
    },
  };
}
