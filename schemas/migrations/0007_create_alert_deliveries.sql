-- Intent: the on-call alert delivery log (AlertDelivery in schemas/alert-delivery.ts), append-only. A delivery
-- is one (alert_id, sink, action); it gets a `pending` row (attempt 0) when alerts/ decides to alert, written
-- before triage commits the batch so a crash cannot lose the alert, then one row per HTTP attempt
-- (`retrying`, `delivered` or `failed`). Its state is its row with the highest attempt. The log is also the
-- de-duplication truth: the highest severity already triggered for a session, across restarts and replicas.
CREATE TABLE IF NOT EXISTS alert_deliveries_v1
(
    workspace LowCardinality(String),
    session_id String CODEC(ZSTD(1)),
    created_at DateTime64(3, 'UTC'),
    alert_id String COMMENT 'deterministic per (workspace, session, finding): the webhook-id receivers de-duplicate on',
    finding_id String COMMENT 'findings_v1.finding_id, also the PagerDuty dedup_key',
    sink Enum8('webhook' = 1, 'slack' = 2, 'pagerduty' = 3),
    action Enum8('trigger' = 1, 'resolve' = 2),
    severity Enum8('info' = 1, 'low' = 2, 'medium' = 3, 'high' = 4, 'critical' = 5),
    attempt UInt16 COMMENT '0 on the pending row, then 1, 2, … per HTTP attempt',
    outcome Enum8('pending' = 1, 'retrying' = 2, 'delivered' = 3, 'failed' = 4),
    http_status UInt16 COMMENT '0 when there was no HTTP answer (network error, timeout, refused target)',
    error String COMMENT 'why the attempt failed; never a secret, a routing key or a full URL',
    target_host LowCardinality(String) COMMENT 'host of the sink URL only: webhook and Slack URLs are secrets',
    next_attempt_at DateTime64(3, 'UTC') COMMENT 'when the next attempt is due (pending, retrying); epoch 0 when none',
    alert_json String COMMENT 'the alert (Alert in schemas/alert-delivery.ts) on pending rows, so a restart can resume; empty on others' CODEC(ZSTD(3)),

    INDEX idx_finding_id finding_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_created_at created_at TYPE minmax GRANULARITY 1
)
ENGINE = MergeTree
ORDER BY (workspace, session_id, created_at, alert_id);
