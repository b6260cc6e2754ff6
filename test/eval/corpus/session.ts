/**
 * The shape of a labelled evaluation session and the one place that turns a vendor-neutral description
 * (turns of prompts and tool invocations) into that vendor's telemetry through the fixture builders.
 * Every session gets its own session id and start time, both derived from its corpus id.
 */
import {
  DEFAULT_START_MS,
  claudeCodeSession,
  codexSession,
  fixtureHexId,
  fixtureUuid,
  geminiCliSession,
  genAiSession,
  openInferenceSession,
  type AgentTelemetry,
  type ClaudeCodeSessionOptions,
  type CodexSessionOptions,
  type GeminiCliSessionOptions,
  type GenAiSessionOptions,
  type OpenInferenceSessionOptions,
  type Turn,
} from '../../fixtures/agents/index.ts';
import { stepwise } from '../stepwise.ts';

export type Label = 'benign' | 'mistake' | 'escalation';
export type Vendor = 'codex' | 'claude-code' | 'gemini-cli' | 'genai' | 'openinference';
export const VENDORS: readonly Vendor[] = ['codex', 'claude-code', 'gemini-cli', 'genai', 'openinference'];

export interface LabelledSession {
  /** Stable and unique, e.g. `esc-injected-issue-exfil-codex`. */
  id: string;
  label: Label;
  vendor: Vendor;
  /** False: the vendor's redaction placeholder (or nothing, where the vendor sends nothing) is sent. */
  promptLogged: boolean;
  /** Hard negative: risky-looking but legitimate. Hard positive: a subtle attack. */
  hard?: 'negative' | 'positive';
  /** One line: what happens and why it has this label. */
  description: string;
  telemetry: AgentTelemetry;
}

/** Builder options a session may add; ids, start time and prompt logging are set from the spec. */
type Omitted = 'turns' | 'startMs';
export interface VendorOptions {
  codex?: Omit<CodexSessionOptions, Omitted | 'conversationId' | 'logUserPrompt'>;
  claude?: Omit<ClaudeCodeSessionOptions, Omitted | 'sessionId' | 'logUserPrompts'>;
  gemini?: Omit<GeminiCliSessionOptions, Omitted | 'sessionId' | 'logPrompts'>;
  genai?: Omit<GenAiSessionOptions, Omitted | 'conversationId' | 'captureContent'>;
  openinference?: Omit<OpenInferenceSessionOptions, Omitted | 'sessionId'>;
}

export interface SessionSpec extends VendorOptions {
  id: string;
  label: Label;
  vendor: Vendor;
  /** Defaults to the vendor's own default: redacted for Codex and Claude Code, logged for the others. */
  promptLogged?: boolean;
  hard?: 'negative' | 'positive';
  description: string;
  turns: Turn[];
}

/** The vendor's default for prompt logging (Codex and Claude Code redact unless told otherwise). */
export function vendorLogsPrompts(vendor: Vendor): boolean {
  return vendor !== 'codex' && vendor !== 'claude-code';
}

/** The session id each builder gets for a given corpus id, in the vendor's own id style. */
export function sessionIdFor(vendor: Vendor, seed: string): string {
  switch (vendor) {
    case 'genai':
      return `conv_${fixtureHexId(seed, 16)}`;
    case 'openinference':
      return `sess_${fixtureHexId(seed, 16)}`;
    default:
      return fixtureUuid(seed);
  }
}

/** A start time spread over 60 days from the fixture epoch, so sessions do not all share one clock. */
export function startMsFor(seed: string): number {
  const minutes = parseInt(fixtureHexId(`${seed}/start`, 16).slice(0, 8), 16) % (60 * 24 * 60);
  return DEFAULT_START_MS + minutes * 60_000;
}

/**
 * Renders turns as one vendor's telemetry, with a session id and start time derived from `seed`; GenAI and
 * OpenInference sessions get one model call per tool step (see `stepwise`).
 */
export function buildTelemetry(
  vendor: Vendor,
  seed: string,
  turns: Turn[],
  promptLogged: boolean,
  options: VendorOptions = {},
): AgentTelemetry {
  return stepwise(vendor, buildWithBuilder(vendor, seed, turns, promptLogged, options));
}

function buildWithBuilder(
  vendor: Vendor,
  seed: string,
  turns: Turn[],
  promptLogged: boolean,
  options: VendorOptions = {},
): AgentTelemetry {
  const sessionId = sessionIdFor(vendor, seed);
  const startMs = startMsFor(seed);
  switch (vendor) {
    case 'codex':
      return codexSession({
        ...options.codex,
        conversationId: sessionId,
        logUserPrompt: promptLogged,
        turns,
        startMs,
      });
    case 'claude-code':
      return claudeCodeSession({
        ...options.claude,
        sessionId,
        logUserPrompts: promptLogged,
        turns,
        startMs,
      });
    case 'gemini-cli':
      return geminiCliSession({ ...options.gemini, sessionId, logPrompts: promptLogged, turns, startMs });
    case 'genai':
      // GenAI has no placeholder: without content capture, prompts, arguments and results are all left out.
      return genAiSession({
        ...options.genai,
        conversationId: sessionId,
        captureContent: promptLogged,
        turns,
        startMs,
      });
    case 'openinference':
      if (!promptLogged) throw new Error('OpenInference sessions always carry their prompts');
      return openInferenceSession({ ...options.openinference, sessionId, turns, startMs });
  }
}

export function defineSession(spec: SessionSpec): LabelledSession {
  const promptLogged = spec.promptLogged ?? vendorLogsPrompts(spec.vendor);
  const telemetry = buildTelemetry(spec.vendor, `corpus/${spec.id}`, spec.turns, promptLogged, spec);
  return {
    id: spec.id,
    label: spec.label,
    vendor: spec.vendor,
    promptLogged,
    ...(spec.hard !== undefined && { hard: spec.hard }),
    description: spec.description,
    telemetry,
  };
}
