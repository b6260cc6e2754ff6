import { z } from 'zod';
import type { IdentitySource, SessionLink } from './agent-event.ts';

/**
 * What triage concludes about a session and what analysts do with it: verdicts and severities, the session's
 * state, each version of its verdict (a finding), the case and its dispositions, the audit log, and the
 * workers' pipeline reports. Domain shapes only: how they are stored is store/rows.ts.
 */

/** Session verdicts, mildest first. */
export const VERDICTS = ['benign', 'mistake', 'escalation'] as const;
/** Parses a {@link VERDICTS} member. */
export const Verdict = z.enum(VERDICTS);
export type Verdict = z.infer<typeof Verdict>;

/** Severities, lowest first (the OCSF names). */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
/** Parses a {@link SEVERITIES} member. */
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Session lifecycle as triage tracks it (idle sessions get closed: see `last_activity_at`). */
export const SESSION_STATUSES = ['open', 'closed'] as const;

/** Triage state of one session: the latest row of `sessions_v1`. */
export interface SessionState {
  workspace: string;
  sessionId: string;
  source: string;
  agent: string;
  userEmail?: string;
  userId?: string;
  /** Who named the person (`userEmail` / `userId`); undefined when no one is named: unattributed. */
  identitySource?: IdentitySource;
  /** The session this one serves (Codex's approval reviewer reviews another conversation). */
  link?: SessionLink;
  /** Nanoseconds since the epoch as a decimal string, like `AgentEvent.timeUnixNano`. */
  firstEventTimeUnixNano: string;
  lastEventTimeUnixNano: string;
  eventCount: number;
  status: (typeof SESSION_STATUSES)[number];
  verdict: Verdict;
  /** 0–100. */
  score: number;
  severity: Severity;
  /** 0–1. */
  confidence: number;
  rationale: string;
  techniques: string[];
  /** Version of the session's latest finding; 0 before the first. */
  findingVersion: number;
  /** Wall clock (ms) when triage last saw an event of the session; drives idle closing. */
  lastActivityAtMs: number;
  updatedAtMs: number;
}

/** One version of a session's verdict: a row of `findings_v1`. */
export interface Finding {
  findingId: string;
  workspace: string;
  sessionId: string;
  version: number;
  verdict: Verdict;
  score: number;
  confidence: number;
  severity: Severity;
  title: string;
  rationale: string;
  evidenceEventIds: string[];
  detectors: string[];
  techniques: string[];
  engineVersion: string;
  /** Model that judged the session; '' when the rules alone decided. */
  judge: string;
  createdAtMs: number;
}

/** Analyst workflow states of a finding. */
export const DISPOSITION_STATUSES = ['new', 'acknowledged', 'resolved', 'suppressed'] as const;
/** What the analyst concluded. */
export const ANALYST_VERDICTS = ['undetermined', 'true_positive', 'false_positive', 'benign'] as const;

export type DispositionStatus = (typeof DISPOSITION_STATUSES)[number];
export type AnalystVerdict = (typeof ANALYST_VERDICTS)[number];

/** A finding's case as its latest disposition left it; `new` / `undetermined` before any. */
export interface CaseState {
  status: DispositionStatus;
  analystVerdict: AnalystVerdict;
  /** '' when unassigned. */
  assignee: string;
  /** When the latest disposition was recorded; undefined before any. */
  updatedAtMs?: number;
}

/** One analyst disposition of a finding: a row of `dispositions_v1` (append-only). */
export interface Disposition {
  dispositionId: string;
  findingId: string;
  workspace: string;
  sessionId: string;
  status: DispositionStatus;
  analystVerdict: AnalystVerdict;
  /** '' when unassigned. */
  assignee: string;
  reason: string;
  note: string;
  actor: string;
  createdAtMs: number;
}

/** One analyst action: a row of `audit_log_v1` (append-only). */
export interface AuditEntry {
  auditId: string;
  workspace: string;
  atMs: number;
  actor: string;
  role: string;
  /** `disposition.update`, `finding.note`, … */
  action: string;
  targetType: string;
  targetId: string;
  /** Target state before / after; undefined when there was none. */
  before?: unknown;
  after?: unknown;
  requestId: string;
}

/** One triage worker's report on the pipeline: a row of `pipeline_health_v1`. */
export interface PipelineHealth {
  atMs: number;
  instance: string;
  consumerGroup: string;
  busKind: string;
  busLag: number;
  intervalMs: number;
  events: number;
  batches: number;
  verdicts: number;
  batchMsAvg: number;
  batchMsMax: number;
  eventAgeMsP50: number;
  sessionsCached: number;
}
