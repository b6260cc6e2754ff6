import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { DeliveredBatch, DeliveredMessage } from '../bus/types.ts';
import { agentEventKey, readAgentEventBatch, type AgentEvent } from '../schemas/agent-event.ts';
import type { DeadLetterStage } from '../schemas/dead-letter.ts';
import type { Finding, SessionState } from '../schemas/findings.ts';
import { isRetryable, type DeadLetterFailure, type Store } from '../store/index.ts';
import { ENGINE_VERSION, evaluateSession, type EngineDeps } from './engine.ts';
import type { Assessment } from './verdict/assess.ts';
import type { SessionCache, SessionWindow } from './session/cache.ts';

/** Something the triage engine decided about a session (alerts listen). */
export type VerdictListener = (session: SessionState, finding: Finding) => void | Promise<void>;

/**
 * What became of a delivered batch. Resolving means "commit": every record was stored and judged, or is a
 * dead letter. A batch that should be retried later (the store is unwell) is thrown, never resolved.
 */
export interface BatchDecision {
  /** Times (ms) of the events stored and judged. */
  eventTimesMs: number[];
  verdicts: number;
  deadLetters: number;
}

/** An event and the bus message it came in. */
interface Delivered {
  event: AgentEvent;
  message: DeliveredMessage;
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** A new verdict version is recorded only when what an analyst sees changes. */
const changed = (prev: SessionState | undefined, a: Assessment) =>
  !prev ||
  prev.findingVersion === 0 ||
  prev.verdict !== a.verdict ||
  prev.score !== a.score ||
  prev.severity !== a.severity;

const errorText = (err: unknown) => (err instanceof Error ? `${err.name}: ${err.message}` : String(err));

function position(message: DeliveredMessage, busKind: string) {
  return { kind: busKind, partition: message.partition, offset: message.offset, key: message.key };
}

/**
 * One triage worker: takes a delivered batch from its partition, stores its events, judges every session
 * it touched with the session's whole context, and writes verdict versions and session states.
 *
 * Every batch gets a decision. Store failures that may pass (isRetryable) are thrown: the bus offers the
 * batch again later. Anything else is a problem with some record: the batch is split until the records
 * that fail alone are found, and those become dead letters while the rest of the batch is committed.
 */
export class TriageWorker {
  /** Sessions a batch in progress is working on, and when it lets them go. */
  private readonly claimed = new Map<string, Promise<void>>();

  constructor(
    private readonly deps: {
      store: Store;
      engine: EngineDeps;
      cache: SessionCache;
      busKind: string;
      logger: Logger;
      onVerdict?: VerdictListener;
    },
  ) {}

  async handle(batch: DeliveredBatch): Promise<BatchDecision> {
    const letters: DeadLetterFailure[] = [];
    const delivered: Delivered[] = [];
    for (const message of batch.messages) {
      let read;
      try {
        read = readAgentEventBatch(message.value);
      } catch (err) {
        letters.push(this.unreadable(message, errorText(err)));
        continue;
      }
      for (const event of read.events) delivered.push({ event, message });
      for (const bad of read.invalid) letters.push(this.invalidEvent(message, bad.raw, bad.error));
    }
    const done: BatchDecision = { eventTimesMs: [], verdicts: 0, deadLetters: 0 };
    const release = await this.claim(new Set(delivered.map((d) => agentEventKey(d.event))));
    try {
      await this.isolate(delivered, letters, done);
    } finally {
      release();
    }
    if (letters.length) await this.recordDeadLetters(letters);
    done.deadLetters = letters.length;
    return done;
  }

  /**
   * Takes these sessions for one batch, once no other batch holds any of them. Batches of different
   * partitions run at once and a session lives in one partition, except when a topic is given more
   * partitions: then its older events may still be in the old one.
   */
  private async claim(sessions: Set<string>): Promise<() => void> {
    for (;;) {
      const held = [...sessions].flatMap((s) => this.claimed.get(s) ?? []);
      if (!held.length) break;
      await Promise.all(held);
    }
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    for (const s of sessions) this.claimed.set(s, released);
    return () => {
      for (const s of sessions) this.claimed.delete(s);
      release();
    };
  }

  /**
   * Processes the events; when that fails for a reason no retry fixes (isRetryable says no), halves them
   * until the events that fail on their own are found: those are dead letters. Halves go in order, so a
   * session's events keep their order.
   */
  private async isolate(
    items: Delivered[],
    letters: DeadLetterFailure[],
    done: BatchDecision,
  ): Promise<void> {
    if (!items.length) return;
    try {
      const outcome = await this.process(items);
      letters.push(...outcome.letters);
      done.verdicts += outcome.verdicts;
      const dead = new Set(outcome.letters.map((l) => l.eventId));
      for (const { event } of items)
        if (!dead.has(event.eventId)) done.eventTimesMs.push(Number(BigInt(event.timeUnixNano) / 1_000_000n));
    } catch (err) {
      if (isRetryable(err)) throw err;
      this.forget(items);
      if (items.length === 1) {
        letters.push(this.eventLetter(items[0]!, 'store', errorText(err)));
        return;
      }
      this.deps.logger.debug({ events: items.length, err: errorText(err) }, 'batch failed; splitting it');
      const mid = Math.ceil(items.length / 2);
      await this.isolate(items.slice(0, mid), letters, done);
      await this.isolate(items.slice(mid), letters, done);
    }
  }

  /** Stores the events, then judges and persists every session they touch. Throws on store failures. */
  private async process(items: Delivered[]): Promise<{ letters: DeadLetterFailure[]; verdicts: number }> {
    const letters: DeadLetterFailure[] = [];
    const events = items.map((i) => i.event);
    const first = items[0]!.message;
    const last = items[items.length - 1]!.message;
    const bySession = new Map<string, Delivered[]>();
    for (const item of items) {
      const key = agentEventKey(item.event);
      const group = bySession.get(key);
      if (group) group.push(item);
      else bySession.set(key, [item]);
    }
    // Sessions are loaded before the events are stored, so a new session's load finds nothing to read back.
    const windows = await this.windowsFor([...bySession.values()].map((g) => g[0]!.event));
    const token = `events:${first.partition}:${first.offset}-${last.offset}:${sha(events.map((e) => e.eventId).join(','))}`;
    const now = Date.now();
    // The insert runs on the store's threads while this one judges; nothing is persisted or committed
    // before it is done, and a failed insert drops the windows it touched (memory holds only what is stored).
    const refused = this.deps.store.refusedAtInsert(events, now);
    const storing = this.deps.store.insertEvents(events, token, now).catch((err: unknown) => {
      this.forget(items);
      throw err;
    });
    storing.catch(() => undefined); // awaited below; judging must not leave it unhandled meanwhile
    const refusedIds = new Set(refused.map((r) => r.event.eventId));
    for (const r of refused) {
      const item = items.find((i) => i.event.eventId === r.event.eventId)!;
      letters.push(this.eventLetter(item, 'store', r.reason));
    }
    const results: { state: SessionState; finding?: Finding }[] = [];
    const judged: SessionWindow[] = [];
    for (const [key, group] of bySession) {
      const window = windows.get(key)!;
      const fresh = group.filter((i) => !refusedIds.has(i.event.eventId));
      if (!fresh.length) continue;
      window.add(fresh.map((i) => i.event));
      try {
        results.push(await this.judgeWindow(window, 'open', now));
        judged.push(window);
      } catch (err) {
        if (isRetryable(err)) throw err;
        // The events are stored; the session could not be judged with them. A replay after a fix judges it.
        this.deps.cache.delete(key);
        for (const item of fresh) letters.push(this.eventLetter(item, 'judge', errorText(err)));
        this.deps.logger.error(
          { workspace: window.workspace, sessionId: window.sessionId, err: errorText(err) },
          'session could not be judged; its new events are dead letters',
        );
      }
    }
    await storing;
    await this.persist(results, judged);
    return { letters, verdicts: results.filter((r) => r.finding).length };
  }

  /** Closes sessions idle since `cutoffMs`, judging each a last time; returns how many. */
  async closeIdleSessions(cutoffMs: number, nowMs: number): Promise<number> {
    const idle = await this.deps.store.openSessionsIdleSince(cutoffMs, 500);
    if (!idle.length) return 0;
    const windows = await this.windowsFor(idle);
    const live = [...windows.values()].filter((w) => w.events.length > 0);
    const results = [];
    const judged: SessionWindow[] = [];
    for (const w of live) {
      try {
        results.push(await this.judgeWindow(w, 'closed', nowMs));
        judged.push(w);
      } catch (err) {
        if (isRetryable(err)) throw err;
        this.deps.logger.error(
          { workspace: w.workspace, sessionId: w.sessionId, err: errorText(err) },
          'idle session could not be judged; it stays open',
        );
      }
    }
    await this.persist(results, judged);
    return judged.length;
  }

  /**
   * The windows of these sessions. Sessions not in memory are rebuilt from what is stored, one query per
   * workspace: a restart or rebalance sees the same session. Windows are returned, not re-read from the
   * cache: a batch larger than the cache must not lose any.
   */
  private async windowsFor(
    sessions: { workspace: string; sessionId: string }[],
  ): Promise<Map<string, SessionWindow>> {
    const windows = new Map<string, SessionWindow>();
    const missing = new Map<string, string[]>();
    for (const s of sessions) {
      const cached = this.deps.cache.get(agentEventKey(s));
      if (cached) windows.set(agentEventKey(s), cached);
      else missing.set(s.workspace, [...(missing.get(s.workspace) ?? []), s.sessionId]);
    }
    for (const [workspace, ids] of missing) {
      for (const [sessionId, { events, state }] of await this.deps.store.loadSessions(workspace, ids)) {
        const key = agentEventKey({ workspace, sessionId });
        const window = this.deps.cache.create(key, workspace, sessionId, state);
        window.add(events);
        windows.set(key, window);
      }
    }
    return windows;
  }

  private async judgeWindow(window: SessionWindow, status: SessionState['status'], nowMs: number) {
    const events = window.events;
    const a = await evaluateSession(window.workspace, events, this.deps.engine, window.analyzed);
    const prev = window.state;
    const first = events[0]!;
    const last = events[events.length - 1]!;
    const actor = events.find((e) => e.actor.identitySource)?.actor;
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
      userId: actor?.userId ?? actor?.accountId,
      identitySource: actor?.identitySource,
      link: events.find((e) => e.link)?.link,
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

  private async persist(results: { state: SessionState; finding?: Finding }[], windows: SessionWindow[]) {
    if (!results.length) return;
    const findings = results.flatMap((r) => (r.finding ? [r.finding] : []));
    // Findings before sessions: a crash in between replays into the same finding id, which is de-duplicated.
    if (findings.length) await this.deps.store.insertFindings(findings);
    await this.deps.store.upsertSessions(results.map((r) => r.state));
    results.forEach((r, i) => (windows[i]!.state = r.state));
    for (const r of results) {
      if (r.finding) await this.deps.onVerdict?.(r.state, r.finding);
      if (r.finding && r.finding.verdict !== 'benign') {
        this.deps.logger.info(
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

  /** The sessions of a failed attempt are rebuilt from the store next time: memory holds only what is stored. */
  private forget(items: Delivered[]) {
    for (const item of items) this.deps.cache.delete(agentEventKey(item.event));
  }

  /**
   * Records dead letters. Should even that fail for good (it writes its own validated rows), the positions
   * are logged and the batch is committed: one record must never stop its partition.
   */
  private async recordDeadLetters(letters: DeadLetterFailure[]) {
    try {
      await this.deps.store.recordDeadLetters(letters);
    } catch (err) {
      if (isRetryable(err)) throw err;
      this.deps.logger.error(
        { err: errorText(err), positions: letters.map((l) => l.bus) },
        'dead letters could not be recorded; their batch is committed anyway',
      );
      return;
    }
    for (const l of letters)
      this.deps.logger.warn(
        {
          workspace: l.workspace,
          sessionId: l.sessionId,
          eventId: l.eventId,
          stage: l.stage,
          bus: l.bus,
          error: l.error,
        },
        'dead letter',
      );
  }

  private eventLetter(item: Delivered, stage: DeadLetterStage, error: string): DeadLetterFailure {
    const { event, message } = item;
    return {
      deadLetterId: sha(`event\0${event.workspace}\0${event.eventId}`),
      workspace: event.workspace,
      sessionId: event.sessionId,
      eventId: event.eventId,
      stage,
      error,
      bus: position(message, this.deps.busKind),
      // Text made well-formed: the dead letter can be stored, and a replay stores what it could not.
      payload: JSON.stringify(event, (_key, v: unknown) => (typeof v === 'string' ? v.toWellFormed() : v)),
      payloadEncoding: 'json',
    };
  }

  private invalidEvent(message: DeliveredMessage, raw: unknown, error: string): DeadLetterFailure {
    const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' ? v : '');
    const payload = JSON.stringify(raw) ?? 'null';
    const [keyWorkspace = ''] = message.key.split('/', 1);
    return {
      deadLetterId: sha(`invalid\0${message.key}\0${payload}`),
      workspace: text(fields.workspace) || keyWorkspace,
      sessionId: text(fields.sessionId),
      eventId: text(fields.eventId),
      stage: 'decode',
      error,
      bus: position(message, this.deps.busKind),
      payload,
      payloadEncoding: 'json',
    };
  }

  private unreadable(message: DeliveredMessage, error: string): DeadLetterFailure {
    const [workspace = ''] = message.key.split('/', 1);
    return {
      deadLetterId: sha(Buffer.concat([Buffer.from(`message\0${message.key}\0`), message.value])),
      workspace,
      sessionId: message.key.slice(workspace.length + 1),
      eventId: '',
      stage: 'decode',
      error,
      bus: position(message, this.deps.busKind),
      payload: message.value.toString('base64'),
      payloadEncoding: 'base64',
    };
  }
}
