import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import {
  EVENT_READ_COLUMNS,
  FINDING_READ_COLUMNS,
  rowToEvent,
  rowToFinding,
  rowToSession,
  SESSION_READ_COLUMNS,
} from './rows.ts';

/**
 * The store's named read queries. Values travel only as server-side `{name:Type}` parameters; the only
 * interpolations are the constant column lists from store/rows.ts. Every read of a Replacing table
 * uses FINAL, so a replayed write never shows up twice, merged or not.
 */
export interface NamedQuery<P, R> {
  /** Goes into log_comment as `warden:store:<name>`. */
  name: string;
  sql: string;
  params: z.ZodType<P>;
  row: (raw: unknown) => R;
}

const SessionKey = z.object({ workspace: z.string(), sessionId: z.string() });

export const SESSION_EVENTS = {
  name: 'session_events',
  sql: `SELECT ${EVENT_READ_COLUMNS} FROM agent_events_v1 FINAL
    WHERE workspace = {workspace:String} AND session_id = {sessionId:String}
    ORDER BY event_time, sequence, event_id`,
  params: SessionKey,
  row: rowToEvent,
};

const SessionKeys = z.object({ workspace: z.string(), sessionIds: z.array(z.string()) });

/** Several sessions' events in one query: a batch of new sessions costs one round trip, not one each. */
export const SESSIONS_EVENTS = {
  name: 'sessions_events',
  sql: `SELECT ${EVENT_READ_COLUMNS} FROM agent_events_v1 FINAL
    WHERE workspace = {workspace:String} AND session_id IN {sessionIds:Array(String)}
    ORDER BY session_id, event_time, sequence, event_id`,
  params: SessionKeys,
  row: rowToEvent,
};

export const GET_SESSIONS = {
  name: 'get_sessions',
  sql: `SELECT ${SESSION_READ_COLUMNS} FROM sessions_v1 FINAL
    WHERE workspace = {workspace:String} AND session_id IN {sessionIds:Array(String)}`,
  params: SessionKeys,
  row: rowToSession,
};

export const GET_SESSION = {
  name: 'get_session',
  sql: `SELECT ${SESSION_READ_COLUMNS} FROM sessions_v1 FINAL
    WHERE workspace = {workspace:String} AND session_id = {sessionId:String}
    LIMIT 1`,
  params: SessionKey,
  row: rowToSession,
};

export const SESSION_FINDINGS = {
  name: 'session_findings',
  sql: `SELECT ${FINDING_READ_COLUMNS} FROM findings_v1 FINAL
    WHERE workspace = {workspace:String} AND session_id = {sessionId:String}
    ORDER BY version, created_at, finding_id`,
  params: SessionKey,
  row: rowToFinding,
};

// FINAL is applied before WHERE, so a session closed by a later row is not "open" here.
export const OPEN_SESSIONS_IDLE_SINCE = {
  name: 'open_sessions_idle_since',
  sql: `SELECT ${SESSION_READ_COLUMNS} FROM sessions_v1 FINAL
    WHERE status = 'open' AND last_activity_at < fromUnixTimestamp64Milli({cutoffMs:Int64}, 'UTC')
    ORDER BY last_activity_at, workspace, session_id
    LIMIT {limit:UInt32}`,
  params: z.object({ cutoffMs: z.number().int(), limit: z.number().int().min(1).max(100_000) }),
  row: rowToSession,
};

/** Runs a named query with validated parameters and converts each JSONEachRow row. */
export async function runQuery<P extends Record<string, unknown>, R>(
  client: ClickHouseClient,
  query: NamedQuery<P, R>,
  params: P,
): Promise<R[]> {
  const rs = await client.query({
    query: query.sql,
    query_params: query.params.parse(params),
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: `warden:store:${query.name}` },
  });
  return (await rs.json()).map(query.row);
}
