import { z } from '@hono/zod-openapi';

/** Parameter and body shapes shared by the endpoints. */

/**
 * Text from a request, made well-formed as at intake (a lone UTF-16 surrogate, which JSON can carry as
 * `"\ud800"`, becomes U+FFFD): whatever is stored or queried with it then reads back the same.
 */
export const wellFormed = <T extends z.ZodString>(schema: T) => schema.transform((s) => s.toWellFormed());

/** `a,b,c` → a validated list of `values` members. */
export const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .openapi({ description: `comma-separated: ${values.join(', ')}`, example: values[values.length - 1] })
    .transform((s) =>
      s
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).max(values.length * 2))
    .optional();

/** RFC 3339 time → ms since the epoch. */
export const rfc3339 = (description: string) =>
  z.iso
    .datetime({ offset: true })
    .openapi({ description, example: '2026-01-01T00:00:00Z' })
    .transform((s) => Date.parse(s))
    .optional();

export const text = (description: string, max = 256) =>
  wellFormed(z.string().min(1).max(max)).openapi({ description }).optional();

export const limit = (max: number, fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1)
    .max(max)
    .default(fallback)
    .openapi({ description: `1–${max}` });

export const cursor = z
  .string()
  .max(2048)
  .openapi({ description: 'next_cursor from the previous page' })
  .optional();

export const timeRange = {
  start_time: rfc3339('inclusive start (RFC 3339)'),
  end_time: rfc3339('exclusive end (RFC 3339)'),
};
