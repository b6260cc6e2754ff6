import type { Hit } from '../rules/match.ts';
import { namedByUser, type SessionContext } from './context.ts';

/**
 * Phrases that address the agent from inside data: an issue body, a web page, a README, a package's
 * install output. Their presence in a tool's output makes later off-task actions suspect.
 */
const INSTRUCTION_PHRASES = [
  /\bignore (all |any |the )?(previous|prior|above|earlier) (instructions|directions|rules)\b/i,
  /\b(ai|assistant|agent|llm|claude|codex|gemini|copilot|bot)s?\b[^.\n]{0,60}\b(must|should|need to|have to|are required to|please)\b[^.\n]{0,80}\b(run|execute|send|post|curl|upload|read|cat|add|write|delete)\b/i,
  /<\s*\/?\s*(instructions?|system|important|admin)\s*>/i,
  /\b(do not|don't) (tell|inform|mention|alert|notify) (the )?(user|human|developer)\b/i,
  /\bbefore (continuing|proceeding|you continue|doing anything)\b[^.\n]{0,80}\b(run|execute|send|curl|upload)\b/i,
  /\b(new|updated|additional) (instructions|task) for (the )?(ai|assistant|agent)\b/i,
];

/** Does this text try to instruct an AI agent? */
export function carriesInstructions(text: string): boolean {
  return INSTRUCTION_PHRASES.some((re) => re.test(text));
}

const HOST_IN_TEXT = /\b(?:https?:\/\/)?((?:[a-z0-9-]+\.)+[a-z]{2,})\b/gi;
const EVERYDAY_HOSTS =
  /(^|\.)(github\.com|githubusercontent\.com|npmjs\.org|pypi\.org|pythonhosted\.org|example\.(com|org))$/;

/** Distinctive strings of a hit (its targets, and hosts its command names) that could have been copied from earlier content. */
function indicators(hit: Hit, command: string | undefined): string[] {
  const out: string[] = [];
  for (const key of ['network.host', 'network.target', 'reads.path', 'writes.path', 'deletes.path']) {
    const v = hit.bindings[key];
    if (typeof v === 'string' && v.length >= 6 && !/^(\/tmp|\.|~|\/)$/.test(v)) out.push(v.toLowerCase());
  }
  for (const m of (command ?? '').matchAll(HOST_IN_TEXT)) {
    const host = m[1]!.toLowerCase();
    if (
      host.length >= 6 &&
      !EVERYDAY_HOSTS.test(host) &&
      !/\.(json|ya?ml|txt|md|sh|py|ts|js|toml|lock|log|csv|tar|gz|tgz|zip)$/.test(host)
    )
      out.push(host);
  }
  return [...new Set(out)];
}

export interface Provenance {
  /** The earlier event whose output first carried this hit's target, when the user never named it. */
  sourceEventId?: string;
  sourceTool?: string;
  /** An earlier output addressed instructions to the agent. */
  afterInstructions?: { eventId: string; tool: string };
}

/**
 * Where did the action's target come from? If its host, URL or path first appeared in an earlier tool's
 * output (untrusted content) and never in the user's request, the agent was steered by that content.
 */
export function provenanceOf(ctx: SessionContext, actionIndex: number, hit: Hit): Provenance {
  const result: Provenance = {};
  const command = ctx.actions.find((a) => a.index === actionIndex)?.facts.command;
  const wanted = indicators(hit, command).filter((i) => !namedByUser(ctx, i));
  for (const earlier of ctx.actions) {
    if (earlier.index >= actionIndex) break;
    const output = earlier.facts.outputText?.toLowerCase();
    if (!output) continue;
    if (!result.sourceEventId && wanted.some((i) => output.includes(i))) {
      result.sourceEventId = earlier.event.eventId;
      result.sourceTool = earlier.facts.tool;
    }
    if (!result.afterInstructions && carriesInstructions(output)) {
      result.afterInstructions = { eventId: earlier.event.eventId, tool: earlier.facts.tool };
    }
  }
  return result;
}
