/**
 * The pre-action review contract: what an agent's hook asks (`POST /v1/review`) and what Warden answers.
 * One judgement both prevents (the answer) and explains (the same engine, rows and rules as triage).
 */
import { z } from 'zod';
import type { AgentEvent } from './agent-event.ts';

export const REVIEW_AGENTS = ['codex', 'claude-code', 'gemini-cli', 'other'] as const;
export const ReviewAgent = z.enum(REVIEW_AGENTS);
export type ReviewAgent = z.infer<typeof ReviewAgent>;

/** A proposed call, as the API hands it to the reviewer (the wire form is the route's, snake_case). */
export interface ReviewRequest {
  agent: ReviewAgent;
  /** The agent's session (conversation) id: the same id its telemetry carries. */
  sessionId: string;
  tool: {
    name: string;
    /** The tool's input as the hook gives it (an object, or its JSON text). */
    input: Record<string, unknown> | string;
    /** The call's id when the hook has one (Claude Code's and Codex's `tool_use_id`). */
    callId?: string;
  };
  cwd?: string;
  /** What the hook says of the user's request, when it says anything. */
  prompt?: string;
}

export const REVIEW_DECISIONS = ['allow', 'ask', 'deny'] as const;
export const ReviewDecision = z.enum(REVIEW_DECISIONS);
export type ReviewDecision = z.infer<typeof ReviewDecision>;

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
