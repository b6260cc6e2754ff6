import type { AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeWithCode } from './code.ts';
import type { ActionFacts } from '../analysis/types.ts';
import { matchRules, type Hit } from '../rules/match.ts';
import type { Allowlist, Rule } from '../rules/pack.ts';

/** One tool action in the session, with what Warden derived from it. */
export interface Action {
  index: number;
  event: AgentEvent;
  facts: ActionFacts;
  hits: Hit[];
  /** The approval decision joined to this call (same call id), if any. */
  decision?: AgentEvent['decision'];
}

/** What each event amounts to (facts and rule hits), kept between batches: events never change. */
export type ActionCache = Map<string, { facts: ActionFacts; hits: Hit[] } | null>;

/** Everything the intent assessment reads about a session, in event order. */
export interface SessionContext {
  events: AgentEvent[];
  /** The user's requests that were logged (lower-cased), joined. Empty when every prompt was redacted. */
  request: string;
  /** True when the session had prompts but none was logged. */
  requestRedacted: boolean;
  actions: Action[];
  /** Denials (deny/abort/timeout) in order, with the tool they refused. */
  denials: { index: number; event: AgentEvent; tool: string; callId?: string }[];
  policy: { approval?: string; sandbox?: string };
}

const DENIED = new Set(['deny', 'abort', 'timeout']);
const isToolEvent = (e: AgentEvent) =>
  (e.kind === 'tool_result' || e.kind === 'tool_call') && e.tool !== undefined;

/**
 * Builds the session context: orders nothing (events arrive ordered), joins decisions to their calls,
 * carries the session-start policy, analyzes each action once and runs the rules on it.
 */
export function buildContext(
  events: AgentEvent[],
  rules: Rule[],
  allow: Allowlist[],
  cache?: ActionCache,
): SessionContext {
  // Prompt events, and model calls that carry the conversation's first user message (GenAI, OpenInference).
  const prompts = events.filter((e) => e.prompt);
  const logged = [
    ...new Set(prompts.filter((e) => e.prompt!.text !== null).map((e) => e.prompt!.text!.toLowerCase())),
  ];
  // A requested call that also has a result is one action, judged on the result (it carries the outcome).
  const executed = new Set(
    events.filter((e) => e.kind === 'tool_result' && e.tool?.callId).map((e) => e.tool!.callId!),
  );
  const decisions = new Map<string, AgentEvent['decision']>();
  const ctx: SessionContext = {
    events,
    request: logged.join('\n'),
    requestRedacted: prompts.length > 0 && logged.length === 0,
    actions: [],
    denials: [],
    policy: {},
  };
  events.forEach((event, index) => {
    if (event.policy) ctx.policy = { ...ctx.policy, ...event.policy };
    if (event.decision) {
      if (event.tool?.callId) decisions.set(event.tool.callId, event.decision);
      if (DENIED.has(event.decision.decision)) {
        ctx.denials.push({ index, event, tool: event.tool?.name ?? '', callId: event.tool?.callId });
      }
    }
    if (!isToolEvent(event)) return;
    if (event.kind === 'tool_call' && event.tool!.callId && executed.has(event.tool!.callId)) return;
    let analyzed = cache?.get(event.eventId);
    if (analyzed === undefined) {
      const facts = analyzeWithCode(event);
      analyzed = facts ? { facts, hits: matchRules(rules, facts, event, allow) } : null;
      cache?.set(event.eventId, analyzed);
    }
    if (!analyzed) return;
    const decision = event.decision ?? (event.tool?.callId ? decisions.get(event.tool.callId) : undefined);
    ctx.actions.push({ index, event, ...analyzed, decision });
  });
  return ctx;
}
