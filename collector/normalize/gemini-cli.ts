/**
 * Google Gemini CLI logs (reference §3). The event is attribute `event.name` with the full name
 * (`gemini_cli.tool_call`); the body is a human sentence. Values are typed (`duration_ms` int, `success`
 * bool). Tool calls carry their decision on the same record and have no call id. What a tool returned is
 * in no tool record: it reaches telemetry only in the next model request's `request_text` (the whole
 * conversation, resent each time), as `functionResponse` parts; each becomes a `tool_output` event. Gemini
 * CLI's spans and its GenAI-shaped request details copy these logs (index.ts drops them).
 */
import type { Decision } from '../../schemas/agent-event.ts';
import type { Attributes, OtlpLogRecord } from '../otlp/model.ts';
import {
  getBool,
  getDurationMs,
  getNonNegativeInt,
  getString,
  getText,
  isRecord,
  parseJson,
} from './common.ts';
import { logEvent, reject, type EventFields, type NormalizeContext, type Normalized } from './envelope.ts';
import { buildDecision, buildPolicy, buildPrompt, buildResult, buildTool } from './fields.ts';

/** A shell tool's output names a non-zero exit code this way (and only then). */
const EXIT_CODE = /^Exit Code: (-?\d+)$/m;
/** A tool call its policy engine refused (the record's `decision` is then empty). */
const POLICY_VIOLATION = 'policy_violation';

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

export function normalizeGeminiCliLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized[] {
  const fields = geminiFields(record.attributes);
  if (typeof fields === 'string') return [reject(fields)];
  const event = logEvent(record, ctx, 'gemini_cli', fields);
  if (fields.sourceEvent !== 'gemini_cli.api_request') return [event];
  return [
    event,
    ...answeredCalls(getString(record.attributes, 'request_text')).map((call, i) =>
      logEvent(
        record,
        ctx,
        'gemini_cli',
        {
          kind: 'tool_output',
          sourceEvent: fields.sourceEvent,
          sessionId: fields.sessionId,
          promptId: fields.promptId,
          tool: buildTool({ name: call.name, callId: call.id, arguments: call.args }),
          result: call.result,
        },
        {},
        `tool_output:${i}`,
      ),
    ),
  ];
}

interface AnsweredCall {
  name: string;
  id: string | undefined;
  args: string | undefined;
  result: EventFields['result'];
}

/**
 * The tool calls a model request answers: the `functionResponse` parts after the model's last turn (earlier
 * ones were answered in earlier requests), each with the `functionCall` it answers (same id).
 */
function answeredCalls(requestText: string | undefined): AnsweredCall[] {
  const history = parseJson(requestText);
  if (!Array.isArray(history)) return [];
  const parts = (message: unknown): Record<string, unknown>[] =>
    isRecord(message) && Array.isArray(message['parts']) ? message['parts'].filter(isRecord) : [];
  const lastModel = history.map((m) => isRecord(m) && m['role'] === 'model').lastIndexOf(true);
  const calls = new Map<string, Record<string, unknown>>();
  for (const part of parts(history[lastModel])) {
    const call = part['functionCall'];
    if (isRecord(call) && typeof call['id'] === 'string') calls.set(call['id'], call);
  }
  return history.slice(lastModel + 1).flatMap((message) =>
    parts(message).flatMap((part): AnsweredCall[] => {
      const response = part['functionResponse'];
      if (!isRecord(response) || typeof response['name'] !== 'string') return [];
      const id = typeof response['id'] === 'string' ? response['id'] : undefined;
      const body = isRecord(response['response']) ? response['response'] : {};
      const output = typeof body['output'] === 'string' ? body['output'] : undefined;
      const error = typeof body['error'] === 'string' ? body['error'] : undefined;
      const exit = output === undefined ? undefined : EXIT_CODE.exec(output)?.[1];
      const args = id === undefined ? undefined : calls.get(id)?.['args'];
      return [
        {
          name: response['name'],
          id,
          args: args === undefined ? undefined : JSON.stringify(args),
          result: buildResult({
            success: error === undefined ? undefined : false,
            exitCode: exit === undefined ? undefined : Number(exit),
            output,
            error,
          }),
        },
      ];
    }),
  );
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
      // The routing classifier's request chooses a model; it is not a step of the agent.
      return { ...base, kind: getText(attrs, 'role') === 'utility_router' ? 'other' : 'model_call' };
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
  const errorType = getText(attrs, 'error_type') ?? getText(attrs, 'error.type');
  // A call the policy engine refused carries an empty decision: the refusal is the decision.
  const decision = errorType === POLICY_VIOLATION ? 'deny' : getText(attrs, 'decision');
  const metadata = parseJson(getString(attrs, 'metadata'));
  const exitCode =
    isRecord(metadata) && typeof metadata['exitCode'] === 'number' ? metadata['exitCode'] : undefined;
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
      exitCode,
      error: getText(attrs, 'error') ?? getText(attrs, 'error.message'),
      durationMs,
    }),
    decision:
      decision === undefined
        ? undefined
        : buildDecision(decision, errorType === POLICY_VIOLATION ? 'policy' : undefined, geminiCliDecision),
  };
}
