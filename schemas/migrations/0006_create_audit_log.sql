-- Intent: every analyst action through the API (AuditEntry in schemas/tables.ts): who, what, when, and the
-- state before and after. Append-only: plain MergeTree, never updated or deleted by Warden; the API only
-- inserts and (for admins) reads. Partitioned by month so retention can drop whole months if required.
CREATE TABLE IF NOT EXISTS audit_log_v1
(
    workspace LowCardinality(String),
    at DateTime64(3, 'UTC'),
    audit_id String COMMENT 'random UUID per entry',
    actor LowCardinality(String) COMMENT 'the API key''s name (key=workspace:role:name) or its fingerprint',
    role LowCardinality(String),
    action LowCardinality(String) COMMENT 'disposition.update, finding.note, …',
    target_type LowCardinality(String) COMMENT 'finding, session, …',
    target_id String,
    before_json String COMMENT 'target state before the action; empty when none' CODEC(ZSTD(3)),
    after_json String COMMENT 'target state after the action' CODEC(ZSTD(3)),
    request_id String COMMENT 'x-request-id of the API call'
)
ENGINE = MergeTree
PARTITION BY toYYYYMM(at)
ORDER BY (workspace, at, audit_id);
