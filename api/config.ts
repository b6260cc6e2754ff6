import { z } from 'zod';
import { parseSecretSpec, WORKSPACE_NAME } from '../schemas/bearer.ts';

export const API_ROLES = ['viewer', 'analyst', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
export interface ApiPrincipal {
  workspace: string;
  role: ApiRole;
}

/** Parses `key=workspace:role,…`; errors name the entry, never the key. */
export function parseApiKeys(spec: string): Map<string, ApiPrincipal> {
  return parseSecretSpec(spec, 'key', 'key=workspace:role', (value): ApiPrincipal | Error => {
    const [workspace = '', role = ''] = value.split(':').map((s) => s.trim());
    if (!WORKSPACE_NAME.test(workspace)) return new Error('must be key=workspace:role');
    if (!API_ROLES.includes(role as ApiRole)) return new Error(': role must be viewer, analyst or admin');
    return { workspace, role: role as ApiRole };
  });
}

/** The API's settings, parsed once from the environment. */
export const ApiConfig = z.object({
  WARDEN_API_HOST: z.string().min(1).default('127.0.0.1'),
  WARDEN_API_PORT: z.coerce.number().int().min(0).max(65_535).default(8080),
  /** `key=workspace:role,…` (roles: viewer, analyst, admin). */
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
});
export type ApiConfig = z.infer<typeof ApiConfig>;
