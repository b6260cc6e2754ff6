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

/** Workspace names: what tokens and keys map to. */
export const WORKSPACE_NAME = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Parses `secret=value,secret2=value2` (ingest tokens, API keys). `parseValue` reads the part after the last
 * `=`, or returns an Error whose message completes "entry N …". Errors name the entry, never the secret.
 */
export function parseSecretSpec<T>(
  spec: string,
  noun: string,
  form: string,
  parseValue: (value: string) => T | Error,
): Map<string, T> {
  const secrets = new Map<string, T>();
  spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const eq = entry.lastIndexOf('=');
      const secret = entry.slice(0, eq).trim();
      const value = eq > 0 && secret ? parseValue(entry.slice(eq + 1).trim()) : new Error(`must be ${form}`);
      if (value instanceof Error)
        throw new Error(`entry ${i + 1}${value.message.startsWith(':') ? '' : ' '}${value.message}`);
      if (secret.length < 16) throw new Error(`entry ${i + 1}: ${noun}s must be at least 16 characters`);
      secrets.set(secret, value);
    });
  return secrets;
}
