import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './auth.ts';

describe('createRateLimiter', () => {
  it('allows a burst of the per-minute limit, then refills continuously', () => {
    let t = 0;
    const limiter = createRateLimiter(60, () => t);
    for (let i = 0; i < 60; i++) expect(limiter.take('k').ok).toBe(true);
    const refused = limiter.take('k');
    expect(refused).toEqual({ ok: false, retryAfterMs: 1000 });
    t += 1000;
    expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('other').ok).toBe(true);
  });

  it('bounds its memory under a flood of clients, forgetting the least recently seen first', () => {
    let t = 0;
    const limiter = createRateLimiter(1, () => t);
    for (let i = 0; i < 20_000; i++) expect(limiter.take(`client-${i}`).ok).toBe(true);
    expect(limiter.size).toBeLessThanOrEqual(10_000);
    // The latest client keeps its empty bucket; the first one was forgotten, so its limit starts afresh.
    expect(limiter.take('client-19999').ok).toBe(false);
    expect(limiter.take('client-0').ok).toBe(true);
    // A minute on, every bucket is full again and dropped at the next sweep.
    t += 61_000;
    limiter.take('late');
    expect(limiter.size).toBe(1);
  });
});
