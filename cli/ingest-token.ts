import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The embedded default's ingest token when none is configured: generated once, kept in the data folder
 * with owner-only permissions, and reused on every start so agents keep working across restarts.
 */
export async function ensureLocalIngestToken(dataDir: string): Promise<{ spec: string; path: string }> {
  const path = join(dataDir, 'ingest-token');
  let token: string;
  try {
    token = (await readFile(path, 'utf8')).trim();
  } catch {
    token = `wdn_${randomBytes(24).toString('base64url')}`;
    await mkdir(dataDir, { recursive: true });
    await writeFile(path, `${token}\n`, { mode: 0o600 });
  }
  return { spec: `${token}=default`, path };
}
