/**
 * A record triage could not store or judge. Its rows (`dead_letters_v1`, migration 0009) are in
 * store/rows.ts.
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
