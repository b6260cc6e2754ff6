import { createHash } from 'node:crypto';
import { z } from 'zod';
import { parseSecretSpec, WORKSPACE_NAME } from '../schemas/bearer.ts';
import { parseIngestTokens } from '../schemas/ingest-tokens.ts';

/** Roles, least privileged first: viewers read, analysts also record dispositions, admins also read the audit log. */
export const API_ROLES = ['viewer', 'analyst', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export interface ApiPrincipal {
  workspace: string;
  role: ApiRole;
  /** Who the key acts as in the audit log and dispositions: its name, or `key-<fingerprint>`. */
  actor: string;
  /** A fingerprint of the key (never the key itself), for rate limiting and logs. */
  keyId: string;
}

const ACTOR_NAME = /^[A-Za-z0-9._@+-]{1,64}$/;

/** Parses `key=workspace:role[:name],…`; errors name the entry, never the key. */
export function parseApiKeys(spec: string): Map<string, ApiPrincipal> {
  const keys = parseSecretSpec(spec, 'key', 'key=workspace:role[:name]', (value) => {
    const [workspace = '', role = '', name, ...rest] = value.split(':').map((s) => s.trim());
    if (!WORKSPACE_NAME.test(workspace) || rest.length) return new Error('must be key=workspace:role[:name]');
    if (!API_ROLES.includes(role as ApiRole)) return new Error(': role must be viewer, analyst or admin');
    if (name !== undefined && !ACTOR_NAME.test(name))
      return new Error(': name must be 1–64 letters, digits or ._@+-');
    return { workspace, role: role as ApiRole, name };
  });
  return new Map(
    [...keys].map(([key, { workspace, role, name }]) => {
      const keyId = `key-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
      return [key, { workspace, role, actor: name ?? keyId, keyId }];
    }),
  );
}

/** The API's settings, parsed once from the environment. */
export const ApiConfig = z.object({
  WARDEN_API_HOST: z.string().min(1).default('127.0.0.1'),
  WARDEN_API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** `key=workspace:role[:name],…` (roles: viewer, analyst, admin; the name is the actor in the audit log). */
  WARDEN_API_KEYS: z
    .string()
    .min(1, 'set at least one key=workspace:role')
    .transform((spec, ctx) => {
      try {
        return parseApiKeys(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
  /** Requests per minute per API key (a token bucket that also allows this many in a burst). */
  WARDEN_API_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  /** Where analysts reach the console, for links in alerts and exports; defaults to this API's address. */
  WARDEN_CONSOLE_URL: z.url().optional(),
  /** The ingest tokens (`token=workspace[:user],…`): agents' hooks call the pre-action review with them. */
  WARDEN_INGEST_TOKENS: z
    .string()
    .optional()
    .transform((spec, ctx) => {
      if (!spec) return undefined;
      try {
        return parseIngestTokens(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});
export type ApiConfig = z.infer<typeof ApiConfig>;
