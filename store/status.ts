import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import { deadLetterCounts } from './dead-letters.ts';

/** What `warden status` shows about the running pipeline, from the store's point of view. */
export interface PipelineStatus {
  ingest: { eventsLast5m: number; lastIngestedAtMs?: number };
  /**
   * Each triage worker heard from in the last two minutes: its latest lag, and its throughput, batch time
   * and event age over those two minutes (intervals without batches do not dilute the latter two).
   */
  workers: {
    instance: string;
    consumerGroup: string;
    busKind: string;
    busLag: number;
    atMs: number;
    eventsPerSecond: number;
    batchMsAvg: number;
    eventAgeMsP50: number;
    sessionsCached: number;
  }[];
  sessions: { open: number; flaggedOpen: number; total: number };
  /** Records triage could not store or judge, waiting for an admin (open) and in all. */
  deadLetters: Awaited<ReturnType<typeof deadLetterCounts>>;
  store: { bytesOnDisk: number; rows: number };
  /** Pre-action review decisions of the last hour (events of source `warden-review`), and their latency. */
  reviews: { allow: number; ask: number; deny: number; latencyMsP50: number; latencyMsP99: number };
}

const num = z.coerce.number();

async function rows(client: ClickHouseClient, name: string, query: string, params: Record<string, unknown>) {
  const rs = await client.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: `warden:store:${name}` },
  });
  return rs.json<Record<string, unknown>>();
}

export async function pipelineStatus(client: ClickHouseClient, workspace: string): Promise<PipelineStatus> {
  const [ingest, workers, sessions, store, deadLetters, reviews] = await Promise.all([
    // Recent event times only: a cheap partition range, since the table is partitioned by event day.
    rows(
      client,
      'status_ingest',
      `SELECT count() AS n, toUnixTimestamp64Milli(max(ingested_at)) AS last_ms FROM agent_events_v1
        WHERE workspace = {workspace:String} AND event_time >= now64(3) - INTERVAL 2 DAY
          AND ingested_at >= now64(3) - INTERVAL 5 MINUTE`,
      { workspace },
    ),
    rows(
      client,
      'status_workers',
      `SELECT instance, argMax(consumer_group, at) AS consumer_group, argMax(bus_kind, at) AS bus_kind,
          argMax(bus_lag, at) AS bus_lag, toUnixTimestamp64Milli(max(at)) AS at_ms,
          sum(events) * 1000 / greatest(sum(interval_ms), 1) AS events_per_second,
          sum(batch_ms_avg * batches) / greatest(sum(batches), 1) AS batch_ms_avg,
          ifNotFinite(avgIf(event_age_ms_p50, events > 0), 0) AS event_age_ms_p50,
          argMax(sessions_cached, at) AS sessions_cached
        FROM pipeline_health_v1 WHERE at >= now64(3) - INTERVAL 2 MINUTE
        GROUP BY instance ORDER BY instance`,
      {},
    ),
    rows(
      client,
      'status_sessions',
      `SELECT countIf(status = 'open') AS open, countIf(status = 'open' AND verdict != 'benign') AS flagged_open,
          count() AS total
        FROM sessions_v1 FINAL WHERE workspace = {workspace:String}`,
      { workspace },
    ),
    rows(
      client,
      'status_store',
      `SELECT sum(bytes_on_disk) AS bytes, sum(rows) AS rows FROM system.parts
        WHERE database = currentDatabase() AND active`,
      {},
    ),
    deadLetterCounts(client, workspace),
    rows(
      client,
      'status_reviews',
      `SELECT countIf(decision_raw = 'allow') AS allow, countIf(decision_raw = 'ask') AS ask,
          countIf(decision_raw = 'deny') AS deny,
          ifNotFinite(quantile(0.5)(toFloat64OrNull(attributes['warden.review.ms'])), 0) AS p50,
          ifNotFinite(quantile(0.99)(toFloat64OrNull(attributes['warden.review.ms'])), 0) AS p99
        FROM agent_events_v1 WHERE workspace = {workspace:String} AND source = 'warden-review'
          AND event_time >= now64(3) - INTERVAL 1 HOUR`,
      { workspace },
    ),
  ]);
  const r = reviews[0] ?? {};
  const i = ingest[0] ?? {};
  const s = sessions[0] ?? {};
  const st = store[0] ?? {};
  const lastMs = num.parse(i.last_ms ?? 0);
  return {
    ingest: { eventsLast5m: num.parse(i.n ?? 0), ...(lastMs > 0 ? { lastIngestedAtMs: lastMs } : {}) },
    workers: workers.map((w) => ({
      instance: String(w.instance),
      consumerGroup: String(w.consumer_group),
      busKind: String(w.bus_kind),
      busLag: num.parse(w.bus_lag),
      atMs: num.parse(w.at_ms),
      eventsPerSecond: num.parse(w.events_per_second),
      batchMsAvg: num.parse(w.batch_ms_avg),
      eventAgeMsP50: num.parse(w.event_age_ms_p50),
      sessionsCached: num.parse(w.sessions_cached),
    })),
    sessions: {
      open: num.parse(s.open ?? 0),
      flaggedOpen: num.parse(s.flagged_open ?? 0),
      total: num.parse(s.total ?? 0),
    },
    deadLetters,
    store: { bytesOnDisk: num.parse(st.bytes ?? 0), rows: num.parse(st.rows ?? 0) },
    reviews: {
      allow: num.parse(r.allow ?? 0),
      ask: num.parse(r.ask ?? 0),
      deny: num.parse(r.deny ?? 0),
      latencyMsP50: num.parse(r.p50 ?? 0),
      latencyMsP99: num.parse(r.p99 ?? 0),
    },
  };
}
