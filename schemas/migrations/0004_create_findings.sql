-- Intent: every version of a session's verdict (Finding in schemas/tables.ts), one row per version.
-- Findings are immutable; a replayed write carries the same finding_id and collapses (reads use FINAL).
-- Not partitioned, for the same reason as sessions_v1: a re-judged finding may get a new created_at.
CREATE TABLE IF NOT EXISTS findings_v1
(
    workspace LowCardinality(String),
    session_id String CODEC(ZSTD(1)),
    version UInt32 COMMENT '1, 2, … per session; a new version when the verdict changes',
    finding_id String COMMENT 'deterministic per (workspace, session, version), so a replay is a duplicate',
    verdict Enum8('benign' = 1, 'mistake' = 2, 'escalation' = 3),
    score UInt8 COMMENT '0–100',
    confidence Float32 COMMENT '0–1',
    severity Enum8('info' = 1, 'low' = 2, 'medium' = 3, 'high' = 4, 'critical' = 5),
    title String,
    rationale String CODEC(ZSTD(3)),
    evidence_event_ids Array(String) COMMENT 'agent_events_v1.event_id of the events the verdict rests on',
    detectors Array(LowCardinality(String)) COMMENT 'ids of the deterministic detectors that fired',
    techniques Array(LowCardinality(String)) COMMENT 'MITRE ATT&CK / ATLAS technique ids',
    engine_version LowCardinality(String),
    judge LowCardinality(String) COMMENT 'model that judged the session; empty when rules alone decided',
    created_at DateTime64(3, 'UTC'),

    INDEX idx_finding_id finding_id TYPE bloom_filter(0.001) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(created_at)
ORDER BY (workspace, session_id, version, finding_id);
