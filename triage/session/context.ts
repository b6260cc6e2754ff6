import { blocksCall, type AgentEvent } from '../../schemas/agent-event.ts';
import { analyzeWithCode } from '../facts/code.ts';
import type { ActionFacts } from '../facts/types.ts';
import { matchRules, type Hit } from '../rules/match.ts';
import type { Allowlist, Rule } from '../rules/pack.ts';
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
  /**
   * Values the user named by reference (lower-cased): "the webhook in SLACK_DEPLOY_WEBHOOK" names the URL
   * a later read shows on the line `SLACK_DEPLOY_WEBHOOK=https://…`. Targets only, never request words.
   */
  namedValues: string[];
  actions: Action[];
  /** Denials (deny/abort/timeout) in order, with the tool they refused. */
  denials: { index: number; event: AgentEvent; tool: string; callId?: string }[];
  policy: { approval?: string; sandbox?: string };
}

const isToolEvent = (e: AgentEvent) =>
  (e.kind === 'tool_result' || e.kind === 'tool_call') && e.tool !== undefined;

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
    index(argsKey(e.tool), e);
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
    namedValues: [],
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
  ctx.namedValues = valuesNamedByKey(ctx.request, ctx.actions);
  return ctx;
}

/** The user named this target (a host, URL or path): in the request, or by the key of a setting holding it. */
export function namedByUser(ctx: SessionContext, target: string): boolean {
  return named([ctx.request, ...ctx.namedValues].join('\n'), target);
}

/** `KEY=value`, `KEY: value`, `"key": "value"`, `key = "value"` lines (grep's `file:12:` prefix allowed). */
const SETTING_LINE =
  /^\s*(?:[\w./-]+:)?(?:\d+[:-])?\s*(?:export\s+)?["']?([A-Za-z_][\w.-]{5,})["']?\s*[:=]\s*["']?([^\s"',]+)/;
/** A setting's name, not an English word: `SLACK_DEPLOY_WEBHOOK`, `tool.uv.index`, `webhookUrl`. */
const IDENTIFIER = /[_.]|[a-z][A-Z]|^[A-Z0-9]+$/;

/**
 * Values of settings the request names by key, as the session's tools read them back. Only identifiers
 * count: "our webhook" must not make any `webhook: …` line in a fetched page the user's destination.
 */
function valuesNamedByKey(request: string, actions: Action[]): string[] {
  if (!request) return [];
  const words = new Set(request.match(/[a-z_][\w.-]*/g) ?? []);
  const values = new Set<string>();
  for (const action of actions) {
    for (const line of (action.facts.outputText ?? '').split('\n')) {
      const m = SETTING_LINE.exec(line);
      if (m && IDENTIFIER.test(m[1]!) && words.has(m[1]!.toLowerCase())) values.add(m[2]!.toLowerCase());
    }
  }
  return [...values];
}

/** Who made a decision, in words, from the vendors' `source` values (normalized to snake_case). */
const DECIDERS: [RegExp, string][] = [
  [/^user/, 'the user'],
  [/^automated_reviewer$|^guardian/, "the agent's automatic reviewer"],
  [/^hook/, 'a hook'],
  [/^policy$|^conseca$/, 'a policy rule'],
  [/^config$/, 'the configured permissions'],
  [/^codex$/, "the agent's own exec policy or sandbox"],
];

export function decidedBy(decision: AgentEvent['decision']): string {
  const source = decision?.source ?? '';
  return DECIDERS.find(([re]) => re.test(source))?.[1] ?? 'an approval';
}
