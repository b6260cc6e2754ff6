import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWebhookSecret, signWebhook, webhookHeaders } from './sign.ts';

describe('Standard Webhooks signing', () => {
  it('reproduces the specification test vector', () => {
    // standard-webhooks/standard-webhooks: the reference libraries' test vector.
    const key = parseWebhookSecret('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
    expect(Buffer.isBuffer(key)).toBe(true);
    expect(
      signWebhook(key as Buffer, 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}'),
    ).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('signs id.timestamp.body with the decoded key, fresh per attempt, same id', () => {
    const raw = Buffer.alloc(32, 7);
    const key = parseWebhookSecret(`whsec_${raw.toString('base64')}`) as Buffer;
    const body = '{"type":"warden.session.escalation"}';
    const h1 = webhookHeaders(key, 'alrt_1', body, 1_767_262_800_999);
    expect(h1['webhook-id']).toBe('alrt_1');
    expect(h1['webhook-timestamp']).toBe('1767262800');
    const expected = createHmac('sha256', raw).update(`alrt_1.1767262800.${body}`).digest('base64');
    expect(h1['webhook-signature']).toBe(`v1,${expected}`);
    const h2 = webhookHeaders(key, 'alrt_1', body, 1_767_262_860_000);
    expect(h2['webhook-id']).toBe('alrt_1');
    expect(h2['webhook-signature']).not.toBe(h1['webhook-signature']);
    // The key is the decoded bytes, not the text of the secret.
    const wrong = createHmac('sha256', `whsec_${raw.toString('base64')}`).update(`alrt_1.1767262800.${body}`);
    expect(h1['webhook-signature']).not.toBe(`v1,${wrong.digest('base64')}`);
  });

  it('refuses secrets that are not whsec_ + 24–64 bytes of base64, without echoing them', () => {
    for (const bad of [
      'MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      'whsec_',
      'whsec_not base64!',
      `whsec_${Buffer.alloc(16).toString('base64')}`,
      `whsec_${Buffer.alloc(65).toString('base64')}`,
    ]) {
      const result = parseWebhookSecret(bad);
      expect(typeof result).toBe('string');
      if (bad.length > 6) expect(result).not.toContain(bad.slice(6));
    }
  });
});
