-- Intent: a session that exists to serve another (Codex's automatic approval reviewer runs as a
-- conversation of its own) names the session it serves and how (SessionState.link in schemas/findings.ts), so
-- analysts see the review beside the conversation it judged. Empty: a session of its own.
ALTER TABLE sessions_v1 ADD COLUMN IF NOT EXISTS linked_session_id String DEFAULT '' COMMENT 'the session this one serves (AgentEvent.link)' AFTER identity_source;
ALTER TABLE sessions_v1 ADD COLUMN IF NOT EXISTS link_relation LowCardinality(String) DEFAULT '' COMMENT 'reviewer: an approval review of linked_session_id' AFTER linked_session_id;
