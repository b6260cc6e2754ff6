import { createHmac } from 'node:crypto';

/**
 * Standard Webhooks v1 signing (standard-webhooks/standard-webhooks `spec/standard-webhooks.md`): the
 * signature is `v1,` + base64 HMAC-SHA256, keyed with the base64-decoded part of a `whsec_<base64>` secret,
 * over `{webhook-id}.{webhook-timestamp}.{raw body}`. Receivers verify it with any Standard Webhooks library.
 */

const SECRET = /^whsec_([A-Za-z0-9+/]+={0,2})$/;

/** `whsec_<base64>` → the HMAC key; a problem message (never echoing the secret) when malformed. */
export function parseWebhookSecret(secret: string): Buffer | string {
  const match = SECRET.exec(secret);
  if (!match?.[1]) return 'must be whsec_ followed by base64';
  const key = Buffer.from(match[1], 'base64');
  // The spec's bounds: at least 24 random bytes (a shorter key is guessable), at most 64.
  if (key.length < 24 || key.length > 64) return 'the base64 part must decode to 24–64 bytes';
  return key;
}

/** The `webhook-signature` value for one send. */
export function signWebhook(key: Buffer, id: string, timestampSeconds: number, body: string): string {
  return `v1,${createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`).digest('base64')}`;
}

/**
 * The three headers of one attempt. The id stays the same across retries (the receiver's idempotency key);
 * the timestamp and signature are fresh, so a receiver's replay-tolerance window applies per attempt.
 */
export function webhookHeaders(key: Buffer, id: string, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(key, id, timestamp, body),
  };
}
