/**
 * Turns decoded OTLP records into canonical AgentEvents: detects which convention a record follows and
 * hands it to that source's module. Rejections carry a reason; the caller adds the record's position.
 */
import type { EventSource } from '../../schemas/agent-event.ts';
import type { OtlpLogRecord, OtlpSpan } from '../otlp/model.ts';
import {
  claudeCodeEventName,
  isClaudeCodeSpan,
  normalizeClaudeCodeLog,
  normalizeClaudeCodeSpan,
} from './claude-code.ts';
import { agentProgram } from './agents.ts';
import { isCodexLog, normalizeCodexLog, normalizeCodexSpan } from './codex.ts';
import { drop, type NormalizeContext, type Normalized } from './envelope.ts';
import { isGeminiCliLog, normalizeGeminiCliLog } from './gemini-cli.ts';
import { genAiLogEventName, isGenAiSpan, normalizeGenAiLog, normalizeGenAiSpan } from './genai.ts';
import { normalizeGenericLog, normalizeGenericSpan } from './generic.ts';
import { isOpenInferenceSpan, normalizeOpenInferenceSpan } from './openinference.ts';

export type { DropReason, NormalizeContext, Normalized } from './envelope.ts';

export function detectLogSource(record: OtlpLogRecord): EventSource {
  if (isCodexLog(record)) return 'codex';
  if (claudeCodeEventName(record) !== undefined) return 'claude_code';
  if (isGeminiCliLog(record)) return 'gemini_cli';
  if (genAiLogEventName(record) !== undefined) return 'genai';
  return 'generic';
}

/** Claude Code first (its LLM spans also carry `gen_ai.system`), and OpenInference before GenAI. */
export function detectSpanSource(span: OtlpSpan): EventSource {
  if (isClaudeCodeSpan(span)) return 'claude_code';
  if (isOpenInferenceSpan(span)) return 'openinference';
  if (isGenAiSpan(span)) return 'genai';
  return 'generic';
}

/** One record can yield several events (Gemini CLI's model request and each tool output it carries). */
export function normalizeLogRecord(record: OtlpLogRecord, ctx: NormalizeContext): Normalized[] {
  const source = detectLogSource(record);
  const program = agentProgram(record.resource.attributes);
  // A known agent's record that names no event is its own diagnostics ("flushing OTEL metrics").
  if (program !== undefined && source === 'generic') return [drop('agent-diagnostic')];
  // Gemini CLI logs each model request's details a second time in the GenAI shape.
  if (program === 'gemini_cli' && source === 'genai') return [drop('mirror')];
  switch (source) {
    case 'codex':
      return [normalizeCodexLog(record, ctx)];
    case 'claude_code':
      return [normalizeClaudeCodeLog(record, ctx)];
    case 'gemini_cli':
      return normalizeGeminiCliLog(record, ctx);
    case 'genai':
      return [normalizeGenAiLog(record, ctx)];
    default:
      return [normalizeGenericLog(record, ctx)];
  }
}

/** One span can yield several events (a model call and each tool call it requested). */
export function normalizeSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
  // The agent programs' logs are their record (agents.ts): their spans are copies, with few exceptions.
  switch (agentProgram(span.resource.attributes)) {
    case 'codex':
      return normalizeCodexSpan();
    case 'gemini_cli':
      return [drop('mirror')];
    case 'claude_code':
      return normalizeClaudeCodeSpan(span, ctx);
  }
  switch (detectSpanSource(span)) {
    case 'claude_code':
      return normalizeClaudeCodeSpan(span, ctx);
    case 'openinference':
      return normalizeOpenInferenceSpan(span, ctx);
    case 'genai':
      return normalizeGenAiSpan(span, ctx);
    default:
      return normalizeGenericSpan(span, ctx);
  }
}
