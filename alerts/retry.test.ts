import { describe, expect, it } from 'vitest';
import { backoffDelay, classifyStatus, parseRetryAfter, retryDelay } from './retry.ts';

const NOW = Date.parse('2026-01-01T10:00:00Z');

describe('retry policy', () => {
  it('counts only 2xx as success and retries only 408, 429 and 5xx', () => {
    expect([200, 201, 202, 204, 299].map(classifyStatus)).toEqual(Array(5).fill('success'));
    expect([408, 429, 500, 502, 503, 504].map(classifyStatus)).toEqual(Array(6).fill('retry'));
    expect([301, 302, 400, 401, 403, 404, 410, 413, 422].map(classifyStatus)).toEqual(Array(9).fill('fail'));
  });

  it('reads Retry-After as seconds or an HTTP date, and nothing else', () => {
    expect(parseRetryAfter('1', NOW)).toBe(1_000);
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('0', NOW)).toBe(0);
    expect(parseRetryAfter('Thu, 01 Jan 2026 10:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Thursday, 01-Jan-26 10:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Thu Jan  1 10:00:05 2026', NOW)).toBe(5_000); // asctime: GMT, not local
    expect(parseRetryAfter('Wed, 31 Dec 2025 10:00:00 GMT', NOW)).toBe(0); // in the past
    for (const bad of [undefined, '', '1.5', '-3', 'soon', '10s', 'Thu, 99 Foo 2026 GMT'])
      expect(parseRetryAfter(bad, NOW)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, within [0, min(max, base·2^(n-1)))', () => {
    expect(backoffDelay(1, 1_000, 300_000, () => 0.999)).toBe(999);
    expect(backoffDelay(4, 1_000, 300_000, () => 0.999)).toBe(7_992);
    expect(backoffDelay(20, 1_000, 300_000, () => 0.999)).toBe(299_700); // capped
    expect(backoffDelay(5_000, 1_000, 300_000, () => 0.5)).toBe(150_000); // no overflow to Infinity/NaN
    expect(backoffDelay(3, 1_000, 300_000, () => 0)).toBe(0);
    for (let attempt = 1; attempt <= 12; attempt++) {
      for (let i = 0; i < 200; i++) {
        const d = backoffDelay(attempt, 1_000, 300_000);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(Math.min(300_000, 1_000 * 2 ** (attempt - 1)));
      }
    }
  });

  it('waits at least a 429/503 Retry-After, capped at the maximum; ignores it on other statuses', () => {
    const base = { attempt: 1, baseMs: 100, maxMs: 60_000, nowMs: NOW, random: () => 0.5 };
    expect(retryDelay({ ...base, status: 503, retryAfter: '1' })).toBe(1_000);
    expect(retryDelay({ ...base, status: 429, retryAfter: 'Thu, 01 Jan 2026 10:00:10 GMT' })).toBe(10_000);
    expect(retryDelay({ ...base, status: 429, retryAfter: '86400' })).toBe(60_000);
    expect(retryDelay({ ...base, status: 500, retryAfter: '30' })).toBe(50);
    expect(retryDelay({ ...base, status: 503 })).toBe(50);
    // The backoff wins when it is longer than Retry-After.
    expect(retryDelay({ ...base, attempt: 10, status: 503, retryAfter: '1' })).toBe(25_600);
  });
});
