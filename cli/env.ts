import { z } from 'zod';

/** Thrown when the environment does not parse; lists every problem at once. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses one service's settings from the environment, reporting every bad variable together. */
export function parseEnv<S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> {
  // Empty variables mean "unset", as shells and compose files often export them empty.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${problems.join('\n')}`);
}

export const LogConfig = z.object({
  WARDEN_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
