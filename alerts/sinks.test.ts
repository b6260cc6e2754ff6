import { describe, expect, it } from 'vitest';
import type { Alert } from '../schemas/alert-delivery.ts';
import { SEVERITIES } from '../schemas/findings.ts';
import { pagerDutyEvent, pagerDutySeverity, pagerDutySink } from './sinks/pagerduty.ts';
import { slackMessage, slackSink } from './sinks/slack.ts';
import { webhookBody, webhookSink } from './sinks/webhook.ts';

const alert: Alert = {
  alertId: 'alrt_0123',
  workspace: 'acme',
  sessionId: 's-1',
  findingId: 'f-1',
  verdict: 'escalation',
  severity: 'critical',
  score: 95,
  title: 'Credentials sent to <!channel> & friends',
  rationale: 'read ~/.aws/credentials, then <https://evil.example|click here>',
  techniques: ['T1552.001', 'T1041'],
  user: 'dev@acme.test',
  agent: 'codex_cli_rs',
  source: 'codex',
  consoleUrl: 'http://127.0.0.1:8080/console/#/sessions/s-1',
  occurredAtMs: 1_767_262_800_000,
};

describe('PagerDuty', () => {
  it('maps five severities onto its four', () => {
    expect(SEVERITIES.map(pagerDutySeverity)).toEqual(['info', 'info', 'warning', 'error', 'critical']);
  });

  it('triggers with dedup_key = finding id, a bounded summary, details and the console link', () => {
    const e = pagerDutyEvent({ ...alert, title: 'x'.repeat(5_000) }, 'trigger', 'RK');
    expect(e).toMatchObject({
      routing_key: 'RK',
      event_action: 'trigger',
      dedup_key: 'f-1',
      links: [{ href: alert.consoleUrl, text: 'Open in Warden console' }],
      payload: {
        severity: 'critical',
        source: 'codex_cli_rs (dev@acme.test)',
        timestamp: '2026-01-01T10:20:00.000Z',
        custom_details: {
          session_id: 's-1',
          finding_id: 'f-1',
          techniques: ['T1552.001', 'T1041'],
          rationale: alert.rationale,
          console_url: alert.consoleUrl,
        },
      },
    });
    expect([...(e as { payload: { summary: string } }).payload.summary].length).toBe(1024);
    expect(pagerDutyEvent({ ...alert, severity: 'high' }, 'trigger', 'RK')).toMatchObject({
      payload: { severity: 'error' },
    });
  });

  it('resolves with the same dedup_key and routing key', () => {
    expect(pagerDutyEvent(alert, 'resolve', 'RK')).toEqual({
      routing_key: 'RK',
      event_action: 'resolve',
      dedup_key: 'f-1',
    });
    const sink = pagerDutySink({ url: 'https://events.pagerduty.com/v2/enqueue', routingKey: 'RK0123' });
    expect(sink.actions).toEqual(['trigger', 'resolve']);
    expect(sink.secrets).toContain('RK0123');
    expect(JSON.parse(sink.request(alert, 'resolve', 0).body)).toMatchObject({ event_action: 'resolve' });
  });
});

describe('Slack', () => {
  it('sends a text fallback and blocks, both linking to the console', () => {
    const m = slackMessage(alert);
    expect(m.text).toContain(`<${alert.consoleUrl}|Open in console>`);
    expect(m.blocks.map((b) => b.type)).toEqual(['header', 'section', 'section', 'actions', 'context']);
    const actions = m.blocks[3] as { elements: { type: string; url: string }[] };
    expect(actions.elements[0]).toMatchObject({ type: 'button', url: alert.consoleUrl });
    const header = m.blocks[0] as { text: { type: string; text: string } };
    expect(header.text).toMatchObject({ type: 'plain_text', text: 'Warden: Escalation (critical)' });
  });

  it('escapes agent-controlled text so it cannot mention @channel or forge a link', () => {
    const m = JSON.stringify(slackMessage(alert).blocks.slice(1)) + slackMessage(alert).text;
    expect(m).not.toContain('<!channel>');
    expect(m).not.toContain('<https://evil.example');
    expect(m).toContain('&lt;!channel&gt; &amp; friends');
  });

  it('stays within Block Kit limits for huge findings', () => {
    const m = slackMessage({ ...alert, title: 't'.repeat(10_000), rationale: 'r'.repeat(10_000) });
    const section = m.blocks[1] as { text: { text: string } };
    expect([...section.text.text].length).toBeLessThanOrEqual(3000);
    const sink = slackSink({ url: 'https://hooks.slack.com/services/T0/B0/secret' });
    expect(sink.secrets).toContain('/services/T0/B0/secret');
    expect(sink.minIntervalMs).toBe(1_000);
  });
});

describe('webhook', () => {
  it('sends {type, timestamp, data} with the same bytes on every attempt', () => {
    const body = JSON.parse(webhookBody(alert));
    expect(body).toEqual({
      type: 'warden.session.escalation',
      timestamp: '2026-01-01T10:20:00.000Z',
      data: {
        workspace: 'acme',
        session_id: 's-1',
        finding_id: 'f-1',
        verdict: 'escalation',
        severity: 'critical',
        score: 95,
        title: alert.title,
        rationale: alert.rationale,
        techniques: alert.techniques,
        user: 'dev@acme.test',
        agent: 'codex_cli_rs',
        source: 'codex',
        console_url: alert.consoleUrl,
      },
    });
    expect(JSON.parse(webhookBody({ ...alert, verdict: 'mistake' })).type).toBe('warden.session.mistake');
    const sink = webhookSink({ url: 'https://h.example.com/x', secret: 'whsec_AAAA', key: Buffer.alloc(24) });
    const a = sink.request(alert, 'trigger', 1_000);
    const b = sink.request(alert, 'trigger', 61_000);
    expect(a.body).toBe(b.body);
    expect(a.headers['webhook-id']).toBe(b.headers['webhook-id']);
    expect(a.headers['webhook-timestamp']).not.toBe(b.headers['webhook-timestamp']);
  });

  it('treats every part of a webhook URL that can carry its credential as a secret', () => {
    const sink = webhookSink({
      url: 'https://user:pw123@hooks.example.com/warden/s3cr3t-path?token=tok-9876&x=1',
      secret: 'whsec_AAAA',
      key: Buffer.alloc(24),
    });
    for (const part of ['/warden/s3cr3t-path', '?token=tok-9876&x=1', 'tok-9876', 'user', 'pw123'])
      expect(sink.secrets).toContain(part);
  });
});
