/**
 * The agent programs Warden knows by the `service.name` on their resource, and which of their signals is
 * the record of what happened. For all three it is the logs: their traces copy the log events (Codex with
 * lengths instead of content, Gemini CLI and Claude Code's beta traces field by field), so a span becomes
 * an event only where it says something the logs do not (see each program's module).
 */
import type { Attributes } from '../otlp/model.ts';
import { getText } from './common.ts';

export type AgentProgram = 'codex' | 'claude_code' | 'gemini_cli';

const SERVICES: Record<string, AgentProgram> = {
  codex_exec: 'codex',
  codex_cli_rs: 'codex',
  'codex-cli': 'codex',
  codex_tui: 'codex',
  'claude-code': 'claude_code',
  'gemini-cli': 'gemini_cli',
};

/** The known agent program that exported this resource, if any. */
export function agentProgram(resource: Attributes): AgentProgram | undefined {
  const service = getText(resource, 'service.name');
  return service === undefined ? undefined : SERVICES[service];
}
