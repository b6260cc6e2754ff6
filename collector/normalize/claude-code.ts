/**
 * Anthropic Claude Code (reference §2). Log events carry `claude_code.<name>` in the body and the short
 * name in attribute `event.name`; traces (beta) are spans named `claude_code.*`. Tool output content never
 * appears in log events, and arguments only with `OTEL_LOG_TOOL_DETAILS=1`. A call the permission settings
 * reject leaves a `tool_decision` (reject) and no `tool_result`: the decision carries the command
 * (`tool_parameters.full_command`).
 */
import type { Decision } from '../../schemas/agent-event.ts';
import type { Attributes, OtlpLogRecord, OtlpSpan } from '../otlp/model.ts';
import {
  commandFromValue,
  getBool,
  getDurationMs,
  getInt,
  getNonNegativeInt,
  getString,
  getText,
  isRecord,
  parseJson,
} from './common.ts';
import {
  drop,
  logEvent,
  reject,
  spanEvent,
  type EventFields,
  type NormalizeContext,
  type Normalized,
} from './envelope.ts';
import { buildDecision, buildPolicy, buildPrompt, buildResult, buildTool } from './fields.ts';

const PREFIX = 'claude_code.';

/** The full event name (`claude_code.tool_result`), from the body or, failing that, the short name. */
export function claudeCodeEventName(record: OtlpLogRecord): string | undefined {
  if (typeof record.body === 'string' && record.body.startsWith(PREFIX)) return record.body;
  const short = getText(record.attributes, 'event.name');
  const fromClaude = getText(record.resource.attributes, 'service.name') === 'claude-code';
  return fromClaude && short !== undefined ? PREFIX + short.replace(PREFIX, '') : undefined;
}

export function isClaudeCodeSpan(span: OtlpSpan): boolean {
  return span.name.startsWith(PREFIX);
}

/** `accept`/`reject`; a rejection whose source is `user_abort` is the user interrupting, not denying. */
export function claudeCodeDecision(raw: string, source: string | undefined): Decision {
  if (raw === 'accept') return 'allow';
  if (raw === 'reject') return source === 'user_abort' ? 'abort' : 'deny';
  return 'unknown';
}

/** Fields every Claude Code record shares (standard attributes, §2.3). */
function baseFields(
  name: string,
  attrs: Attributes,
): Pick<EventFields, 'sourceEvent' | 'sessionId' | 'promptId'> {
  return {
    sourceEvent: name,
    sessionId: getText(attrs, 'session.id'),
    promptId: getText(attrs, 'prompt.id'),
  };
}

function jsonObject(text: string | undefined): Record<string, unknown> {
  const parsed = parseJson(text);
  return isRecord(parsed) ? parsed : {};
}

/** Tool identity and arguments as the `tool_result` log event and the `claude_code.tool` span carry them. */
function claudeTool(attrs: Attributes, name: string) {
  const input = getString(attrs, 'tool_input');
  const parameters = getString(attrs, 'tool_parameters');
  const params = jsonObject(parameters);
  const mcpServer = getText(attrs, 'mcp_server_name') ?? params['mcp_server_name'];
  return buildTool({
    name,
    callId: getText(attrs, 'tool_use_id') ?? getText(attrs, 'gen_ai.tool.call.id'),
    arguments: input ?? parameters,
    command:
      getText(attrs, 'full_command') ??
      commandFromValue(params['full_command']) ??
      commandFromValue(jsonObject(input)['command']),
    mcpServer: typeof mcpServer === 'string' && mcpServer !== '' ? mcpServer : undefined,
  });
}

export function normalizeClaudeCodeLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  const name = claudeCodeEventName(record) ?? PREFIX + 'unknown';
  const fields = logFields(record.attributes, name);
  return typeof fields === 'string' ? reject(fields) : logEvent(record, ctx, 'claude_code', fields);
}

function logFields(attrs: Attributes, name: string): EventFields | string {
  const base = { ...baseFields(name, attrs), sequence: getInt(attrs, 'event.sequence') };
  const toolName = getText(attrs, 'tool_name');
  const model = getText(attrs, 'model');
  const durationMs = getDurationMs(attrs, 'duration_ms');
  switch (name) {
    case 'claude_code.user_prompt':
      return {
        ...base,
        kind: 'prompt',
        prompt: buildPrompt(getString(attrs, 'prompt'), getNonNegativeInt(attrs, 'prompt_length')),
      };
    case 'claude_code.tool_result': {
      if (toolName === undefined) return `${name} without tool_name`;
      const decision = getText(attrs, 'decision_type');
      return {
        ...base,
        kind: 'tool_result',
        tool: claudeTool(attrs, toolName),
        result: buildResult({
          success: getBool(attrs, 'success'),
          error: getText(attrs, 'error') ?? getText(attrs, 'error_type'),
          durationMs,
        }),
        decision:
          decision === undefined
            ? undefined
            : buildDecision(decision, getText(attrs, 'decision_source'), claudeCodeDecision),
      };
    }
    case 'claude_code.tool_decision': {
      const decision = getText(attrs, 'decision');
      if (decision === undefined) return `${name} without decision`;
      return {
        ...base,
        kind: 'approval_decision',
        tool: toolName === undefined ? undefined : claudeTool(attrs, toolName),
        decision: buildDecision(decision, getText(attrs, 'source'), claudeCodeDecision),
      };
    }
    case 'claude_code.api_request':
      return { ...base, kind: 'model_call', model, result: buildResult({ durationMs }) };
    case 'claude_code.api_error':
    case 'claude_code.api_retries_exhausted':
      return {
        ...base,
        kind: 'error',
        model,
        result: buildResult({ success: false, error: getText(attrs, 'error'), durationMs }),
      };
    case 'claude_code.internal_error':
      return {
        ...base,
        kind: 'error',
        result: buildResult({ success: false, error: getText(attrs, 'error_name') }),
      };
    case 'claude_code.permission_mode_changed':
      return { ...base, kind: 'policy_change', policy: buildPolicy(getText(attrs, 'to_mode'), undefined) };
    default:
      return { ...base, kind: 'other', model };
  }
}

/**
 * Claude Code's beta traces copy its log events (the prompt, each decision, each result, each model request),
 * except for one thing the logs never carry: what a tool returned, as the `tool.output` event of the
 * `claude_code.tool` span. That becomes a `tool_output` event joined to the call by `tool_use_id`; every
 * other span is a copy.
 */
export function normalizeClaudeCodeSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
  const attrs = span.attributes;
  const toolName = getText(attrs, 'tool_name');
  const outputs = span.name === 'claude_code.tool' ? span.events.filter((e) => e.name === 'tool.output') : [];
  if (!outputs.length || toolName === undefined) return [drop('mirror')];
  const tool = claudeTool(attrs, toolName);
  return outputs.map((output, i) =>
    spanEvent(
      span,
      ctx,
      'claude_code',
      {
        ...baseFields('claude_code.tool.output', attrs),
        kind: 'tool_output',
        tool: {
          ...tool,
          arguments: tool.arguments ?? argumentsOf(output.attributes),
        },
        result: buildResult({
          output: getString(output.attributes, 'content') ?? getString(output.attributes, 'output'),
        }),
      },
      `tool.output:${i}`,
    ),
  );
}

/** A `tool.output` event names what the tool read (`file_path`): enough to match the call's arguments. */
function argumentsOf(attrs: Attributes): string | undefined {
  const path = getText(attrs, 'file_path');
  return path === undefined ? undefined : JSON.stringify({ file_path: path });
}
