/**
 * Ingest tokens (`WARDEN_INGEST_TOKENS`): who may send telemetry and ask for pre-action reviews, and which
 * workspace (and person) each token speaks for. Shared by the collector and the review API.
 */
import { createBearerLookup, parseSecretSpec, WORKSPACE_NAME } from './bearer.ts';

/** Who an ingest token speaks for: its workspace, and the person when tokens are issued one per person. */
export interface IngestPrincipal {
  workspace: string;
  user?: string;
}

/** Maps ingest bearer tokens to workspaces (and people). Tokens are kept only as SHA-256 digests and never logged. */
export interface IngestAuth {
  /** Who the `Authorization: Bearer <token>` value speaks for, or undefined for a missing or unknown token. */
  principalFor(authorization: string | undefined): IngestPrincipal | undefined;
}

export function createIngestAuth(tokens: ReadonlyMap<string, IngestPrincipal>): IngestAuth {
  const lookup = createBearerLookup(tokens);
  return { principalFor: (authorization) => lookup.find(authorization) };
}

/** A person's e-mail or id, as a token may name them. */
const USER = /^[A-Za-z0-9._@+-]{1,128}$/;
const FORM = 'token=workspace[:user] (workspace: letters, digits, . _ -; user: an e-mail or id)';

/**
 * Parses `token=workspace[:user],…`; throws a message naming the bad entry (not the token). A token issued
 * to one person names them, so telemetry that names no one is still traceable to a person.
 */
export function parseIngestTokens(spec: string): Map<string, IngestPrincipal> {
  return parseSecretSpec(spec, 'token', FORM, (value) => {
    const [workspace = '', user, ...rest] = value.split(':').map((s) => s.trim());
    if (!WORKSPACE_NAME.test(workspace) || rest.length || (user !== undefined && !USER.test(user)))
      return new Error(`must be ${FORM}`);
    return user === undefined ? { workspace } : { workspace, user };
  });
}
