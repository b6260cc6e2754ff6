/**
 * One model call per tool step for the span-based conventions. The GenAI and OpenInference fixture builders
 * record one model call per turn that requests every tool call at once; a real agent loop asks for one tool,
 * sees its result, then asks for the next. That order matters to triage (an action requested *after*
 * untrusted output arrived), so sessions with several tool calls in a turn are rewritten here: a model call
 * before each tool, each one's input holding the conversation so far (prompt, earlier calls and results when
 * content capture is on) and its output requesting just that tool.
 */
import { fixtureHexId, type AgentTelemetry, type SpanSpec } from '../fixtures/agents/index.ts';
import type { Vendor } from './corpus/session.ts';
import { byStart, rewriteTurns } from './respan.ts';

const parse = (value: unknown): unknown => {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
};

const stepSpanId = (first: SpanSpec, step: number) =>
  step === 0 ? first.spanId : fixtureHexId(`${first.traceId}/${first.spanId}/step/${step}`, 16);

/** The model call before step `i` runs from the end of the previous tool to the start of this one. */
function stepTiming(first: SpanSpec, tools: SpanSpec[], i: number): { startNs: bigint; endNs: bigint } {
  const tool = tools[i] as SpanSpec;
  const previous = tools[i - 1];
  return previous === undefined
    ? { startNs: first.startNs, endNs: first.endNs }
    : { startNs: previous.endNs, endNs: tool.startNs };
}

function genAiTurn(spans: SpanSpec[]): SpanSpec[] {
  const chats = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat').sort(byStart);
  const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool').sort(byStart);
  const [first, last] = chats;
  if (chats.length !== 2 || first === undefined || last === undefined || tools.length < 2) return spans;
  const content = first.attributes['gen_ai.input.messages'] !== undefined;
  const history = (parse(first.attributes['gen_ai.input.messages']) as unknown[] | undefined) ?? [];
  const steps = tools.map((tool, i): SpanSpec => {
    const id = tool.attributes['gen_ai.tool.call.id'];
    const part = {
      type: 'tool_call',
      id,
      name: tool.attributes['gen_ai.tool.name'],
      arguments: parse(tool.attributes['gen_ai.tool.call.arguments']) ?? {},
    };
    const attributes = { ...first.attributes };
    if (content) {
      attributes['gen_ai.input.messages'] = JSON.stringify(history);
      attributes['gen_ai.output.messages'] = JSON.stringify([
        { role: 'assistant', parts: [part], finish_reason: 'tool_call' },
      ]);
      const response = tool.attributes['gen_ai.tool.call.result'] ?? tool.status?.message ?? '';
      history.push(
        { role: 'assistant', parts: [part] },
        { role: 'tool', parts: [{ type: 'tool_call_response', id, response }] },
      );
    }
    return { ...first, spanId: stepSpanId(first, i), ...stepTiming(first, tools, i), attributes };
  });
  const final = content
    ? { ...last, attributes: { ...last.attributes, 'gen_ai.input.messages': JSON.stringify(history) } }
    : last;
  const rest = spans.filter((s) => !chats.includes(s) && !tools.includes(s));
  return [...steps, ...tools, final, ...rest];
}

const TOOL_CALLS = /^llm\.output_messages\.0\.message\.tool_calls\./;

function openInferenceTurn(spans: SpanSpec[]): SpanSpec[] {
  const kind = (s: SpanSpec) => s.attributes['openinference.span.kind'];
  const llm = spans.find((s) => kind(s) === 'LLM');
  const tools = spans.filter((s) => kind(s) === 'TOOL').sort(byStart);
  if (llm === undefined || tools.length < 2) return spans;
  const base = Object.fromEntries(Object.entries(llm.attributes).filter(([key]) => !TOOL_CALLS.test(key)));
  const history: Record<string, string> = {};
  let next = 1; // llm.input_messages.0 is the user's prompt
  const steps = tools.map((tool, i): SpanSpec => {
    const call = {
      id: String(tool.attributes['tool_call.id'] ?? ''),
      name: String(tool.attributes['tool.name'] ?? tool.name),
      arguments: String(tool.attributes['input.value'] ?? '{}'),
    };
    const requested = 'llm.output_messages.0.message.tool_calls.0.tool_call';
    const attributes = {
      ...base,
      ...history,
      [`${requested}.id`]: call.id,
      [`${requested}.function.name`]: call.name,
      [`${requested}.function.arguments`]: call.arguments,
    };
    const asked = `llm.input_messages.${next}.message`;
    const answered = `llm.input_messages.${next + 1}.message`;
    Object.assign(history, {
      [`${asked}.role`]: 'assistant',
      [`${asked}.tool_calls.0.tool_call.id`]: call.id,
      [`${asked}.tool_calls.0.tool_call.function.name`]: call.name,
      [`${asked}.tool_calls.0.tool_call.function.arguments`]: call.arguments,
      [`${answered}.role`]: 'tool',
      [`${answered}.content`]: String(tool.attributes['output.value'] ?? tool.status?.message ?? ''),
      [`${answered}.tool_call_id`]: call.id,
    });
    next += 2;
    return { ...llm, spanId: stepSpanId(llm, i), ...stepTiming(llm, tools, i), attributes };
  });
  const rest = spans.filter((s) => s !== llm && !tools.includes(s));
  return [...steps, ...tools, ...rest];
}

/** GenAI and OpenInference sessions with one model call per tool step; other vendors unchanged. */
export function stepwise(vendor: Vendor, telemetry: AgentTelemetry): AgentTelemetry {
  // Sessions with GenAI log events stay as built: those events point at the builder's chat span ids.
  if (vendor === 'genai' && telemetry.logs.length === 0) return rewriteTurns(telemetry, genAiTurn);
  if (vendor === 'openinference') return rewriteTurns(telemetry, openInferenceTurn);
  return telemetry;
}
