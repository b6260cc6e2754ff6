/**
 * Named behaviours of an action, for detectors: per-command rules, flows across a pipeline or list, agent
 * policy switches, and what the files written say (a key added to `authorized_keys` is `ssh-key-add`
 * whichever tool wrote it).
 */
import { policyBehavioursInText, policyBehavioursOfCommand } from './agent-policy.ts';
import { builtInCatalogue } from './catalogue.ts';
import { commandBehaviours, type Classify } from './command-behaviours.ts';
import { DESTRUCTIVE_SQL, destructiveBehaviours } from './destructive-behaviours.ts';
import type { CommandEffects } from './file-effects.ts';
import { flowBehaviours } from './flow-behaviours.ts';
import type { ParsedShell, PathFacts, ShellCommand } from './types.ts';

export interface CommandWithEffects {
  cmd: ShellCommand;
  effects: CommandEffects;
  /** Classifies a path as seen by this command (its working directory). */
  classify: Classify;
}

/**
 * Behaviours of a parsed command line; `commands` are its commands with their file effects, in order.
 * Includes what its writes mean (see {@link writeBehaviours}).
 */
export function shellBehaviours(shell: ParsedShell, commands: readonly CommandWithEffects[]): string[] {
  const found: string[] = [];
  for (const { cmd, effects, classify } of commands) {
    found.push(...commandBehaviours(cmd, effects, classify));
    found.push(...destructiveBehaviours(cmd, effects));
    found.push(...policyBehavioursOfCommand(cmd));
  }
  found.push(...flowBehaviours(shell));
  const writes = commands.flatMap(({ effects, classify }) => effects.writes.map(classify));
  found.push(...writeBehaviours(writes, shell.raw));
  const code = shell.payloads.filter((p) => p.kind !== 'sh-c' && p.kind !== 'eval' && p.kind !== 'base64');
  if (code.some((payload) => DESTRUCTIVE_SQL.test(payload.text))) found.push('drop-database');
  return found;
}

/** Security scanners a pipeline runs (vulnerabilities, secrets, code, licences, containers). */
const SECURITY_SCANNERS =
  /\b(trivy|grype|snyk|gitleaks|trufflehog|detect-secrets|semgrep|codeql|sonar\w*|bandit|gosec|npm audit|yarn audit|pip-audit|safety check|osv-scanner|dependency-review|dependency-check|checkov|tfsec|kics|anchore|clair|zap|brakeman|license[_-]?finder|fossa)\b/i;

/**
 * Behaviours that follow from files written, whatever wrote them: keys added, crontabs edited, and the
 * agent's own configuration rewritten to switch off its sandbox or approvals (`writtenText` is what was
 * written: the command line, or the content of a write or edit).
 */
export function writeBehaviours(
  writes: readonly PathFacts[],
  writtenText: string,
  removedText = '',
): string[] {
  const found: string[] = [];
  // A CI step that scanned for vulnerabilities, secrets or licences, taken out and not put back.
  if (
    writes.some((w) => w.controlPoint === 'ci-workflow') &&
    SECURITY_SCANNERS.test(removedText) &&
    !SECURITY_SCANNERS.test(writtenText.replace(/^-.*$/gm, '')) // a patch's own removed lines are not put back
  )
    found.push('ci-scan-removed');
  if (writes.some((w) => w.controlPoint === 'authorized-keys')) found.push('ssh-key-add');
  if (writes.some((w) => w.controlPoint === 'crontab')) found.push('crontab-edit');
  if (writes.some((w) => w.controlPoint === 'agent-config'))
    found.push(...policyBehavioursInText(writtenText));
  return found;
}

/** Behaviours the code here names (the effects catalogue names the rest): the vocabulary rules may use. */
export const CODE_BEHAVIOURS = [
  'approval-bypass',
  'archive-sensitive',
  'base64-exec',
  'chmod-world-writable',
  'ci-scan-removed',
  'container-escape',
  'crontab-edit',
  'curl-pipe-shell',
  'disk-wipe',
  'download-exec',
  'drop-database',
  'env-dump',
  'eval',
  'fork-bomb',
  'git-clean',
  'git-config-exec',
  'git-force-push',
  'git-history-rewrite',
  'git-hookspath',
  'git-reset-hard',
  'history-clear',
  'kill',
  'log-tamper',
  'network-anonymizer',
  'network-scan',
  'reverse-shell',
  'rm-recursive-force',
  'sandbox-disable',
  'scheduled-task',
  'serve-files',
  'setgid',
  'setuid',
  'ssh-key-add',
  'user-add',
] as const;

/** Every behaviour an action can show: the code's and the effects catalogue's. */
export function knownBehaviours(): ReadonlySet<string> {
  return new Set([...CODE_BEHAVIOURS, ...builtInCatalogue().entries.flatMap((e) => e.behaviours)]);
}

/** Unique, in first-seen order. */
export function uniqueBehaviours(behaviours: readonly string[]): string[] {
  return [...new Set(behaviours)];
}
