import type { MiddlewareHandler } from 'hono';
import { createBearerLookup } from '../schemas/bearer.ts';
import type { ApiPrincipal, ApiRole } from './config.ts';
import { API_ROLES } from './config.ts';
import { ApiProblem } from './problem.ts';

export type ApiEnv = { Variables: { principal: ApiPrincipal; requestId: string } };

/**
 * A token bucket per key: `perMinute` requests in a burst, refilled continuously. Kept in this process's
 * memory, so with several API replicas each enforces it separately.
 */
const MAX_BUCKETS = 10_000;

export function createRateLimiter(perMinute: number, now: () => number = Date.now) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  const refillPerMs = perMinute / 60_000;
  /**
   * Memory stays bounded: a bucket idle long enough to be full again is the same as none, so it goes; past
   * MAX_BUCKETS the least recently used go too (a flood of addresses only resets their own limits).
   */
  const sweep = (t: number) => {
    for (const [id, b] of buckets) if (b.tokens + (t - b.at) * refillPerMs >= perMinute) buckets.delete(id);
    for (const id of buckets.keys()) {
      if (buckets.size <= MAX_BUCKETS * 0.9) break;
      buckets.delete(id);
    }
  };
  let sweptAt = now();
  return {
    /** Buckets held (tests). */
    get size() {
      return buckets.size;
    },
    /** Takes one token; returns the ms to wait when none is left. */
    take(id: string): { ok: true; remaining: number } | { ok: false; retryAfterMs: number } {
      const t = now();
      if (buckets.size >= MAX_BUCKETS || t - sweptAt > 60_000) {
        sweep(t);
        sweptAt = t;
      }
      const b = buckets.get(id) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * refillPerMs);
      b.at = t;
      buckets.delete(id); // re-inserted last: the map's order is least recently used first
      buckets.set(id, b);
      if (b.tokens < 1) return { ok: false, retryAfterMs: Math.ceil((1 - b.tokens) / refillPerMs) };
      b.tokens -= 1;
      return { ok: true, remaining: Math.floor(b.tokens) };
    },
  };
}

/**
 * Authenticates `Authorization: Bearer <key>` (constant-time digest comparison; keys are never logged),
 * then rate-limits per key. Failed attempts are rate-limited per client address, which slows key guessing.
 */
export function authenticate(
  keys: ReadonlyMap<string, ApiPrincipal>,
  perMinute: number,
  clientAddress: (c: Parameters<MiddlewareHandler<ApiEnv>>[0]) => string,
): MiddlewareHandler<ApiEnv> {
  const lookup = createBearerLookup(keys);
  const limiter = createRateLimiter(perMinute);
  return async (c, next) => {
    const principal = lookup.find(c.req.header('authorization'));
    const limit = limiter.take(principal ? principal.keyId : `anonymous:${clientAddress(c)}`);
    if (!limit.ok) {
      const seconds = String(Math.max(1, Math.ceil(limit.retryAfterMs / 1000)));
      throw new ApiProblem(429, `rate limit of ${perMinute} requests per minute exceeded`, undefined, {
        'retry-after': seconds,
        'ratelimit-limit': String(perMinute),
        'ratelimit-remaining': '0',
      });
    }
    if (!principal)
      throw new ApiProblem(401, 'missing or unknown API key (Authorization: Bearer <key>)', undefined, {
        'www-authenticate': 'Bearer',
      });
    c.set('principal', principal);
    c.header('ratelimit-limit', String(perMinute));
    c.header('ratelimit-remaining', String(limit.remaining));
    await next();
  };
}

/** Refuses principals below `role` with 403. */
export function requireRole(role: ApiRole): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const { role: has } = c.get('principal');
    if (API_ROLES.indexOf(has) < API_ROLES.indexOf(role))
      throw new ApiProblem(403, `this needs the ${role} role; the key has ${has}`);
    await next();
  };
}
