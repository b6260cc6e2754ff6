import { createBearerLookup } from '../schemas/bearer.ts';

/** Maps ingest bearer tokens to workspaces. Tokens are kept only as SHA-256 digests and never logged. */
export interface IngestAuth {
  /** The workspace of the `Authorization: Bearer <token>` value, or undefined for a missing or unknown token. */
  workspaceFor(authorization: string | undefined): string | undefined;
}

export function createIngestAuth(tokens: ReadonlyMap<string, string>): IngestAuth {
  const lookup = createBearerLookup(tokens);
  return { workspaceFor: (authorization) => lookup.find(authorization) };
}

/** Parses `token=workspace,token2=workspace2`; throws a message naming the bad entry (not the token). */
export function parseIngestTokens(spec: string): Map<string, string> {
  const tokens = new Map<string, string>();
  spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const eq = entry.lastIndexOf('=');
      const token = entry.slice(0, eq).trim();
      const workspace = entry.slice(eq + 1).trim();
      if (eq <= 0 || !token || !/^[A-Za-z0-9._-]{1,128}$/.test(workspace)) {
        throw new Error(`entry ${i + 1} must be token=workspace (workspace: letters, digits, . _ -)`);
      }
      if (token.length < 16) throw new Error(`entry ${i + 1}: tokens must be at least 16 characters`);
      tokens.set(token, workspace);
    });
  return tokens;
}
