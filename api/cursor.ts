import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SortKey } from '../store/index.ts';
import { ApiProblem } from './problem.ts';

/**
 * Opaque page cursors: the sort key of the last row served, bound to the query it came from (a digest of
 * its filters), so a cursor replayed against other filters is refused instead of silently skipping rows.
 * Tampering gains nothing: every query is still filtered by the key's workspace.
 */
const CursorBody = z.object({
  q: z.string(),
  k: z
    .array(z.union([z.string(), z.number()]))
    .min(1)
    .max(8),
});

const queryDigest = (query: unknown) =>
  createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);

export function encodeCursor(key: SortKey | undefined, query: unknown): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify({ q: queryDigest(query), k: key })).toString('base64url');
}

/** The sort key to resume after; a 400 problem for a cursor that is malformed or from another query. */
export function decodeCursor(cursor: string | undefined, query: unknown): SortKey | undefined {
  if (cursor === undefined) return undefined;
  let parsed: z.infer<typeof CursorBody>;
  try {
    parsed = CursorBody.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ApiProblem(400, 'cursor is not one this API issued', [
      { path: 'cursor', message: 'malformed' },
    ]);
  }
  if (parsed.q !== queryDigest(query))
    throw new ApiProblem(400, 'cursor belongs to a query with other filters', [
      { path: 'cursor', message: 'filters changed' },
    ]);
  return parsed.k;
}
