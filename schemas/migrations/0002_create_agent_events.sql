-- Intent: every canonical AgentEvent (schemas/agent-event.ts), append-only and immutable.
-- A replay (collector retry, triage crash before the offset commit) re-inserts identical events:
--   * inserts carry insert_deduplication_token, which non_replicated_deduplication_window enables on
--     a non-replicated table (ClickHouse's default window there is 0 = off);
--   * the Replacing key ends in event_id (deterministic per OTLP record), so what slips past the
--     token window collapses on merge, and exact reads use FINAL.
-- ORDER BY puts the tenant first, then the session (triage reads one session at a time), then time.
-- No TTL here: WARDEN_EVENT_TTL_DAYS is applied at start (ALTER TABLE … MODIFY/REMOVE TTL).
CREATE TABLE IF NOT EXISTS agent_events_v1
(
    workspace LowCardinality(String),
    session_id String CODEC(ZSTD(1)),
    event_time DateTime64(9, 'UTC') COMMENT 'AgentEvent.timeUnixNano' CODEC(Delta(8), ZSTD(1)),
    event_id String COMMENT '32 hex chars, deterministic per OTLP record and workspace' CODEC(ZSTD(1)),
    sequence Nullable(Int64) COMMENT 'vendor ordering within the session (event.sequence); NULL when not sent',
    session_id_derived Bool COMMENT 'true when session_id was derived from the trace id',
    schema_version UInt8 COMMENT 'AgentEvent envelope version of event_json',
    kind LowCardinality(String) COMMENT 'EVENT_KINDS: prompt, tool_call, tool_result, approval_decision, …',
    source LowCardinality(String) COMMENT 'telemetry convention: codex, claude_code, gemini_cli, genai, …',
    source_event LowCardinality(String) COMMENT 'the vendor''s event or span name',
    actor_user_id LowCardinality(String),
    actor_email LowCardinality(String),
    actor_host LowCardinality(String),
    agent_name LowCardinality(String) COMMENT 'resource service.name',
    agent_version LowCardinality(String),
    model LowCardinality(String),
    prompt_id String CODEC(ZSTD(1)),
    trace_id String CODEC(ZSTD(1)),
    span_id String CODEC(ZSTD(1)),
    parent_span_id String CODEC(ZSTD(1)),
    prompt_text String COMMENT 'empty when redacted, absent or not a prompt event' CODEC(ZSTD(3)),
    prompt_redacted Bool,
    tool_name LowCardinality(String),
    tool_call_id String CODEC(ZSTD(1)),
    tool_mcp_server LowCardinality(String),
    tool_command String COMMENT 'shell command line extracted from the arguments' CODEC(ZSTD(3)),
    tool_arguments String COMMENT 'raw argument string, cut at 256 KiB by the collector' CODEC(ZSTD(3)),
    result_success Nullable(Bool) COMMENT 'NULL when the source did not say',
    result_output String CODEC(ZSTD(3)),
    result_error String CODEC(ZSTD(3)),
    result_duration_ms Nullable(Float64),
    decision LowCardinality(String) COMMENT 'normalized approval outcome (allow, deny, …); empty when none',
    decision_raw LowCardinality(String) COMMENT 'the vendor''s own word for the decision',
    decision_source LowCardinality(String) COMMENT 'who decided: config, user, hook, …',
    policy_approval LowCardinality(String),
    policy_sandbox LowCardinality(String),
    attributes Map(LowCardinality(String), String) COMMENT 'record + resource attributes (resource keys prefixed resource.)' CODEC(ZSTD(1)),
    event_json String COMMENT 'the complete AgentEvent as JSON: the source of truth for rebuilding it' CODEC(ZSTD(3)),
    ingested_at DateTime64(3, 'UTC') DEFAULT now64(3) COMMENT 'Replacing version: the latest delivery wins (all deliveries are identical)',

    INDEX idx_event_id event_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_tool_name tool_name TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_actor_email actor_email TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_attribute_keys mapKeys(attributes) TYPE bloom_filter(0.01) GRANULARITY 1,
    -- Free-text search over commands: whole words (tokenbf) and substrings of 4+ chars (ngrambf).
    INDEX idx_command_tokens lower(tool_command) TYPE tokenbf_v1(32768, 3, 0) GRANULARITY 8,
    INDEX idx_command_ngrams lower(tool_command) TYPE ngrambf_v1(4, 32768, 3, 0) GRANULARITY 8
)
ENGINE = ReplacingMergeTree(ingested_at)
-- A replayed event has the same event_time, hence the same partition, so Replacing can collapse it.
PARTITION BY toDate(event_time)
ORDER BY (workspace, session_id, event_time, event_id)
SETTINGS index_granularity = 8192,
    non_replicated_deduplication_window = 1000,
    ttl_only_drop_parts = 1;
