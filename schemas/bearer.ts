import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Looks up `Authorization: Bearer <secret>` values among configured secrets (ingest tokens, API keys).
 * Secrets are kept only as SHA-256 digests and compared in constant time, against every entry.
 */
export interface BearerLookup<T> {
  find(authorization: string | undefined): T | undefined;
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

export function createBearerLookup<T>(secrets: ReadonlyMap<string, T>): BearerLookup<T> {
  const entries = [...secrets].map(([secret, value]) => ({ digest: digest(secret), value }));
  return {
    find(authorization) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
      if (!match) return undefined;
      const presented = digest(match[1]!);
      let found: T | undefined;
      for (const e of entries) {
        if (timingSafeEqual(e.digest, presented) && found === undefined) found = e.value;
      }
      return found;
    },
  };
}
