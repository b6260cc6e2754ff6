-- Intent: what each triage worker reports about the pipeline every few seconds (PipelineHealth in
-- schemas/tables.ts): bus lag of its consumer group, throughput and latency. Read by `warden status`
-- (GET /v1/status) and the Grafana pipeline dashboard; short-lived operational data, so a TTL drops it.
CREATE TABLE IF NOT EXISTS pipeline_health_v1
(
    at DateTime64(3, 'UTC'),
    instance LowCardinality(String) COMMENT 'host:pid of the triage worker',
    consumer_group LowCardinality(String),
    bus_kind LowCardinality(String) COMMENT 'kafka or embedded',
    bus_lag UInt64 COMMENT 'messages published but not yet committed by the group (all partitions)',
    interval_ms UInt32 COMMENT 'span the counters below cover',
    events UInt32 COMMENT 'events triaged in the interval',
    batches UInt32,
    verdicts UInt32 COMMENT 'new verdict versions written in the interval',
    batch_ms_avg Float32,
    batch_ms_max Float32,
    event_age_ms_p50 Float64 COMMENT 'median of (verdict written − agent event time): agent export delay + bus + triage',
    sessions_cached UInt32
)
ENGINE = MergeTree
ORDER BY (at, instance)
TTL toDateTime(at) + INTERVAL 30 DAY;
