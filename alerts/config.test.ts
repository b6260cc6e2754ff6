import { describe, expect, it } from 'vitest';
import { AlertsConfig, hasAlertSinks } from './config.ts';

const SECRET = `whsec_${Buffer.alloc(32, 1).toString('base64')}`;
const ROUTING_KEY = 'R0123456789abcdef0123456789abcde';
const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXsecretXXXX';

const issues = (env: Record<string, string>) => {
  const r = AlertsConfig.safeParse(env);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('AlertsConfig', () => {
  it('defaults to no sink, escalations only, https only', () => {
    const c = AlertsConfig.parse({});
    expect(hasAlertSinks(c)).toBe(false);
    expect(c).toMatchObject({
      WARDEN_ALERT_MISTAKES: 'off',
      WARDEN_ALERT_ALLOW_PRIVATE_TARGETS: false,
      WARDEN_ALERT_MAX_ATTEMPTS: 8,
      WARDEN_ALERT_RETRY_BASE_MS: 1_000,
      WARDEN_ALERT_RETRY_MAX_MS: 300_000,
      WARDEN_ALERT_TIMEOUT_MS: 10_000,
      WARDEN_ALERT_PAGERDUTY_URL: 'https://events.pagerduty.com/v2/enqueue',
      consoleUrl: 'http://127.0.0.1:8080',
    });
  });

  it('builds each configured sink', () => {
    const c = AlertsConfig.parse({
      WARDEN_ALERT_WEBHOOK_URL: 'https://hooks.example.com/warden',
      WARDEN_ALERT_WEBHOOK_SECRET: SECRET,
      WARDEN_ALERT_SLACK_WEBHOOK_URL: SLACK,
      WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      WARDEN_ALERT_MISTAKES: 'high',
      WARDEN_CONSOLE_URL: 'https://warden.example.com/',
    });
    expect(hasAlertSinks(c)).toBe(true);
    expect(c.webhook?.key).toEqual(Buffer.alloc(32, 1));
    expect(c.slack?.url).toBe(SLACK);
    expect(c.pagerduty).toEqual({ url: 'https://events.pagerduty.com/v2/enqueue', routingKey: ROUTING_KEY });
    expect(c.consoleUrl).toBe('https://warden.example.com');
    expect(hasAlertSinks(AlertsConfig.parse({ WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY }))).toBe(true);
  });

  it('reports every bad value at once, never echoing a secret', () => {
    const problems = issues({
      WARDEN_ALERT_WEBHOOK_URL: 'http://hooks.example.com/warden',
      WARDEN_ALERT_SLACK_WEBHOOK_URL: 'https://169.254.169.254/services/XXXXsecretXXXX',
      WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: 'short-key-secret',
      WARDEN_ALERT_MISTAKES: 'medium',
      WARDEN_ALERT_RETRY_BASE_MS: '5000',
      WARDEN_ALERT_RETRY_MAX_MS: '1000',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual([
      'WARDEN_ALERT_MISTAKES',
      'WARDEN_ALERT_PAGERDUTY_ROUTING_KEY',
      'WARDEN_ALERT_RETRY_MAX_MS',
      'WARDEN_ALERT_SLACK_WEBHOOK_URL',
      'WARDEN_ALERT_WEBHOOK_SECRET',
      'WARDEN_ALERT_WEBHOOK_URL',
    ]);
    expect(problems.join('\n')).not.toMatch(/XXXXsecretXXXX|short-key-secret/);
    expect(
      issues({
        WARDEN_ALERT_WEBHOOK_URL: 'https://h.example.com/x',
        WARDEN_ALERT_WEBHOOK_SECRET: 'whsec_c2hvcnQ=',
      }),
    ).toEqual(['WARDEN_ALERT_WEBHOOK_SECRET: the base64 part must decode to 24–64 bytes']);
  });

  it('checks the PagerDuty URL only when PagerDuty is on, and allows private http targets with the flag', () => {
    expect(issues({ WARDEN_ALERT_PAGERDUTY_URL: 'http://127.0.0.1:1/enqueue' })).toEqual([]);
    expect(
      issues({
        WARDEN_ALERT_PAGERDUTY_URL: 'http://127.0.0.1:1/enqueue',
        WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      }),
    ).toHaveLength(1);
    const c = AlertsConfig.parse({
      WARDEN_ALERT_ALLOW_PRIVATE_TARGETS: 'true',
      WARDEN_ALERT_PAGERDUTY_URL: 'http://127.0.0.1:1/enqueue',
      WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      WARDEN_ALERT_WEBHOOK_URL: 'http://localhost:9/hook',
      WARDEN_ALERT_WEBHOOK_SECRET: SECRET,
    });
    expect(c.WARDEN_ALERT_ALLOW_PRIVATE_TARGETS).toBe(true);
    expect(c.pagerduty?.url).toBe('http://127.0.0.1:1/enqueue');
    expect(
      AlertsConfig.parse({ WARDEN_ALERT_ALLOW_PRIVATE_TARGETS: 'false' }).WARDEN_ALERT_ALLOW_PRIVATE_TARGETS,
    ).toBe(false);
  });
});
