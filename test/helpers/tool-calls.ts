/**
 * The tool calls of a session as an analyst reads them: every call that ran (its result), and every call
 * denied before it ran (its decision, with the command), each with who decided. Shared by the tests over the
 * recorded agent exports (AgentEvents) and the conformance suite (the API's timeline).
 */
import type { AgentEvent } from '../../schemas/agent-event.ts';
import type { TimelineEvent } from '../../api/views.ts';

/** What a call needs from an event, whichever side it was read from. */
export interface CallEvent {
  kind: string;
  tool?: string;
  callId?: string;
  command?: string;
  arguments?: string;
  success?: boolean;
  exitCode?: number;
  decision?: string;
}

export interface ToolCall {
  id?: string;
  tool: string;
  /** The command line, or for file tools the path they name. */
  target: string;
  success: boolean | undefined;
  exitCode?: number;
  decision: 'allow' | 'deny' | undefined;
}

export const fromAgentEvent = (e: AgentEvent): CallEvent => ({
  kind: e.kind,
  tool: e.tool?.name,
  callId: e.tool?.callId,
  command: e.tool?.command,
  arguments: e.tool?.arguments,
  success: e.result?.success,
  exitCode: e.result?.exitCode,
  decision: e.decision?.decision,
});

export const fromTimeline = (e: TimelineEvent): CallEvent => ({
  kind: e.kind,
  tool: e.tool ?? undefined,
  callId: e.call_id ?? undefined,
  command: e.command ?? undefined,
  arguments: e.arguments ?? undefined,
  success: e.success ?? undefined,
  exitCode: e.exit_code ?? undefined,
  decision: e.decision ?? undefined,
});

function parseArguments(raw: string | undefined): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(raw ?? '{}');
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export function toolCalls(events: CallEvent[]): ToolCall[] {
  const executed = new Set(events.filter((e) => e.kind === 'tool_result').map((e) => e.callId));
  // A call denied twice (Warden's pre-action review, then the agent's own record of its hook) is one call.
  const denied = new Set<string>();
  const firstDenial = (e: CallEvent) => {
    if (e.callId === undefined) return true;
    if (denied.has(e.callId)) return false;
    denied.add(e.callId);
    return true;
  };
  return events
    .filter(
      (e) =>
        e.tool &&
        (e.kind === 'tool_result' ||
          (e.kind === 'approval_decision' &&
            e.decision === 'deny' &&
            !executed.has(e.callId) &&
            firstDenial(e))),
    )
    .map((e) => {
      const args = parseArguments(e.arguments);
      const decisions = events.filter((d) => d.decision && d.callId && d.callId === e.callId);
      const decision =
        e.decision ?? decisions.find((d) => d.decision === 'deny')?.decision ?? decisions[0]?.decision;
      return {
        // Ids Warden made up (Gemini's outputs carry none of the agent's) are not the agent's.
        ...(e.callId && !e.callId.includes('__') ? { id: e.callId } : {}),
        tool: e.tool!,
        target: e.command ?? String(args.file_path ?? args.absolute_path ?? args.path ?? ''),
        success: e.kind === 'approval_decision' ? undefined : e.success,
        ...(e.exitCode === undefined ? {} : { exitCode: e.exitCode }),
        decision: decision as ToolCall['decision'],
      };
    });
}
