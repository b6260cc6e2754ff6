-- Intent: make writing events cheaper. The long texts of an event (prompt, command, arguments, output,
-- error) now live only in their columns (event_json refers to them, see store/rows.ts), and ZSTD level 1
-- compresses them at several times level 3's speed for a few percent more disk. New parts only; existing
-- parts keep their codec until merged.
ALTER TABLE agent_events_v1
    MODIFY COLUMN prompt_text String COMMENT 'empty when redacted, absent or not a prompt event' CODEC(ZSTD(1)),
    MODIFY COLUMN tool_command String COMMENT 'shell command line extracted from the arguments' CODEC(ZSTD(1)),
    MODIFY COLUMN tool_arguments String COMMENT 'raw argument string, cut at 256 KiB by the collector' CODEC(ZSTD(1)),
    MODIFY COLUMN result_output String CODEC(ZSTD(1)),
    MODIFY COLUMN result_error String CODEC(ZSTD(1)),
    MODIFY COLUMN event_json String COMMENT 'the AgentEvent as JSON, its long texts and attributes referring to their columns' CODEC(ZSTD(1));
