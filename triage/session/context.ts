import { blocksCall, type AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeWithCode } from '../facts/code.ts';
import type { ActionFacts } from '../facts/types.ts';
import { matchRules, type Hit } from '../rules/match.ts';
import type { Allowlist, Rule } from '../rules/pack.ts';
import { requestModel, type RequestModel } from './request.ts';
import { named } from './scope.ts';
import { followWrittenScripts } from './scripts.ts';

/** One tool action in the session, with what Warden derived from it. */
export interface Action {
  index: number;
  event: AgentEvent;
  facts: ActionFacts;
  hits: Hit[];
  /** The approval decision joined to this call (same call id), if any. */
  decision?: AgentEvent['decision'];
  /**
   * Denied, refused or blocked before it ran: an attempt. Its facts say what it would have done; it never
   * did it (a call a human or a policy rejected leaves only its decision, with the command).
   */
  attempted?: boolean;
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
  /** The request as a structure (request.ts): environments, mode, forbidden acts, named targets. */
  asked: RequestModel;
  /**
   * With every prompt redacted, the task as the session's first steps show it (those before any risky
   * one): what they ran and touched. Weaker than the user's words; the verdict says it was inferred.
   */
  inferredTask?: { text: string; steps: string[]; eventIds: string[] };
  actions: Action[];
  /** Denials (deny/abort/timeout) in order, with the tool they refused. */
  denials: { index: number; event: AgentEvent; tool: string; callId?: string }[];
  policy: { approval?: string; sandbox?: string };
}

const isToolEvent = (e: AgentEvent) =>
  (e.kind === 'tool_result' || e.kind === 'tool_call') && e.tool !== undefined;

/** Each output event's arguments key, once: a session's outputs are matched again whenever it grows. */
const outputArgumentsKeys = new WeakMap<AgentEvent, string>();

/** Arguments as a comparable key: key order and whitespace do not matter (vendors pretty-print them). */
function argumentsKey(raw: string | undefined): string {
  if (raw === undefined) return '';
  try {
    const sort = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(sort)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(
              Object.keys(v)
                .sort()
                .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
            )
          : v;
    return JSON.stringify(sort(JSON.parse(raw)));
  } catch {
    return raw.trim();
  }
}

/**
 * What each call returned, when the output came apart from the call (`tool_output` events): matched by
 * call id, or, where the call carries none (Gemini CLI's logs), by tool name and arguments, in order.
 */
function outputsByAction(events: AgentEvent[]): (action: AgentEvent) => AgentEvent | undefined {
  // Indexed once: sessions run to thousands of calls, each looked up once.
  const byKey = new Map<string, AgentEvent[]>();
  const index = (key: string, output: AgentEvent) =>
    (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(output);
  const argsKey = (tool: NonNullable<AgentEvent['tool']>) =>
    `args\u0000${tool.name}\u0000${argumentsKey(tool.arguments)}`;
  for (const e of events) {
    if (e.kind !== 'tool_output' || !e.tool || e.result?.output === undefined) continue;
    if (e.tool.callId !== undefined) index(`id\u0000${e.tool.callId}`, e);
    let key = outputArgumentsKeys.get(e);
    if (key === undefined) outputArgumentsKeys.set(e, (key = argsKey(e.tool)));
    index(key, e);
  }
  const used = new Set<AgentEvent>();
  const take = (key: string) => {
    const found = byKey.get(key)?.find((o) => !used.has(o));
    if (found) used.add(found);
    return found;
  };
  return (action) => {
    const tool = action.tool!;
    return tool.callId !== undefined ? take(`id\u0000${tool.callId}`) : take(argsKey(tool));
  };
}

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
  const outputOf = outputsByAction(events);
  const decisions = new Map<string, AgentEvent['decision']>();
  const ctx: SessionContext = {
    events,
    request: logged.join('\n'),
    requestRedacted: prompts.length > 0 && logged.length === 0,
    asked: requestModel('', []),
    actions: [],
    denials: [],
    policy: {},
  };
  events.forEach((event, index) => {
    if (event.policy) ctx.policy = { ...ctx.policy, ...event.policy };
    if (event.decision) {
      if (event.kind === 'approval_decision' && event.tool?.callId)
        decisions.set(event.tool.callId, event.decision);
      if (blocksCall(event.decision)) {
        ctx.denials.push({ index, event, tool: event.tool?.name ?? '', callId: event.tool?.callId });
      }
    }
    // A call denied before it ran leaves only its decision (with the command, where the agent sends one).
    const deniedCall =
      event.kind === 'approval_decision' &&
      blocksCall(event.decision) &&
      event.tool?.arguments !== undefined &&
      !(event.tool.callId && executed.has(event.tool.callId));
    if (!isToolEvent(event) && !deniedCall) return;
    if (event.kind === 'tool_call' && event.tool!.callId && executed.has(event.tool!.callId)) return;
    const output = outputOf(event);
    const key = output ? `${event.eventId}+${output.eventId}` : event.eventId;
    let analyzed = cache?.get(key);
    if (analyzed === undefined) {
      // A denied call is analyzed as the call it would have been.
      const call = deniedCall ? { ...event, kind: 'tool_call' as const } : event;
      const facts = analyzeWithCode(
        output ? { ...call, result: { ...call.result, output: output.result!.output } } : call,
      );
      analyzed = facts ? { facts, hits: matchRules(rules, facts, event, allow) } : null;
      cache?.set(key, analyzed);
    }
    if (!analyzed) return;
    // A denial logged on its own (it says who denied) is more telling than one inferred from the result.
    const joined = event.tool?.callId ? decisions.get(event.tool.callId) : undefined;
    const decision = blocksCall(joined) ? joined : (event.decision ?? joined);
    ctx.actions.push({
      index,
      event,
      ...analyzed,
      decision,
      ...(blocksCall(decision) ? { attempted: true } : {}),
    });
  });
  followWrittenScripts(ctx, rules, allow);
  ctx.asked = requestModel(ctx.request, ctx.actions);
  if (ctx.requestRedacted) ctx.inferredTask = inferTask(ctx.actions);
  return ctx;
}

/** How many of the first steps stand for the task when the prompt is not logged. */
const FIRST_STEPS = 5;

/** The task the first steps show: the actions before the first one a rule rated medium or worse. */
function inferTask(actions: readonly Action[]): SessionContext['inferredTask'] {
  const risky = actions.findIndex((a) =>
    a.hits.some((h) => h.rule.severity !== 'info' && h.rule.severity !== 'low'),
  );
  const first = actions.slice(0, risky === -1 ? FIRST_STEPS : Math.min(risky, FIRST_STEPS));
  if (first.length === 0) return undefined;
  const steps = first.map(
    (a) =>
      a.facts.command ??
      [a.facts.tool, ...a.facts.reads.map((r) => r.path), ...a.facts.writes.map((w) => w.path)].join(' '),
  );
  return { text: steps.join('\n').toLowerCase(), steps, eventIds: first.map((a) => a.event.eventId) };
}

/** The user named this target (a host, URL or path): in the request, or by the key of a setting holding it. */
export function namedByUser(ctx: SessionContext, target: string): boolean {
  return named([ctx.request, ...ctx.asked.namedValues].join('\n'), target);
}

/** Who made a decision, in words, from the vendors' `source` values (normalized to snake_case). */
const DECIDERS: [RegExp, string][] = [
  [/^user/, 'the user'],
  [/^automated_reviewer$|^guardian/, "the agent's automatic reviewer"],
  [/^hook/, 'a hook'],
  [/^policy$|^conseca$/, 'a policy rule'],
  [/^config$/, 'the configured permissions'],
  [/^codex$/, "the agent's own exec policy or sandbox"],
  [/^warden_review$/, "Warden's pre-action review"],
];

export function decidedBy(decision: AgentEvent['decision']): string {
  const source = decision?.source ?? '';
  return DECIDERS.find(([re]) => re.test(source))?.[1] ?? 'an approval';
}
