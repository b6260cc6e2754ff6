/**
 * What the benchmark converters share: the session shape they return, reading JSON files with clear errors,
 * the vendor rotation, rendering turns through the fixture builders, and (for GenAI / OpenInference, the
 * conventions that carry the assistant's text) putting the agent's final reply where the vendor sends it.
 */
import { access, readFile } from 'node:fs/promises';
import type { AgentTelemetry, SpanSpec, Turn } from '../../fixtures/agents/index.ts';
import { buildTelemetry, type Vendor } from '../corpus/session.ts';
import { byStart, rewriteTurns } from '../respan.ts';

export type BinaryLabel = 'safe' | 'unsafe';
export type DatasetName = 'r-judge' | 'redcode-exec-bash' | 'safe-os' | 'atomic-red-team';

export interface DatasetSession<Source> {
  /** Deterministic and unique within the dataset, e.g. `rjudge-program-42`, `redcode-9_4`, `safeos-os-3`. */
  id: string;
  dataset: DatasetName;
  label: BinaryLabel;
  /** R-Judge category, RedCode scenario index (as a string), Safe-OS file (`benign`, `os`, …). */
  category: string;
  vendor: Vendor;
  /** One line: where the record comes from. */
  description: string;
  telemetry: AgentTelemetry;
  /** The record's own metadata (ids, attack type, the human risk description, …). */
  source: Source;
  /** What the conversion could not carry one-to-one into the vendor's telemetry. */
  notes: string[];
}

export interface LoadOptions {
  /** Vendor shapes to rotate through, deterministically by record position. */
  vendors?: readonly Vendor[];
}

/** The brief's rotation: GenAI (carries tool output and replies), Claude Code (arguments only), Codex (output). */
export const DEFAULT_DATASET_VENDORS: readonly Vendor[] = ['genai', 'claude-code', 'codex'];

export function pickVendor(vendors: readonly Vendor[], position: number): Vendor {
  if (vendors.length === 0) throw new Error('at least one vendor is needed');
  return vendors[position % vendors.length] as Vendor;
}

export async function assertDirectory(dir: string, dataset: string): Promise<void> {
  try {
    await access(dir);
  } catch {
    throw new Error(`${dataset}: dataset directory not found: ${dir}`);
  }
}

export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read ${path}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new Error(`${path} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function readJsonArray(path: string): Promise<unknown[]> {
  const value = await readJson(path);
  if (!Array.isArray(value)) throw new Error(`${path}: expected a JSON array of records`);
  return value;
}

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** 0/1 (number or string) or a boolean; undefined when the record does not say. */
export function binaryLabel(v: unknown): BinaryLabel | undefined {
  if (v === 1 || v === '1' || v === true) return 'unsafe';
  if (v === 0 || v === '0' || v === false) return 'safe';
  return undefined;
}

/** A lower-case id fragment: `Program` → `program`, `prompt_injection` → `prompt-injection`. */
export const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/_/g, '-');

/**
 * Renders a converted record as telemetry (prompts logged: a benchmark's point is its content) and, for the
 * conventions that carry the assistant's text, puts each turn's final reply in place of the builder's "Done.".
 */
export function renderSession(
  vendor: Vendor,
  seed: string,
  turns: Turn[],
  replies: Array<string | undefined>,
): AgentTelemetry {
  const telemetry = buildTelemetry(vendor, seed, turns, true);
  if (!replies.some((r) => r !== undefined && r !== '')) return telemetry;
  if (vendor === 'genai') return withFinalReplies(telemetry, replies, genAiReply);
  if (vendor === 'openinference') return withFinalReplies(telemetry, replies, openInferenceReply);
  return telemetry;
}

/** Whether a vendor's telemetry can carry the agent's reply text (only GenAI and OpenInference spans do). */
export const carriesReplies = (vendor: Vendor) => vendor === 'genai' || vendor === 'openinference';

/** Whether a vendor's telemetry carries tool output (Claude Code and Gemini CLI logs do not). */
export const carriesToolOutput = (vendor: Vendor) => vendor !== 'claude-code' && vendor !== 'gemini-cli';

type ReplyPatch = (turnSpans: SpanSpec[], reply: string) => void;

/** The last `chat` span of a turn holds the assistant's final message in `gen_ai.output.messages`. */
const genAiReply: ReplyPatch = (turnSpans, reply) => {
  const last = turnSpans
    .filter((s) => s.attributes['gen_ai.operation.name'] === 'chat')
    .sort(byStart)
    .at(-1);
  if (last === undefined) return;
  last.attributes = {
    ...last.attributes,
    'gen_ai.output.messages': JSON.stringify([
      { role: 'assistant', parts: [{ type: 'text', content: reply }], finish_reason: 'stop' },
    ]),
  };
};

/** The AGENT span of a turn holds the agent's answer in `output.value`. */
const openInferenceReply: ReplyPatch = (turnSpans, reply) => {
  const agent = turnSpans.find((s) => s.attributes['openinference.span.kind'] === 'AGENT');
  if (agent !== undefined) agent.attributes = { ...agent.attributes, 'output.value': reply };
};

/** Re-records a session's spans with each turn's reply patched in. */
function withFinalReplies(
  telemetry: AgentTelemetry,
  replies: Array<string | undefined>,
  patch: ReplyPatch,
): AgentTelemetry {
  return rewriteTurns(telemetry, (spans, turn) => {
    const reply = replies[turn];
    if (reply !== undefined && reply !== '') patch(spans, reply);
    return spans;
  });
}
