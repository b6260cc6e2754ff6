-- Intent: records triage could not store or judge (DeadLetter in schemas/dead-letter.ts), kept with where
-- they came from and why, so the rest of their batch, partition and workspace flow on, and so an admin can
-- replay them after a fix. One row per record (dead_letter_id: workspace + event id, or the message's
-- hash); every new failure of it, and every replay, writes a new version; reads use FINAL.
CREATE TABLE IF NOT EXISTS dead_letters_v1
(
    dead_letter_id String,
    workspace LowCardinality(String) COMMENT 'from the record, else from its bus key; empty when neither says',
    session_id String CODEC(ZSTD(1)),
    event_id String COMMENT 'empty for a bus message that could not be read at all',
    stage Enum8('decode' = 1, 'store' = 2, 'judge' = 3) COMMENT 'what failed: reading the message, storing the event, judging its session',
    error String CODEC(ZSTD(3)),
    bus_kind LowCardinality(String),
    bus_partition Int32,
    bus_offset String COMMENT 'Kafka offset or embedded log position (int64 as text)',
    bus_key String CODEC(ZSTD(1)),
    payload String COMMENT 'the event as JSON (text made well-formed), or the unreadable message' CODEC(ZSTD(3)),
    payload_encoding Enum8('json' = 1, 'base64' = 2),
    first_seen_at DateTime64(3, 'UTC'),
    last_seen_at DateTime64(3, 'UTC'),
    attempts UInt32 COMMENT 'times triage failed on this record',
    status Enum8('open' = 1, 'replayed' = 2),
    updated_at DateTime64(3, 'UTC') COMMENT 'Replacing version: the latest write wins'
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY (workspace, dead_letter_id);
