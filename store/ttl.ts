import type { ClickHouseClient } from '@clickhouse/client';
import type pino from 'pino';
import { z } from 'zod';

const EVENTS_TABLE = 'agent_events_v1';

/** The TTL expression for `days` of events, in the form ClickHouse renders it back in SHOW CREATE. */
export function eventTtlExpression(days: number): string {
  return `toDateTime(event_time) + toIntervalDay(${days})`;
}

/**
 * Makes the events table's TTL match WARDEN_EVENT_TTL_DAYS (0 = keep forever). Runs at every start but
 * alters only on a change: MODIFY TTL re-evaluates every existing part. The retention is a deployment
 * setting, not schema, which is why no migration hard-codes it. Note that the TTL also applies to new
 * rows: an event whose time is already past it is dropped at insert or at the next merge.
 */
export async function applyEventTtl(
  client: ClickHouseClient,
  days: number,
  logger: pino.Logger,
): Promise<'unchanged' | 'modified' | 'removed'> {
  // Interpolated below (DDL would store a query parameter as `_CAST(…)`), so it must be a plain integer.
  if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`event TTL days must be >= 0: ${days}`);
  const rs = await client.query({
    query:
      'SELECT engine_full FROM system.tables WHERE database = currentDatabase() AND name = {table:String}',
    query_params: { table: EVENTS_TABLE },
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'warden:store:ttl' },
  });
  const [row] = (await rs.json()).map((r) => z.object({ engine_full: z.string() }).parse(r));
  if (!row) throw new RangeError(`${EVENTS_TABLE} does not exist: migrate first`);
  const current = / TTL (.+?)(?: SETTINGS |$)/.exec(row.engine_full)?.[1];
  const wanted = days > 0 ? eventTtlExpression(days) : undefined;
  if (current === wanted) return 'unchanged';
  const settings = { log_comment: 'warden:store:ttl' };
  if (wanted) {
    await client.command({
      query: `ALTER TABLE ${EVENTS_TABLE} MODIFY TTL ${wanted}`,
      clickhouse_settings: settings,
    });
    logger.info({ days, previous: current ?? null }, 'event TTL set');
    return 'modified';
  }
  await client.command({ query: `ALTER TABLE ${EVENTS_TABLE} REMOVE TTL`, clickhouse_settings: settings });
  logger.info({ previous: current }, 'event TTL removed: events are kept forever');
  return 'removed';
}
