import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Secrets for the embedded default when none are configured: generated once, kept in the data folder
 * with owner-only permissions, and reused on every start so agents and analysts keep working.
 */
async function ensureSecret(
  dataDir: string,
  file: string,
  prefix: string,
): Promise<{ secret: string; path: string }> {
  const path = join(dataDir, file);
  try {
    return { secret: (await readFile(path, 'utf8')).trim(), path };
  } catch {
    const secret = `${prefix}_${randomBytes(24).toString('base64url')}`;
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${secret}\n`, { mode: 0o600 });
    return { secret, path };
  }
}

/** `WARDEN_INGEST_TOKENS` for the local workspace `default`. */
export async function localIngestTokens(dataDir: string) {
  const { secret, path } = await ensureSecret(dataDir, 'ingest-token', 'wdn');
  return { spec: `${secret}=default`, path };
}

/** `WARDEN_API_KEYS` for an admin of the local workspace `default`. */
export async function localApiKeys(dataDir: string) {
  const { secret, path } = await ensureSecret(dataDir, 'api-key', 'wdnk');
  return { spec: `${secret}=default:admin:local-admin`, path };
}

/** `WARDEN_FINGERPRINT_KEY`: keys the fingerprints of masked secrets. */
export async function localFingerprintKey(dataDir: string) {
  const { secret, path } = await ensureSecret(dataDir, 'fingerprint-key', 'wdnf');
  return { key: secret, path };
}
