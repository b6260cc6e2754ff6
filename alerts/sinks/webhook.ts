import type { Alert } from '../../schemas/alert-delivery.ts';
import { webhookHeaders } from '../sign.ts';
import { JSON_HEADERS, type Sink, urlSecrets } from './sink.ts';

/** The generic webhook: a Standard Webhooks event `{type, timestamp, data}`, signed. */

export type WebhookEventType = 'warden.session.escalation' | 'warden.session.mistake';

/** The body: the same bytes on every retry (only the signature headers change). */
export function webhookBody(alert: Alert): string {
  const type: WebhookEventType =
    alert.verdict === 'escalation' ? 'warden.session.escalation' : 'warden.session.mistake';
  return JSON.stringify({
    type,
    timestamp: new Date(alert.occurredAtMs).toISOString(),
    data: {
      workspace: alert.workspace,
      session_id: alert.sessionId,
      finding_id: alert.findingId,
      verdict: alert.verdict,
      severity: alert.severity,
      score: alert.score,
      title: alert.title,
      rationale: alert.rationale,
      techniques: alert.techniques,
      user: alert.user ?? null,
      agent: alert.agent,
      source: alert.source,
      console_url: alert.consoleUrl,
    },
  });
}

export function webhookSink(config: { url: string; secret: string; key: Buffer }): Sink {
  return {
    name: 'webhook',
    url: new URL(config.url),
    secrets: [...urlSecrets(config.url), config.secret, config.key.toString('base64')],
    minIntervalMs: 0,
    actions: ['trigger'],
    request(alert, _action, nowMs) {
      const body = webhookBody(alert);
      return {
        body,
        headers: { ...JSON_HEADERS, ...webhookHeaders(config.key, alert.alertId, body, nowMs) },
      };
    },
  };
}
