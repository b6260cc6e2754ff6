import { z } from 'zod';
import { millisToDateTime64 } from './tables.ts';

/**
 * A record triage could not store or judge: the rows of `dead_letters_v1` (migration 0009), with their
 * converters, following the conventions of tables.ts (DateTime64 written as UTC text, read back as
 * `toUnixTimestamp64Milli`, Int64 coerced).
 */

/** What failed: reading the bus message, storing the event, judging the event's session. */
export const DEAD_LETTER_STAGES = ['decode', 'store', 'judge'] as const;
export type DeadLetterStage = (typeof DEAD_LETTER_STAGES)[number];

/** `open` until an admin replays it; a replay that fails again opens it again. */
export const DEAD_LETTER_STATUSES = ['open', 'replayed'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

export interface DeadLetter {
  deadLetterId: string;
  workspace: string;
  sessionId: string;
  /** '' for a message that could not be read. */
  eventId: string;
  stage: DeadLetterStage;
  error: string;
  bus: { kind: string; partition: number; offset: string; key: string };
  /** The event as JSON, or the unreadable message as base64. */
  payload: string;
  payloadEncoding: 'json' | 'base64';
  firstSeenAtMs: number;
  lastSeenAtMs: number;
  attempts: number;
  status: DeadLetterStatus;
  updatedAtMs: number;
}

const DateTime64Text = z.string().regex(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+$/);
const Int64Millis = z.coerce.number().int();

const Columns = {
  dead_letter_id: z.string().min(1),
  workspace: z.string(),
  session_id: z.string(),
  event_id: z.string(),
  stage: z.enum(DEAD_LETTER_STAGES),
  error: z.string(),
  bus_kind: z.string(),
  bus_partition: z.number().int(),
  bus_offset: z.string(),
  bus_key: z.string(),
  payload: z.string(),
  payload_encoding: z.enum(['json', 'base64']),
  attempts: z.number().int().min(1).max(0xffff_ffff),
  status: z.enum(DEAD_LETTER_STATUSES),
};

export const DeadLetterInsertRow = z.object({
  ...Columns,
  first_seen_at: DateTime64Text,
  last_seen_at: DateTime64Text,
  updated_at: DateTime64Text,
});
export type DeadLetterInsertRow = z.infer<typeof DeadLetterInsertRow>;

const DeadLetterReadRow = z.object({
  ...Columns,
  first_seen_at_ms: Int64Millis,
  last_seen_at_ms: Int64Millis,
  updated_at_ms: Int64Millis,
});

/** SELECT list producing a dead letter's read row. */
export const DEAD_LETTER_READ_COLUMNS = `dead_letter_id, workspace, session_id, event_id, toString(stage) AS stage,
  error, bus_kind, bus_partition, bus_offset, bus_key, payload, toString(payload_encoding) AS payload_encoding,
  attempts, toString(status) AS status, toUnixTimestamp64Milli(first_seen_at) AS first_seen_at_ms,
  toUnixTimestamp64Milli(last_seen_at) AS last_seen_at_ms, toUnixTimestamp64Milli(updated_at) AS updated_at_ms`;

/** DeadLetter → insert row, validated; text is made well-formed, so the row itself can always be stored. */
export function deadLetterToRow(d: DeadLetter): DeadLetterInsertRow {
  return DeadLetterInsertRow.parse({
    dead_letter_id: d.deadLetterId,
    workspace: d.workspace.toWellFormed(),
    session_id: d.sessionId.toWellFormed(),
    event_id: d.eventId,
    stage: d.stage,
    error: d.error.toWellFormed(),
    bus_kind: d.bus.kind,
    bus_partition: d.bus.partition,
    bus_offset: d.bus.offset,
    bus_key: d.bus.key.toWellFormed(),
    payload: d.payload.toWellFormed(),
    payload_encoding: d.payloadEncoding,
    attempts: d.attempts,
    status: d.status,
    first_seen_at: millisToDateTime64(d.firstSeenAtMs),
    last_seen_at: millisToDateTime64(d.lastSeenAtMs),
    updated_at: millisToDateTime64(d.updatedAtMs),
  });
}

/** Read row (unvalidated JSON from ClickHouse) → DeadLetter. */
export function rowToDeadLetter(raw: unknown): DeadLetter {
  const r = DeadLetterReadRow.parse(raw);
  return {
    deadLetterId: r.dead_letter_id,
    workspace: r.workspace,
    sessionId: r.session_id,
    eventId: r.event_id,
    stage: r.stage,
    error: r.error,
    bus: { kind: r.bus_kind, partition: r.bus_partition, offset: r.bus_offset, key: r.bus_key },
    payload: r.payload,
    payloadEncoding: r.payload_encoding,
    firstSeenAtMs: r.first_seen_at_ms,
    lastSeenAtMs: r.last_seen_at_ms,
    attempts: r.attempts,
    status: r.status,
    updatedAtMs: r.updated_at_ms,
  };
}
