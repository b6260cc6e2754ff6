-- Intent: record which source named the person behind a session (SessionState.identitySource in
-- schemas/findings.ts): the agent's own account ('agent'), the fleet's resource attributes ('fleet'), the
-- ingest token issued to that person ('ingest-token'), or nothing ('': unattributed). A session nobody is
-- named for cannot be traced to a person, and analysts filter for those.
ALTER TABLE sessions_v1 ADD COLUMN IF NOT EXISTS identity_source LowCardinality(String) DEFAULT '' COMMENT 'agent | fleet | ingest-token; empty: unattributed' AFTER user_id;
