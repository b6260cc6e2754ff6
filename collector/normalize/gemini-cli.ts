/**
 * Google Gemini CLI logs (reference §3). The event is attribute `event.name` with the full name
 * (`gemini_cli.tool_call`); the body is a human sentence. Values are typed (`duration_ms` int, `success`
 * bool). Tool calls carry their decision on the same record and have no call id: `prompt_id` correlates.
 * Gemini's `gen_ai.*` spans are handled by the GenAI module.
 */
import type { Decision } from '../../schemas/agent-event.ts';
import type { Attributes, OtlpLogRecord } from '../otlp/model.ts';
import { getBool, getDurationMs, getNonNegativeInt, getString, getText } from './common.ts';
import { logEvent, reject, type EventFields, type NormalizeContext, type Normalized } from './envelope.ts';
import { buildDecision, buildPolicy, buildPrompt, buildResult, buildTool } from './fields.ts';

export function isGeminiCliLog(record: OtlpLogRecord): boolean {
  return getString(record.attributes, 'event.name')?.startsWith('gemini_cli.') === true;
}

/** `ToolCallDecision` (`accept`, `auto_accept`, `reject`, `modify`); Conseca verdicts may say allow/deny. */
export function geminiCliDecision(raw: string): Decision {
  if (raw === 'accept' || raw === 'auto_accept' || raw === 'allow') return 'allow';
  if (raw === 'reject' || raw === 'deny') return 'deny';
  if (raw === 'modify') return 'modify';
  return 'unknown';
}

export function normalizeGeminiCliLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  const fields = geminiFields(record.attributes);
  return typeof fields === 'string' ? reject(fields) : logEvent(record, ctx, 'gemini_cli', fields);
}

function geminiFields(attrs: Attributes): EventFields | string {
  const name = getString(attrs, 'event.name') ?? '';
  const base = {
    sourceEvent: name,
    sessionId: getText(attrs, 'session.id'),
    promptId: getText(attrs, 'prompt_id'),
    model: getText(attrs, 'model'),
  };
  const durationMs = getDurationMs(attrs, 'duration_ms');
  // The approval-mode switch is logged as `gemini_cli.plan.approval_mode_switch` in current sources.
  if (name.endsWith('.approval_mode_switch')) {
    return { ...base, kind: 'policy_change', policy: buildPolicy(getText(attrs, 'to_mode'), undefined) };
  }
  switch (name) {
    case 'gemini_cli.config': {
      const sandbox = getBool(attrs, 'sandbox_enabled');
      return {
        ...base,
        kind: 'session_start',
        policy: buildPolicy(
          getText(attrs, 'approval_mode'),
          sandbox === undefined ? undefined : String(sandbox),
        ),
      };
    }
    case 'gemini_cli.user_prompt':
      return {
        ...base,
        kind: 'prompt',
        prompt: buildPrompt(getString(attrs, 'prompt'), getNonNegativeInt(attrs, 'prompt_length')),
      };
    case 'gemini_cli.tool_call':
      return toolCall(attrs, base, durationMs);
    case 'gemini_cli.api_request':
      return { ...base, kind: 'model_call' };
    case 'gemini_cli.api_error':
      return {
        ...base,
        kind: 'error',
        result: buildResult({
          success: false,
          error: getText(attrs, 'error') ?? getText(attrs, 'error.message'),
          durationMs,
        }),
      };
    case 'gemini_cli.conseca.verdict': {
      // A security-policy verdict on a tool call: the closest thing to an automated approval decision.
      const decision = getText(attrs, 'decision') ?? getText(attrs, 'verdict');
      const toolName = getText(attrs, 'tool_name');
      if (decision === undefined) return { ...base, kind: 'other' };
      return {
        ...base,
        kind: 'approval_decision',
        tool: toolName === undefined ? undefined : buildTool({ name: toolName }),
        decision: buildDecision(decision, 'conseca', geminiCliDecision),
      };
    }
    default: {
      const toolName = getText(attrs, 'tool_name');
      return {
        ...base,
        kind: 'other',
        tool: toolName === undefined ? undefined : buildTool({ name: toolName }),
        result: buildResult({ durationMs }),
      };
    }
  }
}

function toolCall(
  attrs: Attributes,
  base: Omit<EventFields, 'kind'>,
  durationMs: number | undefined,
): EventFields | string {
  const toolName = getText(attrs, 'function_name');
  if (toolName === undefined) return `${base.sourceEvent} without function_name`;
  const decision = getText(attrs, 'decision');
  return {
    ...base,
    kind: 'tool_result',
    tool: buildTool({
      name: toolName,
      arguments: getString(attrs, 'function_args'),
      mcpServer: getText(attrs, 'mcp_server_name'),
    }),
    result: buildResult({
      success: getBool(attrs, 'success'),
      error: getText(attrs, 'error') ?? getText(attrs, 'error.message'),
      durationMs,
    }),
    decision: decision === undefined ? undefined : buildDecision(decision, undefined, geminiCliDecision),
  };
}
