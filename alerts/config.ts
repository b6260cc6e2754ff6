import { z } from 'zod';
import { parseWebhookSecret } from './sign.ts';
import { checkTargetUrl } from './targets.ts';

/** Severities a mistake must reach to be alerted on; `off` alerts on escalations only. */
export const ALERT_MISTAKE_LEVELS = ['off', 'high', 'critical'] as const;

const ms = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

/**
 * The alerting service's settings, parsed once from the environment. Sink URLs are checked here (https, no
 * private or local target) and again at send time (alerts/targets.ts). Error messages never echo a value:
 * webhook URLs, the signing secret and the routing key are all secrets.
 */
export const AlertsConfig = z
  .object({
    /** Generic webhook, signed per Standard Webhooks. */
    WARDEN_ALERT_WEBHOOK_URL: z.string().optional(),
    /** `whsec_<base64>`; required with the webhook URL. */
    WARDEN_ALERT_WEBHOOK_SECRET: z.string().optional(),
    /** Slack incoming webhook (the URL is the credential). */
    WARDEN_ALERT_SLACK_WEBHOOK_URL: z.string().optional(),
    /** PagerDuty Events API v2 integration key (32 characters). */
    WARDEN_ALERT_PAGERDUTY_ROUTING_KEY: z
      .string()
      .regex(/^[A-Za-z0-9]{32}$/, 'must be the 32-character integration key')
      .optional(),
    WARDEN_ALERT_PAGERDUTY_URL: z.string().default('https://events.pagerduty.com/v2/enqueue'),
    /** Also alert on mistakes at or above this severity. */
    WARDEN_ALERT_MISTAKES: z.enum(ALERT_MISTAKE_LEVELS).default('off'),
    /** Lets sinks be http and on loopback / private networks (tests, an internal relay). */
    WARDEN_ALERT_ALLOW_PRIVATE_TARGETS: z.stringbool().default(false),
    /** Attempts per delivery, the first included. */
    WARDEN_ALERT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),
    WARDEN_ALERT_RETRY_BASE_MS: ms(1, 3_600_000, 1_000),
    WARDEN_ALERT_RETRY_MAX_MS: ms(1, 86_400_000, 300_000),
    /** Per-attempt timeout (connect, send and answer). */
    WARDEN_ALERT_TIMEOUT_MS: ms(100, 120_000, 10_000),
    /**
     * A delivery no worker has advanced for this long past its due time is taken over by a live one (its
     * owner stopped). Longer than an attempt plus Slack's send spacing, or live deliveries would be sent twice.
     */
    WARDEN_ALERT_RESUME_AFTER_MS: ms(0, 86_400_000, 60_000),
    /** Base of the deep links in alerts. */
    WARDEN_CONSOLE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8080'),
  })
  // Runs even when a field failed (`when`), so one start reports every problem; hence the defensive typeofs.
  .superRefine(
    (c, ctx) => {
      const allowPrivate = c.WARDEN_ALERT_ALLOW_PRIVATE_TARGETS === true;
      const urls = [
        ['WARDEN_ALERT_WEBHOOK_URL', c.WARDEN_ALERT_WEBHOOK_URL],
        ['WARDEN_ALERT_SLACK_WEBHOOK_URL', c.WARDEN_ALERT_SLACK_WEBHOOK_URL],
        ...(c.WARDEN_ALERT_PAGERDUTY_ROUTING_KEY
          ? [['WARDEN_ALERT_PAGERDUTY_URL', c.WARDEN_ALERT_PAGERDUTY_URL]]
          : []),
      ] as const;
      for (const [name, url] of urls) {
        const problem = typeof url === 'string' ? checkTargetUrl(url, allowPrivate) : undefined;
        if (problem) ctx.addIssue({ code: 'custom', path: [name], message: problem });
      }
      if (c.WARDEN_ALERT_WEBHOOK_URL && !c.WARDEN_ALERT_WEBHOOK_SECRET)
        ctx.addIssue({
          code: 'custom',
          path: ['WARDEN_ALERT_WEBHOOK_SECRET'],
          message: 'required with WARDEN_ALERT_WEBHOOK_URL',
        });
      if (typeof c.WARDEN_ALERT_WEBHOOK_SECRET === 'string') {
        const key = parseWebhookSecret(c.WARDEN_ALERT_WEBHOOK_SECRET);
        if (typeof key === 'string')
          ctx.addIssue({ code: 'custom', path: ['WARDEN_ALERT_WEBHOOK_SECRET'], message: key });
      }
      const { WARDEN_ALERT_RETRY_BASE_MS: base, WARDEN_ALERT_RETRY_MAX_MS: max } = c;
      if (typeof base === 'number' && typeof max === 'number' && max < base)
        ctx.addIssue({
          code: 'custom',
          path: ['WARDEN_ALERT_RETRY_MAX_MS'],
          message: 'must be at least WARDEN_ALERT_RETRY_BASE_MS',
        });
    },
    { when: () => true },
  )
  .transform((c) => ({
    ...c,
    /** Without a trailing slash, so links join cleanly. */
    consoleUrl: c.WARDEN_CONSOLE_URL.replace(/\/+$/, ''),
    webhook:
      c.WARDEN_ALERT_WEBHOOK_URL && c.WARDEN_ALERT_WEBHOOK_SECRET
        ? {
            url: c.WARDEN_ALERT_WEBHOOK_URL,
            secret: c.WARDEN_ALERT_WEBHOOK_SECRET,
            key: parseWebhookSecret(c.WARDEN_ALERT_WEBHOOK_SECRET) as Buffer,
          }
        : undefined,
    slack: c.WARDEN_ALERT_SLACK_WEBHOOK_URL ? { url: c.WARDEN_ALERT_SLACK_WEBHOOK_URL } : undefined,
    pagerduty: c.WARDEN_ALERT_PAGERDUTY_ROUTING_KEY
      ? { url: c.WARDEN_ALERT_PAGERDUTY_URL, routingKey: c.WARDEN_ALERT_PAGERDUTY_ROUTING_KEY }
      : undefined,
  }));
export type AlertsConfig = z.infer<typeof AlertsConfig>;

/** Is any sink configured? Without one, alerting is off (start() then returns a handle that does nothing). */
export function hasAlertSinks(config: AlertsConfig): boolean {
  return Boolean(config.webhook || config.slack || config.pagerduty);
}
