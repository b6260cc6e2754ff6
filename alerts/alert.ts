import { createHash } from 'node:crypto';
import type { Alert } from '../schemas/alert-delivery.ts';
import { SEVERITIES } from '../schemas/findings.ts';
import type { Finding, SessionState, Severity } from '../schemas/findings.ts';
import type { AlertsConfig } from './config.ts';

/** What to alert on, and the alert built from a verdict. */

export const severityRank = (s: Severity): number => SEVERITIES.indexOf(s);

/** Escalations always; mistakes at or above WARDEN_ALERT_MISTAKES (never when it is `off`). */
export function qualifies(finding: Finding, mistakes: AlertsConfig['WARDEN_ALERT_MISTAKES']): boolean {
  if (finding.verdict === 'escalation') return true;
  return (
    finding.verdict === 'mistake' &&
    mistakes !== 'off' &&
    severityRank(finding.severity) >= severityRank(mistakes)
  );
}

/**
 * One id per (workspace, session, finding), whichever sink and attempt: the `webhook-id` a receiver
 * de-duplicates retries on, and the key of the delivery log.
 */
export function alertId(workspace: string, sessionId: string, findingId: string): string {
  const digest = createHash('sha256').update(
    JSON.stringify(['warden.alert.v1', workspace, sessionId, findingId]),
  );
  return `alrt_${digest.digest('hex').slice(0, 32)}`;
}

/** The console's page of a session (the console routes in the URL fragment). */
export function consoleLink(consoleUrl: string, sessionId: string): string {
  return `${consoleUrl.replace(/\/+$/, '')}/console/#/sessions/${encodeURIComponent(sessionId)}`;
}

export function buildAlert(state: SessionState, finding: Finding, consoleUrl: string): Alert {
  const user = state.userEmail || state.userId;
  return {
    alertId: alertId(finding.workspace, finding.sessionId, finding.findingId),
    workspace: finding.workspace,
    sessionId: finding.sessionId,
    findingId: finding.findingId,
    verdict: finding.verdict,
    severity: finding.severity,
    score: finding.score,
    title: finding.title,
    rationale: finding.rationale,
    techniques: finding.techniques,
    ...(user ? { user } : {}),
    agent: state.agent,
    source: state.source,
    consoleUrl: consoleLink(consoleUrl, finding.sessionId),
    occurredAtMs: finding.createdAtMs,
  };
}
