/**
 * What the collector does to every text it keeps, before anything reaches the bus:
 * - strings become well-formed UTF-16 (a lone surrogate, which OTLP/JSON can carry as `"\ud800"`, becomes
 *   U+FFFD): every later stage, ClickHouse included, then reads the same text;
 * - secrets in the content an agent reports (prompt, tool arguments and command, output, error, attribute
 *   values) are replaced by a typed mask with a keyed fingerprint, unless the deployment keeps clear text.
 */
import type { AgentEvent } from '../schemas/agent-event.ts';
import { maskSecrets } from '../schemas/secrets.ts';

export interface TextPolicy {
  /** Fingerprints a secret value for its mask; undefined keeps secrets in clear. */
  fingerprint?: (value: string) => string;
}

export interface TextRepairs {
  /** Strings that were not well-formed UTF-16 and were repaired. */
  repaired: number;
  /** Secrets replaced by masks. */
  masked: number;
}

/** Makes every string of `value` well-formed in place (keys too); returns how many it repaired. */
function repairStrings(value: Record<string, unknown>): number {
  let repaired = 0;
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (typeof v === 'string') {
      if (!v.isWellFormed()) {
        value[key] = v.toWellFormed();
        repaired++;
      }
    } else if (typeof v === 'object' && v !== null) repaired += repairStrings(v as Record<string, unknown>);
    if (!key.isWellFormed()) {
      value[key.toWellFormed()] = value[key];
      delete value[key];
      repaired++;
    }
  }
  return repaired;
}

/**
 * Masks events in place. Texts repeat within an export (every event carries its resource's attributes;
 * Codex's `arguments` attribute is also the tool's arguments): each distinct text is masked once.
 */
export function maskEvents(events: Iterable<AgentEvent>, policy: TextPolicy, counts: TextRepairs): void {
  const fingerprint = policy.fingerprint;
  if (!fingerprint) return;
  const done = new Map<string, string>();
  const mask = (text: string | undefined): string | undefined => {
    if (text === undefined || text === '') return text;
    let masked = done.get(text);
    if (masked === undefined) {
      const m = maskSecrets(text, fingerprint);
      counts.masked += m.masked;
      done.set(text, (masked = m.text));
    }
    return masked;
  };
  for (const event of events) maskEvent(event, mask);
}

/**
 * An event as JSON, its strings made well-formed first where they were not (counted in `counts`). Masking
 * may come first: a mask is ASCII, and a secret's fingerprint reads a lone surrogate as U+FFFD either way.
 */
export function eventJson(event: AgentEvent, counts: TextRepairs): string {
  const json = JSON.stringify(event);
  // JSON.stringify writes a lone surrogate as `\udXXX`; well-formed text never needs that escape (a literal
  // backslash before "ud" also matches, and the walk then finds nothing to repair).
  if (!json.includes('\\ud')) return json;
  const repaired = repairStrings(event as unknown as Record<string, unknown>);
  if (repaired === 0) return json;
  counts.repaired += repaired;
  return JSON.stringify(event);
}

function maskEvent(event: AgentEvent, mask: (text: string | undefined) => string | undefined): void {
  if (event.prompt?.text) event.prompt.text = mask(event.prompt.text)!;
  if (event.tool) {
    if (event.tool.arguments !== undefined) event.tool.arguments = mask(event.tool.arguments);
    if (event.tool.command !== undefined) event.tool.command = mask(event.tool.command);
  }
  if (event.result) {
    if (event.result.output !== undefined) event.result.output = mask(event.result.output);
    if (event.result.error !== undefined) event.result.error = mask(event.result.error);
  }
  for (const key of Object.keys(event.attributes)) event.attributes[key] = mask(event.attributes[key])!;
}
