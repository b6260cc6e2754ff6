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
import { isCodexLog, normalizeCodexLog } from './codex.ts';
import type { NormalizeContext, Normalized } from './envelope.ts';
import { isGeminiCliLog, normalizeGeminiCliLog } from './gemini-cli.ts';
import { genAiLogEventName, isGenAiSpan, normalizeGenAiLog, normalizeGenAiSpan } from './genai.ts';
import { normalizeGenericLog, normalizeGenericSpan } from './generic.ts';
import { isOpenInferenceSpan, normalizeOpenInferenceSpan } from './openinference.ts';

export type { NormalizeContext, Normalized } from './envelope.ts';

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

export function normalizeLogRecord(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  switch (detectLogSource(record)) {
    case 'codex':
      return normalizeCodexLog(record, ctx);
    case 'claude_code':
      return normalizeClaudeCodeLog(record, ctx);
    case 'gemini_cli':
      return normalizeGeminiCliLog(record, ctx);
    case 'genai':
      return normalizeGenAiLog(record, ctx);
    default:
      return normalizeGenericLog(record, ctx);
  }
}

/** One span can yield several events (a model call and each tool call it requested). */
export function normalizeSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
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
