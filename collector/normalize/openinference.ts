/**
 * OpenInference (Arize) spans (reference §5): `openinference.span.kind` says what a span is. TOOL spans
 * carry the call arguments in `input.value` (`tool.parameters` is the tool's JSON schema, not the call)
 * and the result in `output.value`. LLM spans list the tool calls they requested as flattened attributes.
 */
import type { Attributes, OtlpSpan } from '../otlp/model.ts';
import { getString, getText } from './common.ts';
import {
  reject,
  requestedToolCallEvents,
  spanDuration,
  spanEvent,
  spanFailure,
  spanFailureResult,
  type NormalizeContext,
  type Normalized,
} from './envelope.ts';
import { buildPrompt, buildResult, buildTool } from './fields.ts';

export function isOpenInferenceSpan(span: OtlpSpan): boolean {
  return getText(span.attributes, 'openinference.span.kind') !== undefined;
}

const TOOL_CALL_KEY = /^llm\.output_messages\.(\d+)\.message\.tool_calls\.(\d+)\.tool_call\.(.+)$/;

const INPUT_MESSAGE_KEY = /^llm\.input_messages\.(\d+)\.message\.role$/;

/** The first user message of `llm.input_messages.<i>.message.{role,content}`: the user's request. */
function firstUserMessage(attrs: Attributes): string | undefined {
  const indexes = Object.keys(attrs)
    .map((key) => INPUT_MESSAGE_KEY.exec(key))
    .filter((m): m is RegExpExecArray => m !== null && getText(attrs, m[0]) === 'user')
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  return indexes.length ? getString(attrs, `llm.input_messages.${indexes[0]}.message.content`) : undefined;
}

/** `llm.output_messages.<i>.message.tool_calls.<j>.tool_call.{id,function.name,function.arguments}`. */
function requestedToolCalls(attrs: Attributes) {
  const calls = new Map<string, { order: [number, number]; fields: Record<string, string | undefined> }>();
  for (const key of Object.keys(attrs)) {
    const match = TOOL_CALL_KEY.exec(key);
    if (!match) continue;
    const [, message = '0', call = '0', field = ''] = match;
    const entry = calls.get(`${message}.${call}`) ?? { order: [Number(message), Number(call)], fields: {} };
    entry.fields[field] = getString(attrs, key);
    calls.set(`${message}.${call}`, entry);
  }
  return [...calls.values()]
    .sort((a, b) => a.order[0] - b.order[0] || a.order[1] - b.order[1])
    .map(({ fields }) => ({
      name: fields['function.name'] || undefined,
      callId: fields['id'] || undefined,
      arguments: fields['function.arguments'],
    }));
}

export function normalizeOpenInferenceSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
  const attrs = span.attributes;
  const spanKind = (getText(attrs, 'openinference.span.kind') ?? '').toUpperCase();
  const failure = spanFailure(span);
  const base = { sourceEvent: span.name, sessionId: getText(attrs, 'session.id') };
  const failedResult = spanFailureResult(span);
  switch (spanKind) {
    case 'LLM': {
      const model = getText(attrs, 'llm.model_name');
      const kind = failure.failed ? 'error' : 'model_call';
      const request = firstUserMessage(attrs);
      const prompt = request === undefined ? undefined : buildPrompt(request, undefined);
      const call = spanEvent(span, ctx, 'openinference', {
        ...base,
        kind,
        model,
        prompt,
        result: failedResult,
      });
      const calls = requestedToolCalls(attrs);
      return [call, ...requestedToolCallEvents(span, ctx, 'openinference', { ...base, model }, calls)];
    }
    case 'EMBEDDING': {
      const model = getText(attrs, 'embedding.model_name');
      const kind = failure.failed ? 'error' : 'model_call';
      return [spanEvent(span, ctx, 'openinference', { ...base, kind, model, result: failedResult })];
    }
    case 'TOOL':
      return [toolSpan(span, ctx, base)];
    default:
      // AGENT, CHAIN, RETRIEVER, RERANKER, GUARDRAIL, EVALUATOR, PROMPT: no canonical kind of their own.
      return [
        spanEvent(span, ctx, 'openinference', {
          ...base,
          kind: failure.failed ? 'error' : 'other',
          result: failedResult,
        }),
      ];
  }
}

function toolSpan(
  span: OtlpSpan,
  ctx: NormalizeContext,
  base: { sourceEvent: string; sessionId?: string | undefined },
) {
  const attrs = span.attributes;
  const name = getText(attrs, 'tool.name');
  if (name === undefined) return reject(`${span.name}: TOOL span without tool.name`);
  const failure = spanFailure(span);
  const tool = buildTool({
    name,
    callId: getText(attrs, 'tool_call.id') ?? getText(attrs, 'tool.id'),
    arguments: getString(attrs, 'input.value'),
  });
  // An ended span without ERROR status succeeded (instrumentations set ERROR on exceptions).
  const result = buildResult({
    success: !failure.failed,
    output: getString(attrs, 'output.value'),
    error: failure.error,
    durationMs: spanDuration(span),
  });
  return spanEvent(span, ctx, 'openinference', { ...base, kind: 'tool_result', tool, result });
}
