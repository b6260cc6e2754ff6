-- Intent: the latest triage state of each session (SessionState in schemas/tables.ts). Each update is
-- a new row with a later updated_at; reads use FINAL, so a replayed or stale write never shows twice.
-- Not partitioned: Replacing only collapses rows within one partition, and no session attribute is
-- both immutable and time-like (first_event_time moves when a late event arrives).
CREATE TABLE IF NOT EXISTS sessions_v1
(
    workspace LowCardinality(String),
    session_id String CODEC(ZSTD(1)),
    source LowCardinality(String),
    agent LowCardinality(String) COMMENT 'agent name (resource service.name)',
    user_email LowCardinality(String) COMMENT 'empty when unknown',
    user_id LowCardinality(String) COMMENT 'empty when unknown',
    first_event_time DateTime64(9, 'UTC'),
    last_event_time DateTime64(9, 'UTC'),
    event_count UInt32,
    status Enum8('open' = 1, 'closed' = 2),
    verdict Enum8('benign' = 1, 'mistake' = 2, 'escalation' = 3),
    score UInt8 COMMENT '0–100',
    severity Enum8('info' = 1, 'low' = 2, 'medium' = 3, 'high' = 4, 'critical' = 5),
    confidence Float32 COMMENT '0–1',
    rationale String CODEC(ZSTD(3)),
    techniques Array(LowCardinality(String)) COMMENT 'MITRE ATT&CK / ATLAS technique ids',
    finding_version UInt32 COMMENT 'version of the latest finding (findings_v1.version); 0 = none yet',
    last_activity_at DateTime64(3, 'UTC') COMMENT 'wall clock when triage last saw an event; drives idle closing',
    updated_at DateTime64(3, 'UTC') COMMENT 'Replacing version: the latest write wins'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (workspace, session_id);
