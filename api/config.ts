import { z } from 'zod';

export const API_ROLES = ['viewer', 'analyst', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];
export interface ApiPrincipal {
  workspace: string;
  role: ApiRole;
}

/** Parses `key=workspace:role,…`; errors name the entry, never the key. */
export function parseApiKeys(spec: string): Map<string, ApiPrincipal> {
  const keys = new Map<string, ApiPrincipal>();
  spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .forEach((entry, i) => {
      const eq = entry.lastIndexOf('=');
      const key = entry.slice(0, eq).trim();
      const [workspace, role] = entry
        .slice(eq + 1)
        .split(':')
        .map((s) => s.trim());
      if (eq <= 0 || !key || !workspace || !/^[A-Za-z0-9._-]{1,128}$/.test(workspace)) {
        throw new Error(`entry ${i + 1} must be key=workspace:role`);
      }
      if (!API_ROLES.includes(role as ApiRole))
        throw new Error(`entry ${i + 1}: role must be viewer, analyst or admin`);
      if (key.length < 16) throw new Error(`entry ${i + 1}: keys must be at least 16 characters`);
      keys.set(key, { workspace, role: role as ApiRole });
    });
  return keys;
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
