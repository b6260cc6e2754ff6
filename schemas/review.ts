/**
 * The pre-action review contract: what an agent's hook asks (`POST /v1/review`) and what Warden answers.
 * One judgement both prevents (the answer) and explains (the same engine, rows and rules as triage).
 */
import { z } from 'zod';
import type { AgentEvent } from './agent-event.ts';

export const REVIEW_AGENTS = ['codex', 'claude-code', 'gemini-cli', 'other'] as const;
export const ReviewAgent = z.enum(REVIEW_AGENTS);
export type ReviewAgent = z.infer<typeof ReviewAgent>;

export const ReviewRequest = z.strictObject({
  agent: ReviewAgent,
  /** The agent's session (conversation) id: the same id its telemetry carries. */
  sessionId: z.string().min(1).max(256),
  tool: z.strictObject({
    name: z.string().min(1).max(256),
    /** The tool's input as the hook gives it (an object, or its JSON text). */
    input: z.union([z.record(z.string(), z.unknown()), z.string().max(256 * 1024)]),
    /** The call's id when the hook has one (Claude Code's and Codex's `tool_use_id`). */
    callId: z.string().max(256).optional(),
  }),
  cwd: z.string().max(4_096).optional(),
  /** What the hook says of the user's request, when it says anything (a prompt hook, a transcript). */
  prompt: z
    .string()
    .max(64 * 1024)
    .optional(),
});
export type ReviewRequest = z.infer<typeof ReviewRequest>;

export const REVIEW_DECISIONS = ['allow', 'ask', 'deny'] as const;
export const ReviewDecision = z.enum(REVIEW_DECISIONS);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

export const ReviewAnswer = z.object({
  decision: ReviewDecision,
  /** One line an engineer understands: what the action does and why that decides it. */
  reason: z.string(),
  /** The verdict policy row (E2, M4…) or egress policy entry behind the decision; absent for a plain allow. */
  policy: z.string().optional(),
  /** Detector rules that fired on the action. */
  rules: z.array(z.string()),
  /** 0–100, as triage scores sessions. */
  score: z.number().min(0).max(100),
  /** The review's own event in the session (its timeline shows it). */
  eventId: z.string(),
});
export type ReviewAnswer = z.infer<typeof ReviewAnswer>;

/** A workspace's managed egress and protected targets, as the review applies them. */
export interface EgressPolicy {
  /** Destinations data may go to without asking (`github.com`, `*.corp.example`). */
  knownGood: string[];
  /** Paths an agent must not change: credential stores, the agents' own configs and instruction files. */
  protectedPaths: string[];
  /** Branches a push must not reach. */
  protectedBranches: string[];
  unknownDestination: ReviewDecision;
  protectedTarget: ReviewDecision;
  /** What the hook adapter answers when Warden cannot be reached. */
  unreachable: ReviewDecision;
}

export interface ReviewOutcome {
  decision: ReviewDecision;
  reason: string;
  policy?: string;
  rules: string[];
  score: number;
  /** The review as an event of its session (`source: warden-review`), to record. */
  event: AgentEvent;
}

/**
 * The pre-action review as the API sees it: one proposed call judged in its session's context, and the
 * workspace's policy. Implemented by triage's engine (triage/review), handed to the API by the process
 * that runs both.
 */
export interface PreActionReviewer {
  review(workspace: string, request: ReviewRequest, nowMs: number): Promise<ReviewOutcome>;
  policy(workspace: string): EgressPolicy;
}
