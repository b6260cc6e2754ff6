/**
 * The agent's own guard rails being switched off: sandbox disabled (`danger-full-access`,
 * `dangerouslyDisableSandbox`, escalated Codex commands) or approvals bypassed (`approval_policy = "never"`,
 * `bypassPermissions`, `--dangerously-skip-permissions`, `--yolo`). Read from agent CLI invocations, from
 * tool arguments, and from text written into agent configuration.
 */
import { programKey } from './programs.ts';
import type { ShellCommand } from './types.ts';

const SANDBOX_OFF =
  /danger-full-access|dangerously-?disable-?sandbox["']?\s*[:=]\s*true|--dangerously-bypass-approvals-and-sandbox|["']?sandbox(?:_mode)?["']?\s*[:=]\s*["']?(?:false|none|off)\b|--sandbox[= ]false\b/i;
const APPROVALS_OFF =
  /bypassPermissions|--dangerously-skip-permissions|--dangerously-bypass-approvals-and-sandbox|approval_policy["']?\s*[:=]\s*["']?never|--ask-for-approval[= ]never|(?:^|\s)-a\s+never\b|--yolo\b|approval-?mode["']?\s*[:= ]\s*["']?yolo|["']?autoAccept["']?\s*:\s*true|["']Bash(?:\(\*(?::\*)?\))?["']\s*[,\]]/i;
const AGENT_CLIS = new Set(['claude', 'codex', 'gemini', 'cursor-agent', 'qwen', 'opencode', 'amp', 'aider']);

/** Policy switches in configuration text or a command line. */
export function policyBehavioursInText(text: string): string[] {
  const found: string[] = [];
  if (SANDBOX_OFF.test(text)) found.push('sandbox-disable');
  if (APPROVALS_OFF.test(text)) found.push('approval-bypass');
  return found;
}

/** `claude --dangerously-skip-permissions`, `codex -s danger-full-access`, `gemini -y`. */
export function policyBehavioursOfCommand(cmd: ShellCommand): string[] {
  const key = programKey(cmd.name);
  if (!AGENT_CLIS.has(key)) return [];
  const found = policyBehavioursInText(cmd.args.join(' '));
  if (key === 'gemini' && cmd.args.includes('-y') && !found.includes('approval-bypass'))
    found.push('approval-bypass');
  return found;
}

/**
 * Per-call escapes in tool arguments: Claude's `dangerouslyDisableSandbox: true`, Codex's
 * `with_escalated_permissions: true` / `sandbox_permissions: "require_escalated"`.
 */
export function policyBehavioursOfArguments(args: Record<string, unknown>): string[] {
  const escalated =
    args['dangerouslyDisableSandbox'] === true ||
    args['with_escalated_permissions'] === true ||
    args['sandbox_permissions'] === 'require_escalated';
  return escalated ? ['sandbox-disable'] : [];
}
