/**
 * Pre-action review: judges one proposed tool call in its session's context (the prompt, earlier outputs
 * and their provenance, earlier denials) with the same facts, rules and verdict policy as triage, then
 * applies the workspace's egress policy. An upload steered by text a tool returned is denied; the same
 * upload to a destination the user named is allowed.
 */
import { createHash } from 'node:crypto';
import type { AgentEvent, EventSource } from '../../schemas/agent-event.ts';
import type { ReviewDecision, ReviewOutcome, ReviewRequest } from '../../schemas/review.ts';
import { judgeContext } from '../engine.ts';
import { homeOf } from '../facts/index.ts';
import { clip } from '../rules/match.ts';
import type { RulePack } from '../rules/pack.ts';
import { namedByUser, type Action, type ActionCache } from '../session/context.ts';
import type { Signal } from '../verdict/assess.ts';
import { POLICY } from '../verdict/policy.ts';
import type { EgressPolicy } from '../../schemas/review.ts';
import { hostAllowed, protectedBranch, protectedPath } from './egress-policy.ts';

const SOURCE_OF: Record<ReviewRequest['agent'], EventSource> = {
  codex: 'codex',
  'claude-code': 'claude_code',
  'gemini-cli': 'gemini_cli',
  other: 'generic',
};

const ORDER: ReviewDecision[] = ['allow', 'ask', 'deny'];
const strongest = (a: ReviewDecision, b: ReviewDecision) => (ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b);
const sha = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 32);

/** The proposed call as the event triage would have seen had it run. */
function proposedEvent(workspace: string, req: ReviewRequest, nowMs: number): AgentEvent {
  const args = typeof req.tool.input === 'string' ? req.tool.input : JSON.stringify(req.tool.input);
  return {
    schemaVersion: 1,
    eventId: sha(`review\0${workspace}\0${req.sessionId}\0${req.tool.callId ?? ''}\0${args}\0${nowMs}`),
    workspace,
    sessionId: req.sessionId,
    sessionIdDerived: false,
    timeUnixNano: (BigInt(nowMs) * 1_000_000n).toString(),
    source: SOURCE_OF[req.agent],
    sourceEvent: 'warden.review',
    kind: 'tool_call',
    actor: {},
    agent: { name: req.agent },
    tool: { name: req.tool.name, arguments: args, ...(req.tool.callId && { callId: req.tool.callId }) },
    attributes: req.cwd ? { cwd: req.cwd } : {},
  };
}

/** The prompt the hook passed along, as a prompt event, when the session's telemetry has not logged one. */
function promptEvent(proposed: AgentEvent, text: string, history: AgentEvent[]): AgentEvent[] {
  if (history.some((e) => e.kind === 'prompt' && e.prompt?.text)) return [];
  return [
    {
      ...proposed,
      eventId: sha(`prompt\0${proposed.eventId}`),
      kind: 'prompt',
      sourceEvent: 'warden.review.prompt',
      tool: undefined,
      prompt: { text, redacted: false },
      timeUnixNano: (BigInt(proposed.timeUnixNano) - 1n).toString(),
    },
  ];
}

/** The branch a `git push` sends to: `git push origin main`, `git push origin HEAD:release/1`. */
function pushedBranch(command: string | undefined): string | undefined {
  const m = /\bgit\s+push\b([^;&|]*)/.exec(command ?? '');
  if (!m) return undefined;
  const operands = m[1]!
    .trim()
    .split(/\s+/)
    .filter((w) => w && !w.startsWith('-'));
  const ref = operands[1];
  return ref?.includes(':') ? ref.split(':').pop() : ref;
}

interface Finding {
  decision: ReviewDecision;
  reason: string;
  policy?: string;
}

/** What the verdict policy says of this action: a steered or hidden goal is denied, a careless one asked. */
function fromSignals(signals: Signal[]): Finding | undefined {
  const sorted = [...signals].sort(
    (a, b) =>
      Number(b.verdict === 'escalation') - Number(a.verdict === 'escalation') ||
      Number(b.hard) - Number(a.hard),
  );
  const top = sorted[0];
  if (!top) return undefined;
  const decision: ReviewDecision =
    top.verdict === 'escalation' && (top.hard || top.severity === 'critical') ? 'deny' : 'ask';
  return {
    decision,
    reason: `${top.verdict === 'escalation' ? 'Escalation' : 'Mistake'} (policy ${top.policy}, ${POLICY[top.policy].name}): ${top.text}`,
    policy: top.policy,
  };
}

/** What the workspace's egress policy says of this action: data to unknown hosts, protected targets. */
function fromEgress(
  policy: EgressPolicy,
  action: Action,
  namedByRequest: (host: string) => boolean,
  home: string | undefined,
): Finding[] {
  const out: Finding[] = [];
  for (const n of action.facts.network) {
    if (n.direction !== 'upload' && !n.dnsEncoded) continue;
    if (hostAllowed(policy, n.host) || namedByRequest(n.host)) continue;
    out.push({
      decision: policy.unknownDestination,
      reason: `sends data to ${n.host} with ${n.via}, a destination that is neither known-good nor named by the user`,
      policy: 'egress: unknownDestination',
    });
  }
  for (const f of [...action.facts.writes, ...action.facts.deletes]) {
    const glob = protectedPath(policy, f.path, home);
    if (glob)
      out.push({
        decision: policy.protectedTarget,
        reason: `changes ${f.path}, a protected path (${glob})`,
        policy: 'egress: protectedTarget',
      });
  }
  const branch = pushedBranch(action.facts.command);
  const glob = branch && protectedBranch(policy, branch);
  if (glob)
    out.push({
      decision: policy.protectedTarget,
      reason: `pushes to ${branch}, a protected branch (${glob})`,
      policy: 'egress: protectedTarget',
    });
  return out;
}

/**
 * Reviews one proposed call. `history` is the session's stored events (ordered); `cache` keeps what each
 * of them amounts to between reviews of the same session.
 */
export function reviewAction(
  deps: { pack: RulePack; policyFor: (workspace: string) => EgressPolicy },
  workspace: string,
  req: ReviewRequest,
  history: AgentEvent[],
  nowMs: number,
  cache?: ActionCache,
): ReviewOutcome {
  const proposed = proposedEvent(workspace, req, nowMs);
  const events = [...history, ...(req.prompt ? promptEvent(proposed, req.prompt, history) : []), proposed];
  const policy = deps.policyFor(workspace);
  const { context, assessment } = judgeContext(workspace, events, deps.pack, cache, (host) =>
    hostAllowed(policy, host),
  );
  const action = context.actions.find((a) => a.event === proposed);
  const signals = assessment.signals.filter((s) => s.eventIds.includes(proposed.eventId));
  const findings = [
    fromSignals(signals),
    ...(action ? fromEgress(policy, action, (h) => namedByUser(context, h), homeOf(req.cwd)) : []),
  ].filter((f): f is Finding => f !== undefined);
  const decision = findings.reduce<ReviewDecision>((d, f) => strongest(d, f.decision), 'allow');
  const deciding = findings.find((f) => f.decision === decision);
  const what = action?.facts.command ? `\`${clip(action.facts.command, 120)}\`` : req.tool.name;
  const rules = [...new Set(action?.hits.map((h) => h.rule.id) ?? [])];
  const reason = deciding
    ? `${what}: ${deciding.reason}`
    : rules.length
      ? `${what}: ${clip(assessment.rationale, 200)}`
      : `${what}: nothing risky found`;
  const score =
    decision === 'allow'
      ? Math.min(assessment.score, 20)
      : Math.max(assessment.score, decision === 'deny' ? 80 : 50);
  const event: AgentEvent = {
    ...proposed,
    // The command line, as the agents' own events carry it: the timeline shows what was decided on.
    tool: { ...proposed.tool!, ...(action?.facts.command && { command: action.facts.command }) },
    eventId: sha(`decision\0${proposed.eventId}`),
    source: 'warden-review',
    kind: 'approval_decision',
    decision: {
      // An "ask" leaves the decision to a human: the agent's own approval event records what they chose.
      decision: decision === 'ask' ? 'unknown' : decision,
      raw: decision,
      source: 'warden_review',
    },
    attributes: {
      ...proposed.attributes,
      'warden.review.reason': reason,
      ...(deciding?.policy && { 'warden.review.policy': deciding.policy }),
      'warden.review.score': String(score),
    },
  };
  return { decision, reason, ...(deciding?.policy && { policy: deciding.policy }), rules, score, event };
}
