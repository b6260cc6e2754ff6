-- Intent: analysts' dispositions of findings, append-only (the current one is the latest created_at
-- per finding). Replacing only makes a retried API write idempotent: same disposition_id, same key.
CREATE TABLE IF NOT EXISTS dispositions_v1
(
    workspace LowCardinality(String),
    finding_id String,
    created_at DateTime64(3, 'UTC'),
    disposition_id String COMMENT 'chosen by the writer (UUID), so a retry is a duplicate',
    session_id String CODEC(ZSTD(1)),
    status Enum8('new' = 1, 'acknowledged' = 2, 'resolved' = 3, 'suppressed' = 4),
    analyst_verdict Enum8('undetermined' = 0, 'true_positive' = 1, 'false_positive' = 2, 'benign' = 3),
    assignee LowCardinality(String) COMMENT 'empty when unassigned',
    reason LowCardinality(String) COMMENT 'short machine-readable reason code; empty when none',
    note String COMMENT 'free text from the analyst' CODEC(ZSTD(3)),
    actor LowCardinality(String) COMMENT 'who recorded the disposition',

    INDEX idx_session_id session_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
ORDER BY (workspace, finding_id, created_at, disposition_id);
