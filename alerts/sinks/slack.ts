import type { Alert } from '../../schemas/alert-delivery.ts';
import { clip, JSON_HEADERS, type Sink, urlSecrets } from './sink.ts';

/**
 * Slack incoming webhook: Block Kit `blocks` plus the `text` fallback Slack shows in notifications. Agent
 * and session data is untrusted: `&`, `<` and `>` are escaped, so it cannot forge links or `<!channel>`
 * mentions. Lengths stay under Block Kit's limits (header 150, section text 3000, field 2000).
 */

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const LABEL = { escalation: 'Escalation', mistake: 'Mistake', benign: 'Benign' } as const;

export function slackMessage(alert: Alert) {
  const label = LABEL[alert.verdict];
  const headline = `${label} (${alert.severity}) in session ${alert.sessionId}: ${alert.title}`;
  const field = (name: string, value: string) => ({
    type: 'mrkdwn',
    text: clip(`*${name}*\n${escape(value)}`, 2000),
  });
  return {
    text: `:rotating_light: Warden ${escape(clip(headline, 1500))} <${alert.consoleUrl}|Open in console>`,
    blocks: [
      {
        type: 'header',
        text: { type: 'plain_text', text: clip(`Warden: ${label} (${alert.severity})`, 150), emoji: true },
      },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: clip(`*${escape(alert.title)}*\n${escape(alert.rationale)}`, 3000) },
      },
      {
        type: 'section',
        fields: [
          field('Workspace', alert.workspace),
          field('Session', alert.sessionId),
          field('User', alert.user ?? 'unknown'),
          field('Agent', `${alert.agent} (${alert.source})`),
          field('Score', String(alert.score)),
          field('Techniques', alert.techniques.join(', ') || 'none'),
        ],
      },
      {
        type: 'actions',
        elements: [
          {
            type: 'button',
            text: { type: 'plain_text', text: 'Open in console' },
            url: alert.consoleUrl,
            style: alert.verdict === 'escalation' ? 'danger' : 'primary',
          },
        ],
      },
      {
        type: 'context',
        elements: [{ type: 'mrkdwn', text: escape(`finding ${alert.findingId} · alert ${alert.alertId}`) }],
      },
    ],
  };
}

export function slackSink(config: { url: string }): Sink {
  const url = new URL(config.url);
  return {
    name: 'slack',
    url,
    // The path (/services/T…/B…/secret) is the credential.
    secrets: urlSecrets(config.url),
    minIntervalMs: 1_000,
    actions: ['trigger'],
    request: (alert) => ({ body: JSON.stringify(slackMessage(alert)), headers: { ...JSON_HEADERS } }),
  };
}
