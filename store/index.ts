import type { ClickHouseClient } from '@clickhouse/client';
import { drainPending } from 'chdb';
import type pino from 'pino';
import type { AgentEvent } from '../schemas/agent-event.ts';
import type { AlertDelivery } from '../schemas/alert-delivery.ts';
import { auditToRow, dispositionToRow, eventToRow, findingToRow, healthToRow, sessionToRow } from './rows.ts';
import type { AuditEntry, Disposition, Finding, PipelineHealth, SessionState } from '../schemas/findings.ts';
import {
  eventsById,
  getFindings,
  listAlertDeliveries,
  listAudit,
  listDispositions,
  listFindings,
  listSessions,
  sessionTimeline,
  telemetryShapes,
} from './analyst.ts';
import type {
  AlertDeliveryFilter,
  AuditFilter,
  FindingFilter,
  FindingWithCase,
  Page,
  PageRequest,
  SessionFilter,
  SessionListRow,
  SessionSort,
  TelemetryShape,
  TimeRange,
} from './analyst.ts';
import { chdbPath, createClickHouse } from './client.ts';
import type { StoreConfig } from './config.ts';
import { migrate } from './migrate.ts';
import {
  GET_SESSION,
  GET_SESSIONS,
  OPEN_SESSIONS_IDLE_SINCE,
  runQuery,
  SESSION_EVENTS,
  SESSIONS_EVENTS,
  SESSION_FINDINGS,
} from './queries.ts';
import { getDeadLetters, listDeadLetters, markReplayed, recordDeadLetters } from './dead-letters.ts';
import type { DeadLetterFailure, DeadLetterFilter } from './dead-letters.ts';
import type { DeadLetter } from '../schemas/dead-letter.ts';
import { pipelineStatus } from './status.ts';
import type { PipelineStatus } from './status.ts';
import { applyEventTtl } from './ttl.ts';

export { createClickHouse } from './client.ts';
export { StoreConfig } from './config.ts';
export { isRetryable } from './errors.ts';
export { migrate, MigrationError } from './migrate.ts';
export type * from './analyst.ts';
export { NO_CASE, SortKeyError } from './analyst.ts';
export type { PipelineStatus } from './status.ts';
export type { DeadLetterFailure, DeadLetterFilter } from './dead-letters.ts';

/** An event the store will not keep, with the reason (it would be dropped at insert). */
export interface RefusedEvent {
  event: AgentEvent;
  reason: string;
}

/** Warden's ClickHouse storage: events, session states and findings. */
export interface Store {
  readonly kind: 'chdb' | 'server';
  /** For the API's read queries and tests. */
  readonly client: ClickHouseClient;
  /**
   * Appends events. Pass the same `dedupToken` when re-sending the same batch (e.g. the bus offsets it
   * came from): the repeat is dropped at insert. Events that arrive again in another batch collapse by
   * event id instead. Events older than the retention are not written but returned, never dropped silently.
   */
  insertEvents(
    events: AgentEvent[],
    dedupToken?: string,
    nowMs?: number,
  ): Promise<{ refused: RefusedEvent[] }>;
  /** The events `insertEvents` at `nowMs` would refuse (older than the retention), known before it runs. */
  refusedAtInsert(events: AgentEvent[], nowMs: number): RefusedEvent[];
  /** Every stored event of a session, de-duplicated (FINAL), ordered by time, sequence, event id. */
  sessionEvents(workspace: string, sessionId: string): Promise<AgentEvent[]>;
  /** `sessionEvents` and `getSession` for many sessions of one workspace, in two queries. */
  loadSessions(
    workspace: string,
    sessionIds: string[],
  ): Promise<Map<string, { events: AgentEvent[]; state: SessionState | undefined }>>;
  /** Writes session states; the one with the latest `updatedAtMs` wins. */
  upsertSessions(sessions: SessionState[]): Promise<void>;
  getSession(workspace: string, sessionId: string): Promise<SessionState | undefined>;
  insertFindings(findings: Finding[]): Promise<void>;
  /** Versions of a session's verdict, oldest first, de-duplicated. */
  findings(workspace: string, sessionId: string): Promise<Finding[]>;
  /** Open sessions whose last activity is older than the cutoff (for idle closing), stalest first. */
  openSessionsIdleSince(cutoffMs: number, limit?: number): Promise<SessionState[]>;

  // The analysts' surface (see analyst.ts): keyset-paginated lists, timelines, cases and the audit log.
  listSessions(filter: SessionFilter, sort: SessionSort, page: PageRequest): Promise<Page<SessionListRow>>;
  sessionTimeline(workspace: string, sessionId: string, page: PageRequest): Promise<Page<AgentEvent>>;
  /** Events by id, unordered; unknown ids are left out. */
  eventsById(workspace: string, eventIds: string[]): Promise<AgentEvent[]>;
  /** Session states by id; unknown ids are left out. */
  getSessions(workspace: string, sessionIds: string[]): Promise<SessionState[]>;
  listFindings(filter: FindingFilter, page: PageRequest): Promise<Page<FindingWithCase>>;
  /** Findings by id with their cases; unknown ids are left out. */
  getFindings(workspace: string, findingIds: string[]): Promise<FindingWithCase[]>;
  /** Dispositions of some findings or of a session, newest first. */
  dispositions(
    workspace: string,
    of: { findingIds: string[] } | { sessionId: string },
  ): Promise<Disposition[]>;
  insertDispositions(dispositions: Disposition[]): Promise<void>;
  appendAudit(entries: AuditEntry[]): Promise<void>;
  listAudit(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEntry>>;
  /** The alert delivery log (written by alerts/), newest first. */
  listAlertDeliveries(filter: AlertDeliveryFilter, page: PageRequest): Promise<Page<AlertDelivery>>;
  /** What the agents send, per agent version and event name (see analyst.ts). */
  telemetryShapes(filter: { workspace: string; agent?: string } & TimeRange): Promise<TelemetryShape[]>;

  /** Records that triage could not store or judge (a repeat failure counts one more attempt). */
  recordDeadLetters(failures: DeadLetterFailure[], nowMs?: number): Promise<DeadLetter[]>;
  listDeadLetters(filter: DeadLetterFilter, page: PageRequest): Promise<Page<DeadLetter>>;
  /** Dead letters by id; unknown ids are left out. */
  deadLetters(workspace: string, ids: string[]): Promise<DeadLetter[]>;
  markDeadLettersReplayed(letters: DeadLetter[], nowMs?: number): Promise<void>;

  /** Triage workers' periodic pipeline reports, and what `warden status` shows. */
  recordHealth(reports: PipelineHealth[]): Promise<void>;
  pipelineStatus(workspace: string): Promise<PipelineStatus>;
  close(): Promise<void>;
}

type Table =
  | 'agent_events_v1'
  | 'sessions_v1'
  | 'findings_v1'
  | 'dispositions_v1'
  | 'audit_log_v1'
  | 'pipeline_health_v1';

/**
 * Connects, creates the database, migrates and applies the event TTL.
 *
 * chDB binds one data directory per process: stores on the same WARDEN_DATA_DIR coexist, but opening
 * one on another directory while one is open throws ChdbConnectionError. Each store is one chDB
 * session, and a session runs one query at a time while separate sessions run in parallel: give the
 * API its own store so its reads do not queue behind triage's inserts.
 */
export async function openStore(config: StoreConfig, logger: pino.Logger): Promise<Store> {
  const kind = config.CLICKHOUSE_URL ? 'server' : 'chdb';
  const log = logger.child({ component: 'store' });
  const client = await createClickHouse(config, log);
  try {
    const started = performance.now();
    const { applied } = await migrate(client, log);
    await applyEventTtl(client, config.WARDEN_EVENT_TTL_DAYS, log);
    log.info(
      {
        kind,
        database: config.CLICKHOUSE_DATABASE,
        ...(kind === 'chdb'
          ? { path: chdbPath(config) }
          : { host: new URL(config.CLICKHOUSE_URL ?? '').host }),
        migrationsApplied: applied.length,
        ms: Math.round(performance.now() - started),
      },
      'store open',
    );
  } catch (err) {
    await closeClient(client, kind);
    throw err;
  }
  return new ClickHouseStore(kind, client, config.WARDEN_EVENT_TTL_DAYS);
}

const NANOS_PER_DAY = 86_400_000_000_000n;

class ClickHouseStore implements Store {
  #closed = false;

  constructor(
    readonly kind: 'chdb' | 'server',
    readonly client: ClickHouseClient,
    private readonly retentionDays: number,
  ) {}

  refusedAtInsert(events: AgentEvent[], nowMs: number): RefusedEvent[] {
    if (this.retentionDays === 0) return [];
    // The table's TTL would drop these at insert: say so instead (the same cutoff, in event time).
    const cutoff = BigInt(nowMs) * 1_000_000n - BigInt(this.retentionDays) * NANOS_PER_DAY;
    return events
      .filter((event) => BigInt(event.timeUnixNano) < cutoff)
      .map((event) => ({ event, reason: `older than the ${this.retentionDays}-day event retention` }));
  }

  async insertEvents(events: AgentEvent[], dedupToken?: string, nowMs = Date.now()) {
    const refused = this.refusedAtInsert(events, nowMs);
    const refusedIds = new Set(refused.map((r) => r.event));
    const kept = refused.length ? events.filter((e) => !refusedIds.has(e)) : events;
    await this.#insert('agent_events_v1', kept.map(eventToRow), 'insert_events', dedupToken);
    return { refused };
  }

  sessionEvents(workspace: string, sessionId: string): Promise<AgentEvent[]> {
    return runQuery(this.client, SESSION_EVENTS, { workspace, sessionId });
  }

  async loadSessions(workspace: string, sessionIds: string[]) {
    const [events, states] = await Promise.all([
      runQuery(this.client, SESSIONS_EVENTS, { workspace, sessionIds }),
      runQuery(this.client, GET_SESSIONS, { workspace, sessionIds }),
    ]);
    const loaded = new Map(
      sessionIds.map((id) => [
        id,
        { events: [] as AgentEvent[], state: undefined as SessionState | undefined },
      ]),
    );
    for (const e of events) loaded.get(e.sessionId)?.events.push(e);
    for (const s of states) {
      const entry = loaded.get(s.sessionId);
      if (entry) entry.state = s;
    }
    return loaded;
  }

  async upsertSessions(sessions: SessionState[]): Promise<void> {
    await this.#insert('sessions_v1', sessions.map(sessionToRow), 'upsert_sessions');
  }

  async getSession(workspace: string, sessionId: string): Promise<SessionState | undefined> {
    return (await runQuery(this.client, GET_SESSION, { workspace, sessionId }))[0];
  }

  async insertFindings(findings: Finding[]): Promise<void> {
    await this.#insert('findings_v1', findings.map(findingToRow), 'insert_findings');
  }

  findings(workspace: string, sessionId: string): Promise<Finding[]> {
    return runQuery(this.client, SESSION_FINDINGS, { workspace, sessionId });
  }

  openSessionsIdleSince(cutoffMs: number, limit = 1000): Promise<SessionState[]> {
    return runQuery(this.client, OPEN_SESSIONS_IDLE_SINCE, { cutoffMs, limit });
  }

  listSessions(filter: SessionFilter, sort: SessionSort, page: PageRequest) {
    return listSessions(this.client, filter, sort, page);
  }

  sessionTimeline(workspace: string, sessionId: string, page: PageRequest) {
    return sessionTimeline(this.client, workspace, sessionId, page);
  }

  async eventsById(workspace: string, eventIds: string[]) {
    return eventIds.length ? eventsById(this.client, workspace, eventIds) : [];
  }

  async getSessions(workspace: string, sessionIds: string[]) {
    return sessionIds.length ? runQuery(this.client, GET_SESSIONS, { workspace, sessionIds }) : [];
  }

  listFindings(filter: FindingFilter, page: PageRequest) {
    return listFindings(this.client, filter, page);
  }

  async getFindings(workspace: string, findingIds: string[]) {
    return findingIds.length ? getFindings(this.client, workspace, findingIds) : [];
  }

  dispositions(workspace: string, of: { findingIds: string[] } | { sessionId: string }) {
    return listDispositions(this.client, workspace, of);
  }

  async insertDispositions(dispositions: Disposition[]): Promise<void> {
    await this.#insert('dispositions_v1', dispositions.map(dispositionToRow), 'insert_dispositions');
  }

  async appendAudit(entries: AuditEntry[]): Promise<void> {
    await this.#insert('audit_log_v1', entries.map(auditToRow), 'append_audit');
  }

  listAudit(filter: AuditFilter, page: PageRequest) {
    return listAudit(this.client, filter, page);
  }

  listAlertDeliveries(filter: AlertDeliveryFilter, page: PageRequest) {
    return listAlertDeliveries(this.client, filter, page);
  }

  telemetryShapes(filter: { workspace: string; agent?: string } & TimeRange) {
    return telemetryShapes(this.client, filter);
  }

  async recordHealth(reports: PipelineHealth[]): Promise<void> {
    await this.#insert('pipeline_health_v1', reports.map(healthToRow), 'record_health');
  }

  pipelineStatus(workspace: string) {
    return pipelineStatus(this.client, workspace);
  }

  recordDeadLetters(failures: DeadLetterFailure[], nowMs = Date.now()) {
    return recordDeadLetters(this.client, failures, nowMs);
  }

  listDeadLetters(filter: DeadLetterFilter, page: PageRequest) {
    return listDeadLetters(this.client, filter, page);
  }

  deadLetters(workspace: string, ids: string[]) {
    return getDeadLetters(this.client, workspace, ids);
  }

  markDeadLettersReplayed(letters: DeadLetter[], nowMs = Date.now()) {
    return markReplayed(this.client, letters, nowMs);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await closeClient(this.client, this.kind);
  }

  /** JSONEachRow insert; the token (when given) makes an identical retry a no-op. */
  async #insert(table: Table, rows: object[], name: string, dedupToken?: string): Promise<void> {
    if (!rows.length) return;
    await this.client.insert({
      table,
      values: rows,
      format: 'JSONEachRow',
      clickhouse_settings: {
        log_comment: `warden:store:${name}`,
        ...(dedupToken === undefined ? {} : { insert_deduplication_token: dedupToken }),
      },
    });
  }
}

async function closeClient(client: ClickHouseClient, kind: 'chdb' | 'server'): Promise<void> {
  await client.close();
  // chDB releases its data directory only after in-flight native work ends; wait, so the process may
  // open another directory next (tests do).
  if (kind === 'chdb') await drainPending();
}
