-- Intent: the ledger of applied migrations (store/migrate.ts). The runner treats a missing table as
-- "nothing applied yet", applies this file first and then records it here like any other.
-- ReplacingMergeTree + FINAL on read: two processes migrating at the same moment may both record a
-- version; the ledger still lists it once.
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version UInt32 COMMENT 'NNNN prefix of the migration file',
    name String COMMENT 'file name without the .sql suffix',
    checksum FixedString(64) COMMENT 'sha256 (hex) of the file; a changed applied file stops the runner',
    applied_at DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version;
