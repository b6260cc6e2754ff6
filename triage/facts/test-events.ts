import { AGENT_EVENT_SCHEMA_VERSION, type AgentEvent } from '../../schemas/agent-event.ts';

/** Test helpers: hand-built tool events for the analysis and rule tests (ids and times count up). */
let n = 0;

export function toolEvent(tool: AgentEvent['tool'], extra: Partial<AgentEvent> = {}): AgentEvent {
  n += 1;
  return {
    schemaVersion: AGENT_EVENT_SCHEMA_VERSION,
    eventId: n.toString(16).padStart(32, '0'),
    workspace: 'acme',
    sessionId: 's1',
    sessionIdDerived: false,
    timeUnixNano: String(1767262800000000000n + BigInt(n)),
    source: 'claude_code',
    sourceEvent: 'claude_code.tool_result',
    kind: 'tool_result',
    actor: {},
    agent: { name: 'claude-code' },
    tool,
    attributes: {},
    ...extra,
  };
}

/** A Codex `shell` call: argv `["bash", "-lc", command]` run in `workdir`, with its output when given. */
export const codexShell = (command: string, workdir = '/home/dev/app', output?: string) =>
  toolEvent(
    { name: 'shell', command, arguments: JSON.stringify({ command: ['bash', '-lc', command], workdir }) },
    { source: 'codex', result: output === undefined ? undefined : { success: true, output } },
  );
