import { createBearerLookup, parseSecretSpec, WORKSPACE_NAME } from '../schemas/bearer.ts';

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
  // Ingest workspaces are plain names; the parser's error wording is shared with API keys.
  return parseSecretSpec(spec, 'token', 'token=workspace (workspace: letters, digits, . _ -)', (workspace) =>
    WORKSPACE_NAME.test(workspace)
      ? workspace
      : new Error('must be token=workspace (workspace: letters, digits, . _ -)'),
  );
}
