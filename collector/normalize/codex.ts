/**
 * OpenAI Codex CLI logs (reference §1). The event is the attribute `event.name` (`codex.*`); the body is
 * empty and `LogRecord.event_name` holds a tracing callsite, so neither is read. Numbers and booleans
 * arrive Display-formatted as strings (`duration_ms: "412"`, `success: "false"`). Records carry no
 * `timeUnixNano`, only the observed time. Codex's spans copy its log events with lengths instead of content
 * and mostly carry no conversation id: none becomes an event.
 */
import type { Decision } from '../../schemas/agent-event.ts';
import type { OtlpLogRecord } from '../otlp/model.ts';
import { getBool, getDurationMs, getNonNegativeInt, getString, getText } from './common.ts';
import {
  drop,
  logEvent,
  reject,
  type EventFields,
  type NormalizeContext,
  type Normalized,
} from './envelope.ts';
import { buildDecision, buildPolicy, buildPrompt, buildResult, buildTool } from './fields.ts';

/**
 * What Codex writes into a tool's `output` (it sends `success: "true"` whatever the exit code): the exit
 * code of the process, and the marker of a call its exec policy, sandbox or approval reviewer refused.
 */
const EXIT_CODE = /^Process exited with code (-?\d+)$/m;
const REFUSED = /^exec_command failed: CreateProcess \{ message: "Rejected\(/;
/** The automatic approval reviewer's prompt names the conversation it reviews. */
const REVIEWED_SESSION = /^Reviewed Codex session id: ([\w-]+)$/m;

export function normalizeCodexSpan(): Normalized[] {
  return [drop('mirror')];
}

export function isCodexLog(record: OtlpLogRecord): boolean {
  return getString(record.attributes, 'event.name')?.startsWith('codex.') === true;
}

/** `ReviewDecision` in lower-case Display form; unknown values (e.g. policy amendments) stay `unknown`. */
export function codexDecision(raw: string): Decision {
  if (raw.startsWith('approved')) return 'allow';
  if (raw === 'denied' || raw === 'rejected') return 'deny';
  if (raw === 'abort') return 'abort';
  if (raw === 'timed_out') return 'timeout';
  return 'unknown';
}

export function normalizeCodexLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  const attrs = record.attributes;
  const name = getString(attrs, 'event.name') ?? '';
  // Every Codex record repeats the conversation and the model, so every event gets them.
  const base = {
    sourceEvent: name,
    sessionId: getText(attrs, 'conversation.id'),
    model: getText(attrs, 'model'),
  };
  const fields = codexFields(record, base);
  return typeof fields === 'string' ? reject(fields) : logEvent(record, ctx, 'codex', fields);
}

type Base = Pick<EventFields, 'sourceEvent' | 'sessionId' | 'model'>;

/** The event fields for one record, or the reason it cannot become an event. */
function codexFields(record: OtlpLogRecord, base: Base): EventFields | string {
  const attrs = record.attributes;
  const toolName = getText(attrs, 'tool_name');
  const callId = getText(attrs, 'call_id');
  const errorMessage = getText(attrs, 'error.message');
  switch (base.sourceEvent) {
    case 'codex.conversation_starts':
      return {
        ...base,
        kind: 'session_start',
        policy: buildPolicy(getText(attrs, 'approval_policy'), getText(attrs, 'sandbox_policy')),
      };
    case 'codex.user_prompt': {
      const prompt = getString(attrs, 'prompt');
      const reviewed = prompt === undefined ? undefined : REVIEWED_SESSION.exec(prompt)?.[1];
      return {
        ...base,
        kind: 'prompt',
        prompt: buildPrompt(prompt, getNonNegativeInt(attrs, 'prompt_length')),
        // The approval reviewer's own conversation: its "prompt" is Codex's, not a person's request.
        link: reviewed === undefined ? undefined : { sessionId: reviewed, relation: 'reviewer' },
      };
    }
    case 'codex.tool_decision': {
      const decision = getText(attrs, 'decision');
      if (decision === undefined) return `${base.sourceEvent} without decision`;
      return {
        ...base,
        kind: 'approval_decision',
        tool: toolName === undefined ? undefined : buildTool({ name: toolName, callId }),
        decision: buildDecision(decision, getText(attrs, 'source'), codexDecision),
      };
    }
    case 'codex.tool_result':
      return toolResult(record, base, toolName, callId);
    case 'codex.api_request':
      return {
        ...base,
        kind: errorMessage === undefined ? 'model_call' : 'error',
        result: buildResult({
          success: errorMessage === undefined ? undefined : false,
          error: errorMessage,
          durationMs: getDurationMs(attrs, 'duration_ms'),
        }),
      };
    default:
      // sse_event, websocket_*, sandbox_outcome, startup_phase, …: kept; a reported failure is an error.
      return {
        ...base,
        kind: errorMessage === undefined ? 'other' : 'error',
        tool: toolName === undefined ? undefined : buildTool({ name: toolName, callId }),
        result: buildResult({
          success: getBool(attrs, 'success'),
          error: errorMessage,
          durationMs: getDurationMs(attrs, 'duration_ms'),
        }),
      };
  }
}

function toolResult(
  record: OtlpLogRecord,
  base: Base,
  toolName: string | undefined,
  callId: string | undefined,
): EventFields | string {
  const attrs = record.attributes;
  if (toolName === undefined) return `${base.sourceEvent} without tool_name`;
  const success = getBool(attrs, 'success');
  const output = getString(attrs, 'output');
  const exitCode = output === undefined ? undefined : EXIT_CODE.exec(output)?.[1];
  const refused = output !== undefined && REFUSED.test(output);
  // The failure path (`log_tool_failed`: no call_id, no arguments) and a refused call: `output` is the error.
  const failurePath =
    refused || (success === false && callId === undefined && attrs['arguments'] === undefined);
  return {
    ...base,
    kind: 'tool_result',
    tool: buildTool({
      name: toolName,
      callId,
      arguments: getString(attrs, 'arguments'),
      mcpServer: getText(attrs, 'mcp_server'),
    }),
    result: buildResult({
      success: refused ? false : success,
      exitCode: exitCode === undefined ? undefined : Number(exitCode),
      output,
      outputTruncated: getBool(attrs, 'output_truncated'),
      error: failurePath ? output : undefined,
      durationMs: getDurationMs(attrs, 'duration_ms'),
    }),
    // Refused before it ran (by the exec policy, the sandbox or the approval reviewer): Codex logs no
    // decision at all for its exec policy's refusals, so the refusal itself is one.
    decision: refused ? buildDecision('rejected', 'codex', codexDecision) : undefined,
  };
}
