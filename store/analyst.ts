import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { equals, keyset, oneOf, select, timeRange, toPage } from './sql.ts';
import type { Page, PageRequest, TimeRange } from './sql.ts';
import type { AgentEvent } from '../schemas/agent-event.ts';
import { ALERT_DELIVERY_READ_COLUMNS, EVENT_READ_COLUMNS, rowToAlertDelivery } from './rows.ts';
import type { AlertDelivery, AlertSink, DeliveryOutcome } from '../schemas/alert-delivery.ts';
import {
  AUDIT_READ_COLUMNS,
  DISPOSITION_READ_COLUMNS,
  FINDING_READ_COLUMNS,
  rowToAudit,
  rowToDisposition,
  rowToEvent,
  rowToFinding,
  rowToSession,
  SESSION_READ_COLUMNS,
} from './rows.ts';
import type {
  AnalystVerdict,
  AuditEntry,
  CaseState,
  Disposition,
  DispositionStatus,
  Finding,
  SessionState,
  Severity,
  Verdict,
} from '../schemas/findings.ts';

/**
 * The analysts' read queries: filtered lists with keyset pagination (sql.ts), timelines, cases and the
 * audit log.
 */
export type { Page, PageRequest, SortKey, TimeRange } from './sql.ts';
export { SortKeyError } from './sql.ts';

export interface SessionFilter extends TimeRange {
  workspace: string;
  verdicts?: Verdict[];
  severities?: Severity[];
  caseStatuses?: DispositionStatus[];
  state?: SessionState['status'];
  /** E-mail or user id, exact. */
  user?: string;
  /** Only sessions that name a person (true), or only those that name none (false). */
  attributed?: boolean;
  /** Sessions that serve this one (its approval reviews). */
  linkedTo?: string;
  agent?: string;
  source?: string;
  technique?: string;
  /** Free text over the title, the rationale and the session's commands (case-insensitive substring). */
  text?: string;
}

/** `risk`: escalations, then mistakes, by severity, then latest activity. `recent`: latest activity. */
export type SessionSort = 'risk' | 'recent';

/** A session as the analysts' list shows it: state, latest finding and its case. */
export interface SessionListRow {
  session: SessionState;
  /** Latest finding; undefined while the session has none. */
  findingId?: string;
  title: string;
  detectors: string[];
  case: CaseState;
}

export interface FindingFilter extends TimeRange {
  workspace: string;
  verdicts?: Verdict[];
  severities?: Severity[];
  caseStatuses?: DispositionStatus[];
  analystVerdicts?: AnalystVerdict[];
  assignee?: string;
  sessionId?: string;
  technique?: string;
}

export interface FindingWithCase {
  finding: Finding;
  case: CaseState;
}

export interface AuditFilter extends TimeRange {
  workspace: string;
  action?: string;
  actor?: string;
}

export interface AlertDeliveryFilter {
  workspace: string;
  sessionId?: string;
  findingId?: string;
  sink?: AlertSink;
  outcome?: DeliveryOutcome;
}

/**
 * Each finding's case: the state its latest disposition recorded (every disposition row carries it all),
 * optionally only for some sessions' findings.
 */
const cases = (sessions = '') => `SELECT finding_id AS c_finding_id,
    argMax(toString(status), (created_at, disposition_id)) AS c_status,
    argMax(toString(analyst_verdict), (created_at, disposition_id)) AS c_verdict,
    argMax(assignee, (created_at, disposition_id)) AS c_assignee,
    max(toUnixTimestamp64Milli(created_at)) AS c_updated_ms
  FROM dispositions_v1 FINAL WHERE workspace = {workspace:String} ${sessions} GROUP BY finding_id`;
const CASES = cases();

const CaseRow = z.object({
  c_status: z.string(),
  c_verdict: z.string(),
  c_assignee: z.string(),
  c_updated_ms: z.coerce.number(),
});

/** The case of a finding no analyst has touched. */
export const NO_CASE: CaseState = { status: 'new', analystVerdict: 'undetermined', assignee: '' };

function rowToCase(raw: unknown): CaseState {
  const r = CaseRow.parse(raw);
  // No disposition yet: the LEFT JOIN gave default values.
  if (!r.c_status) return NO_CASE;
  return {
    status: r.c_status as DispositionStatus,
    analystVerdict: r.c_verdict as AnalystVerdict,
    assignee: r.c_assignee,
    updatedAtMs: r.c_updated_ms,
  };
}

const CASE_STATUS = `if(c_status = '', 'new', c_status)`;
const CASE_VERDICT = `if(c_status = '', 'undetermined', c_verdict)`;

/** LIKE pattern matching `text` anywhere, with LIKE's own metacharacters escaped. */
const containsPattern = (text: string) => `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const SessionKeyRow = z.object({
  verdict_rank: z.number(),
  severity_rank: z.number(),
  last_ns: z.string(),
  session_id: z.string(),
});

export async function listSessions(
  client: ClickHouseClient,
  f: SessionFilter,
  sort: SessionSort,
  page: PageRequest,
): Promise<Page<SessionListRow>> {
  const order: [string, string][] =
    sort === 'risk'
      ? [
          ['verdict_rank', 'Int8'],
          ['severity_rank', 'Int8'],
          ['toInt64(last_ns)', 'Int64'],
          ['session_id', 'String'],
        ]
      : [
          ['toInt64(last_ns)', 'Int64'],
          ['session_id', 'String'],
        ];
  const text = f.text?.trim();
  // The latest finding and its case are joined to every session only when a filter needs them (case
  // status, text over titles); otherwise the page is chosen from sessions_v1 alone and only its rows are
  // completed, which keeps a page's cost flat as the workspace grows.
  const joinForFilter = !!(f.caseStatuses?.length || text);
  const from = `SELECT * FROM (
      SELECT ${SESSION_READ_COLUMNS}, CAST(verdict, 'Int8') AS verdict_rank, CAST(severity, 'Int8') AS severity_rank,
        toString(toUnixTimestamp64Nano(last_event_time)) AS last_ns
      FROM sessions_v1 FINAL WHERE workspace = {workspace:String}) AS s
    ${joinForFilter ? `LEFT JOIN (${LATEST_FINDINGS}) AS f ON f.f_session_id = s.session_id AND f.f_version = s.finding_version LEFT JOIN (${CASES}) AS c ON c.c_finding_id = f.f_finding_id` : ''}`;
  const clauses = [
    oneOf('toString(verdict)', 'verdicts', f.verdicts),
    oneOf('toString(severity)', 'severities', f.severities),
    oneOf(CASE_STATUS, 'caseStatuses', f.caseStatuses),
    equals('toString(status)', 'state', f.state),
    f.user === undefined
      ? undefined
      : { sql: 'user_email = {user:String} OR user_id = {user:String}', params: { user: f.user } },
    f.attributed === undefined
      ? undefined
      : { sql: f.attributed ? "identity_source != ''" : "identity_source = ''" },
    equals('linked_session_id', 'linkedTo', f.linkedTo),
    equals('agent', 'agent', f.agent),
    equals('source', 'source', f.source),
    f.technique === undefined
      ? undefined
      : { sql: 'has(techniques, {technique:String})', params: { technique: f.technique } },
    text
      ? {
          sql: `lower(rationale) LIKE {text:String} OR lower(f_title) LIKE {text:String}
            OR session_id = {textExact:String}
            OR session_id IN (SELECT session_id FROM agent_events_v1
              WHERE workspace = {workspace:String} AND lower(tool_command) LIKE {text:String})`,
          params: { text: containsPattern(text), textExact: text },
        }
      : undefined,
    ...timeRange('intDiv(toInt64(last_ns), 1000000)', f),
    keyset(order, page.after, '<'),
  ];
  const rows = await select(
    client,
    'list_sessions',
    from,
    clauses,
    `ORDER BY ${order.map(([c]) => `${c} DESC`).join(', ')} LIMIT {limit:UInt32}`,
    { workspace: f.workspace, limit: page.limit + 1 },
    (raw) => ({ session: rowToSession(raw), key: SessionKeyRow.parse(raw) }),
  );
  const result = toPage(rows, page.limit, ({ key: k }) =>
    sort === 'risk' ? [k.verdict_rank, k.severity_rank, k.last_ns, k.session_id] : [k.last_ns, k.session_id],
  );
  const latest = await latestFindings(
    client,
    f.workspace,
    result.rows.map((r) => r.session),
  );
  return {
    ...result,
    rows: result.rows.map(({ session }) => {
      const l = latest.get(session.sessionId);
      return {
        session,
        ...(l ? { findingId: l.findingId } : {}),
        title: l?.title ?? '',
        detectors: l?.detectors ?? [],
        case: l?.case ?? NO_CASE,
      };
    }),
  };
}

/** Each session's latest finding (version = finding_version), named apart from the session's columns. */
const LATEST_FINDINGS = `SELECT session_id AS f_session_id, version AS f_version, finding_id AS f_finding_id,
    title AS f_title, detectors AS f_detectors
  FROM findings_v1 FINAL WHERE workspace = {workspace:String}`;

const LatestRow = z.object({
  f_session_id: z.string(),
  f_version: z.number(),
  f_finding_id: z.string(),
  f_title: z.string(),
  f_detectors: z.array(z.string()),
});

/** The latest finding of each of these sessions, with its case, by session id. */
async function latestFindings(client: ClickHouseClient, workspace: string, sessions: SessionState[]) {
  const found = new Map<string, { findingId: string; title: string; detectors: string[]; case: CaseState }>();
  if (!sessions.length) return found;
  const ids = sessions.map((s) => s.sessionId);
  const version = new Map(sessions.map((s) => [s.sessionId, s.findingVersion]));
  const onlyThese = 'AND session_id IN {ids:Array(String)}';
  const rows = await select(
    client,
    'latest_findings',
    `SELECT * FROM (${LATEST_FINDINGS} ${onlyThese}) AS f
      LEFT JOIN (${cases(onlyThese)}) AS c ON c.c_finding_id = f.f_finding_id`,
    [],
    '',
    { workspace, ids },
    (raw) => ({ f: LatestRow.parse(raw), case: rowToCase(raw) }),
  );
  for (const { f, case: c } of rows) {
    if (version.get(f.f_session_id) !== f.f_version) continue;
    found.set(f.f_session_id, {
      findingId: f.f_finding_id,
      title: f.f_title,
      detectors: f.f_detectors,
      case: c,
    });
  }
  return found;
}

const FINDINGS_FROM = `SELECT * FROM (
      SELECT ${FINDING_READ_COLUMNS} FROM findings_v1 FINAL WHERE workspace = {workspace:String}) AS f
    LEFT JOIN (${CASES}) AS c ON c.c_finding_id = f.finding_id`;

const toFindingWithCase = (raw: unknown): FindingWithCase => ({
  finding: rowToFinding(raw),
  case: rowToCase(raw),
});

export async function listFindings(
  client: ClickHouseClient,
  f: FindingFilter,
  page: PageRequest,
): Promise<Page<FindingWithCase>> {
  const order: [string, string][] = [
    ['created_at_ms', 'Int64'],
    ['finding_id', 'String'],
  ];
  const rows = await select(
    client,
    'list_findings',
    FINDINGS_FROM,
    [
      oneOf('toString(verdict)', 'verdicts', f.verdicts),
      oneOf('toString(severity)', 'severities', f.severities),
      oneOf(CASE_STATUS, 'caseStatuses', f.caseStatuses),
      oneOf(CASE_VERDICT, 'analystVerdicts', f.analystVerdicts),
      equals('c_assignee', 'assignee', f.assignee),
      equals('session_id', 'sessionId', f.sessionId),
      f.technique === undefined
        ? undefined
        : { sql: 'has(techniques, {technique:String})', params: { technique: f.technique } },
      ...timeRange('created_at_ms', f),
      keyset(order, page.after, '<'),
    ],
    'ORDER BY created_at_ms DESC, finding_id DESC LIMIT {limit:UInt32}',
    { workspace: f.workspace, limit: page.limit + 1 },
    toFindingWithCase,
  );
  return toPage(rows, page.limit, ({ finding }) => [finding.createdAtMs, finding.findingId]);
}

/** Findings by id, with their cases; unknown ids are absent from the result. */
export function getFindings(client: ClickHouseClient, workspace: string, ids: string[]) {
  return select(
    client,
    'get_findings',
    FINDINGS_FROM,
    [{ sql: 'finding_id IN {ids:Array(String)}', params: { ids } }],
    '',
    { workspace },
    toFindingWithCase,
  );
}

/** Dispositions of some findings or of a whole session, newest first. */
export function listDispositions(
  client: ClickHouseClient,
  workspace: string,
  of: { findingIds: string[] } | { sessionId: string },
): Promise<Disposition[]> {
  return select(
    client,
    'list_dispositions',
    `SELECT ${DISPOSITION_READ_COLUMNS} FROM dispositions_v1 FINAL`,
    [
      { sql: 'workspace = {workspace:String}' },
      'findingIds' in of
        ? { sql: 'finding_id IN {ids:Array(String)}', params: { ids: of.findingIds } }
        : { sql: 'session_id = {sessionId:String}', params: { sessionId: of.sessionId } },
    ],
    'ORDER BY created_at DESC, disposition_id DESC',
    { workspace },
    rowToDisposition,
  );
}

/** Events by id (the evidence of findings), in no particular order; unknown ids are left out. */
export function eventsById(
  client: ClickHouseClient,
  workspace: string,
  ids: string[],
): Promise<AgentEvent[]> {
  return select(
    client,
    'events_by_id',
    `SELECT ${EVENT_READ_COLUMNS} FROM agent_events_v1 FINAL`,
    [{ sql: 'workspace = {workspace:String}' }, { sql: 'event_id IN {ids:Array(String)}', params: { ids } }],
    '',
    { workspace },
    rowToEvent,
  );
}

const EventKeyRow = z.object({ t: z.string(), seq: z.coerce.string(), event_id: z.string() });

/** One page of a session's timeline in session order (time, vendor sequence, event id). */
export async function sessionTimeline(
  client: ClickHouseClient,
  workspace: string,
  sessionId: string,
  page: PageRequest,
): Promise<Page<AgentEvent>> {
  const order: [string, string][] = [
    ['toInt64(t)', 'Int64'],
    ['toInt64(seq)', 'Int64'],
    ['event_id', 'String'],
  ];
  // Events without a vendor sequence sort after those with one at the same instant, as in SESSION_EVENTS.
  const rows = await select(
    client,
    'session_timeline',
    `SELECT * FROM (SELECT ${EVENT_READ_COLUMNS}, event_id, toString(toUnixTimestamp64Nano(event_time)) AS t,
        toString(ifNull(sequence, 9223372036854775807)) AS seq
      FROM agent_events_v1 FINAL WHERE workspace = {workspace:String} AND session_id = {sessionId:String})`,
    [keyset(order, page.after, '>')],
    'ORDER BY toInt64(t), toInt64(seq), event_id LIMIT {limit:UInt32}',
    { workspace, sessionId, limit: page.limit + 1 },
    (raw) => ({ event: rowToEvent(raw), key: EventKeyRow.parse(raw) }),
  );
  const result = toPage(rows, page.limit, ({ key }) => [key.t, key.seq, key.event_id]);
  return { ...result, rows: result.rows.map((r) => r.event) };
}

export async function listAudit(
  client: ClickHouseClient,
  f: AuditFilter,
  page: PageRequest,
): Promise<Page<AuditEntry>> {
  const order: [string, string][] = [
    ['at_ms', 'Int64'],
    ['audit_id', 'String'],
  ];
  const rows = await select(
    client,
    'list_audit',
    `SELECT * FROM (SELECT ${AUDIT_READ_COLUMNS} FROM audit_log_v1 WHERE workspace = {workspace:String})`,
    [
      equals('action', 'action', f.action),
      equals('actor', 'actor', f.actor),
      ...timeRange('at_ms', f),
      keyset(order, page.after, '<'),
    ],
    'ORDER BY at_ms DESC, audit_id DESC LIMIT {limit:UInt32}',
    { workspace: f.workspace, limit: page.limit + 1 },
    rowToAudit,
  );
  return toPage(rows, page.limit, (a) => [a.atMs, a.auditId]);
}

/**
 * The alert delivery log, newest first. (created_at, alert_id, attempt) alone is not unique: one alert's
 * pending rows for several sinks share all three, so sink and action complete the key.
 */
export async function listAlertDeliveries(
  client: ClickHouseClient,
  f: AlertDeliveryFilter,
  page: PageRequest,
): Promise<Page<AlertDelivery>> {
  const order: [string, string][] = [
    ['created_at_ms', 'Int64'],
    ['alert_id', 'String'],
    ['sink_name', 'String'],
    ['action_name', 'String'],
    ['attempt', 'Int64'],
  ];
  const rows = await select(
    client,
    'list_alert_deliveries',
    `SELECT * FROM (SELECT ${ALERT_DELIVERY_READ_COLUMNS}, toString(sink) AS sink_name,
        toString(action) AS action_name, toString(outcome) AS outcome_name
      FROM alert_deliveries_v1 WHERE workspace = {workspace:String})`,
    [
      equals('session_id', 'sessionId', f.sessionId),
      equals('finding_id', 'findingId', f.findingId),
      equals('sink_name', 'sink', f.sink),
      equals('outcome_name', 'outcome', f.outcome),
      keyset(order, page.after, '<'),
    ],
    `ORDER BY ${order.map(([c]) => `${c} DESC`).join(', ')} LIMIT {limit:UInt32}`,
    { workspace: f.workspace, limit: page.limit + 1 },
    rowToAlertDelivery,
  );
  return toPage(rows, page.limit, (d) => [d.createdAtMs, d.alertId, d.sink, d.action, d.attempt]);
}

/** What one agent version sends under one event name: how often, when last, with which attributes. */
export interface TelemetryShape {
  agent: string;
  agentVersion: string;
  source: string;
  sourceEvent: string;
  events: number;
  lastSeenMs: number;
  /** Every attribute key seen on these events, resource keys prefixed `resource.`, sorted. */
  attributeKeys: string[];
}

const TelemetryShapeRow = z.object({
  agent_name: z.string(),
  agent_version: z.string(),
  source: z.string(),
  source_event: z.string(),
  events: z.coerce.number(),
  last_seen_ms: z.coerce.number(),
  attribute_keys: z.array(z.string()),
});

/**
 * What the workspace's agents send, per agent version and event name: what a platform team checks when an
 * agent upgrades (new event names, attributes gone). Bounded by the time range, as the events are.
 */
export function telemetryShapes(
  client: ClickHouseClient,
  f: { workspace: string; agent?: string } & TimeRange,
): Promise<TelemetryShape[]> {
  return select(
    client,
    'telemetry_shapes',
    `SELECT agent_name, agent_version, toString(source) AS source, toString(source_event) AS source_event,
        count() AS events, toUnixTimestamp64Milli(max(event_time)) AS last_seen_ms,
        arraySort(groupUniqArrayArray(mapKeys(attributes))) AS attribute_keys
      FROM agent_events_v1`,
    [
      equals('workspace', 'workspace', f.workspace),
      equals('agent_name', 'agent', f.agent),
      ...timeRange('toUnixTimestamp64Milli(event_time)', f),
    ],
    'GROUP BY agent_name, agent_version, source, source_event ORDER BY agent_name, agent_version, source_event',
    {},
    (raw) => {
      const r = TelemetryShapeRow.parse(raw);
      return {
        agent: r.agent_name,
        agentVersion: r.agent_version,
        source: r.source,
        sourceEvent: r.source_event,
        events: r.events,
        lastSeenMs: r.last_seen_ms,
        attributeKeys: r.attribute_keys,
      };
    },
  );
}
