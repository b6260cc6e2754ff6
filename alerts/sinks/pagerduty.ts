import type { Alert, AlertAction } from '../../schemas/alert-delivery.ts';
import type { Severity } from '../../schemas/findings.ts';
import { clip, JSON_HEADERS, type Sink } from './sink.ts';

/**
 * PagerDuty Events API v2: `trigger` with dedup_key = finding id (one incident per finding; a retry or a
 * replay updates the same one), `resolve` with the same key and routing key when an analyst closes the
 * finding as a false positive.
 */

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** PagerDuty knows four severities: critical → critical, high → error, medium → warning, low/info → info. */
export function pagerDutySeverity(severity: Severity): PagerDutySeverity {
  switch (severity) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'error';
    case 'medium':
      return 'warning';
    default:
      return 'info';
  }
}

export function pagerDutyEvent(alert: Alert, action: AlertAction, routingKey: string) {
  if (action === 'resolve')
    return { routing_key: routingKey, event_action: 'resolve', dedup_key: alert.findingId };
  const verdict = alert.verdict === 'escalation' ? 'Escalation' : 'Mistake';
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key: alert.findingId,
    client: 'Warden',
    client_url: alert.consoleUrl,
    payload: {
      summary: clip(
        `[Warden] ${verdict}: ${alert.title} (session ${alert.sessionId}, ${alert.workspace})`,
        1024,
      ),
      // "Where it happened": the agent, and whose it is.
      source: clip(alert.user ? `${alert.agent} (${alert.user})` : alert.agent || alert.source, 255),
      severity: pagerDutySeverity(alert.severity),
      timestamp: new Date(alert.occurredAtMs).toISOString(),
      component: alert.source,
      group: alert.workspace,
      class: alert.verdict,
      custom_details: {
        workspace: alert.workspace,
        session_id: alert.sessionId,
        finding_id: alert.findingId,
        verdict: alert.verdict,
        severity: alert.severity,
        score: alert.score,
        techniques: alert.techniques,
        rationale: clip(alert.rationale, 8_000),
        user: alert.user ?? null,
        agent: alert.agent,
        console_url: alert.consoleUrl,
      },
    },
    links: [{ href: alert.consoleUrl, text: 'Open in Warden console' }],
  };
}

export function pagerDutySink(config: { url: string; routingKey: string }): Sink {
  return {
    name: 'pagerduty',
    url: new URL(config.url),
    secrets: [config.routingKey],
    minIntervalMs: 0,
    actions: ['trigger', 'resolve'],
    request: (alert, action) => ({
      body: JSON.stringify(pagerDutyEvent(alert, action, config.routingKey)),
      headers: { ...JSON_HEADERS },
    }),
  };
}
