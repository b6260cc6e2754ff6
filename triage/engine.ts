import type { AgentEvent } from '../schemas/agent-event.ts';
import { assess, type Assessment } from './verdict/assess.ts';
import { buildContext, type ActionCache, type SessionContext } from './session/context.ts';
import { applyOpinion, type Judge } from './verdict/judge.ts';
import { allowlistsFor } from './rules/match.ts';
import type { RulePack } from './rules/pack.ts';

/** Bumped whenever a change to rules or reasoning can change verdicts; stored with every finding. */
export const ENGINE_VERSION = 'warden-triage/1';

export interface EngineDeps {
  pack: RulePack;
  judge?: Judge;
  judgeModel?: string;
}

/** The session's context and its deterministic assessment, with the workspace's allowlists applied. */
export function judgeContext(
  workspace: string,
  events: AgentEvent[],
  pack: RulePack,
  cache?: ActionCache,
  /** Hosts the caller also trusts (the review's egress policy). */
  trusted: (host: string) => boolean = () => false,
): { context: SessionContext; assessment: Assessment } {
  const allow = allowlistsFor(pack.allowlists, workspace);
  const egress = allow.flatMap((a) => a.egress_hosts.map((h) => h.toLowerCase()));
  const allowedHosts = (host: string) =>
    trusted(host) || egress.some((h) => host.toLowerCase() === h || host.toLowerCase().endsWith(`.${h}`));
  const context = buildContext(events, pack.rules, allow, cache);
  return { context, assessment: assess(context, allowedHosts) };
}

/** Scores between these are uncertain enough to ask the LLM judge (when one is configured). */
const UNCERTAIN = { from: 25, to: 75 };

/** Evaluates a whole session from its ordered events: rules, intent, and (optionally) the judge. */
export async function evaluateSession(
  workspace: string,
  events: AgentEvent[],
  deps: EngineDeps,
  cache?: ActionCache,
): Promise<Assessment & { judge: string }> {
  const { context, assessment } = judgeContext(workspace, events, deps.pack, cache);
  const uncertain = !assessment.hard && assessment.score >= UNCERTAIN.from && assessment.score < UNCERTAIN.to;
  if (!deps.judge || !uncertain) return { ...assessment, judge: '' };
  const opinion = await deps.judge.review(events, assessment, context);
  if (!opinion) return { ...assessment, judge: '' };
  const model = deps.judgeModel ?? 'llm';
  return { ...applyOpinion(assessment, opinion, model), judge: model };
}

/** The order events are judged in: time, then the vendor's sequence, then id (ties must break the same way everywhere). */
export function compareEvents(a: AgentEvent, b: AgentEvent): number {
  const ta = BigInt(a.timeUnixNano);
  const tb = BigInt(b.timeUnixNano);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const sa = a.sequence ?? -1;
  const sb = b.sequence ?? -1;
  if (sa !== sb) return sa - sb;
  return a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
}
