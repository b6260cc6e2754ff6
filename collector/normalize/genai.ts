/**
 * OpenTelemetry GenAI semantic conventions (reference §4), including Gemini CLI's spans (§3: non-standard
 * operation names, `gen_ai.tool.call_id`) and the GenAI log events: the deprecated per-message events
 * (`gen_ai.user.message`, … with the content in the body) and `gen_ai.client.inference.operation.details`.
 * Semconv has no approval concept, so no event here carries a decision.
 */
import type { AttributeValue, Attributes, OtlpLogRecord, OtlpSpan } from '../otlp/model.ts';
import { getString, getText, isRecord, parseJson, toText } from './common.ts';
import {
  logEvent,
  reject,
  requestedToolCallEvents,
  spanDuration,
  spanEvent,
  spanFailure,
  spanFailureResult,
  type EventFields,
  type NormalizeContext,
  type Normalized,
} from './envelope.ts';
import { buildPrompt, buildResult, buildTool } from './fields.ts';

/** Inference operations; `llm_call` is Gemini CLI's name for one. */
const MODEL_OPERATIONS = new Set(['chat', 'generate_content', 'text_completion', 'embeddings', 'llm_call']);
/** Tool executions; `tool_call` is Gemini CLI's name for one. */
const TOOL_OPERATIONS = new Set(['execute_tool', 'tool_call']);

export function isGenAiSpan(span: OtlpSpan): boolean {
  const attrs = span.attributes;
  // `gen_ai.system` is the deprecated provider key that pre-1.37 instrumentations still send alone.
  return ['gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.system'].some((key) =>
    getText(attrs, key),
  );
}

/** GenAI events name themselves in `LogRecord.event_name` (current) or attribute `event.name` (older). */
export function genAiLogEventName(record: OtlpLogRecord): string | undefined {
  const name = record.eventName !== '' ? record.eventName : getText(record.attributes, 'event.name');
  return name?.startsWith('gen_ai.') === true ? name : undefined;
}

/** Gemini CLI's GenAI-style records also carry its own `session.id`; semconv's key wins. */
function conversationOf(attrs: Attributes): string | undefined {
  return getText(attrs, 'gen_ai.conversation.id') ?? getText(attrs, 'session.id');
}

function modelOf(attrs: Attributes): string | undefined {
  return getText(attrs, 'gen_ai.request.model') ?? getText(attrs, 'gen_ai.response.model');
}

function messagesOf(value: AttributeValue | undefined): Record<string, unknown>[] {
  const parsed = parseJson(value);
  return Array.isArray(parsed) ? parsed.filter(isRecord) : [];
}

function partsOf(message: Record<string, unknown>): Record<string, unknown>[] {
  const parts = message['parts'];
  return Array.isArray(parts) ? parts.filter(isRecord) : [];
}

/** The text of the first (or last) user message in `gen_ai.input.messages`, if content capture was on. */
function userText(value: AttributeValue | undefined, which: 'first' | 'last'): string | undefined {
  const users = messagesOf(value).filter((message) => message['role'] === 'user');
  const user = which === 'first' ? users[0] : users.pop();
  const texts = (user ? partsOf(user) : [])
    .filter((part) => part['type'] === 'text' && typeof part['content'] === 'string')
    .map((part) => part['content'] as string);
  return texts.length > 0 ? texts.join('\n') : undefined;
}

function argumentsText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The `tool_call` parts of `gen_ai.output.messages`: what the model asked to run. */
function requestedToolCalls(value: AttributeValue | undefined) {
  return messagesOf(value)
    .flatMap(partsOf)
    .filter((part) => part['type'] === 'tool_call')
    .map((part) => ({
      name: typeof part['name'] === 'string' && part['name'] !== '' ? part['name'] : undefined,
      callId: typeof part['id'] === 'string' ? part['id'] : undefined,
      arguments: argumentsText(part['arguments']),
    }));
}

export function normalizeGenAiSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
  const attrs = span.attributes;
  const operation = getText(attrs, 'gen_ai.operation.name');
  const failure = spanFailure(span);
  const base = {
    sourceEvent: span.name,
    sessionId: conversationOf(attrs),
    model: modelOf(attrs),
  };
  const isModelCall = operation === undefined ? base.model !== undefined : MODEL_OPERATIONS.has(operation);
  if (isModelCall) {
    const kind = failure.failed ? 'error' : 'model_call';
    // The conversation's first user message is the user's request (semconv carries it only when captured).
    const request = userText(attrs['gen_ai.input.messages'], 'first');
    const prompt = request === undefined ? undefined : buildPrompt(request, undefined);
    const call = spanEvent(span, ctx, 'genai', { ...base, kind, prompt, result: spanFailureResult(span) });
    const calls = requestedToolCalls(attrs['gen_ai.output.messages']);
    return [call, ...requestedToolCallEvents(span, ctx, 'genai', base, calls)];
  }
  if (operation !== undefined && TOOL_OPERATIONS.has(operation)) return [toolExecution(span, ctx, base)];
  if (operation === 'user_prompt') {
    const prompt = buildPrompt(userText(attrs['gen_ai.input.messages'], 'last'), undefined);
    return [spanEvent(span, ctx, 'genai', { ...base, kind: 'prompt', prompt })];
  }
  // invoke_agent, create_agent, invoke_workflow, retrieval, Gemini's agent_call/system_prompt/…
  const result = spanFailureResult(span);
  return [spanEvent(span, ctx, 'genai', { ...base, kind: failure.failed ? 'error' : 'other', result })];
}

function toolExecution(span: OtlpSpan, ctx: NormalizeContext, base: Omit<EventFields, 'kind'>): Normalized {
  const attrs = span.attributes;
  const name = getText(attrs, 'gen_ai.tool.name');
  if (name === undefined)
    return reject(`${span.name}: ${getText(attrs, 'gen_ai.operation.name')} without gen_ai.tool.name`);
  const failure = spanFailure(span);
  const tool = buildTool({
    name,
    callId: getText(attrs, 'gen_ai.tool.call.id') ?? getText(attrs, 'gen_ai.tool.call_id'),
    arguments: attrs['gen_ai.tool.call.arguments'],
  });
  // An ended span without ERROR status succeeded: semconv marks failures with status and `error.type`.
  const result = buildResult({
    success: !failure.failed,
    output: attrs['gen_ai.tool.call.result'],
    error: failure.error,
    durationMs: spanDuration(span),
  });
  return spanEvent(span, ctx, 'genai', { ...base, kind: 'tool_result', tool, result });
}

/** The content of a deprecated per-message event: `{content: …}` in the body, or the body itself. */
function bodyContent(body: AttributeValue): string | undefined {
  if (typeof body === 'string') return body;
  if (isRecord(body) && body['content'] !== undefined && body['content'] !== null)
    return toText(body['content']);
  return undefined;
}

export function normalizeGenAiLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  const attrs = record.attributes;
  const name = genAiLogEventName(record) ?? 'gen_ai.unknown';
  const base = {
    sourceEvent: name,
    sessionId: conversationOf(attrs),
    model: modelOf(attrs),
  };
  switch (name) {
    case 'gen_ai.user.message':
      return logEvent(record, ctx, 'genai', {
        ...base,
        kind: 'prompt',
        prompt: buildPrompt(bodyContent(record.body), undefined),
      });
    case 'gen_ai.client.inference.operation.details':
      return logEvent(record, ctx, 'genai', {
        ...base,
        kind: getText(attrs, 'error.type') ? 'error' : 'model_call',
      });
    case 'gen_ai.client.operation.exception': {
      const error = getText(attrs, 'exception.message') ?? getText(attrs, 'exception.type');
      return logEvent(record, ctx, 'genai', {
        ...base,
        kind: 'error',
        result: buildResult({ success: false, error }),
      });
    }
    case 'gen_ai.tool.message': {
      // The tool's answer fed back to the model; the body has no tool name, so it cannot be a tool_result.
      const output = bodyContent(record.body) ?? getString(attrs, 'gen_ai.tool.call.result');
      return logEvent(record, ctx, 'genai', { ...base, kind: 'other', result: buildResult({ output }) });
    }
    default:
      return logEvent(record, ctx, 'genai', { ...base, kind: 'other' });
  }
}
