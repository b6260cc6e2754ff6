import { createRoute, z } from '@hono/zod-openapi';
import type { Store } from '../../store/index.ts';
import { requireRole } from '../auth.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { cursor, limit, text, timeRange } from '../params.ts';
import { errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { AuditView, auditView, pageOf } from '../views.ts';

const listAudit = createRoute({
  method: 'get',
  path: '/audit',
  tags: ['audit'],
  summary: "The workspace's audit log of analyst actions, newest first (admin)",
  security,
  middleware: [requireRole('admin')] as const,
  request: {
    query: z.strictObject({
      action: text('e.g. disposition.update'),
      actor: text('who acted'),
      ...timeRange,
      limit: limit(500, 100),
      cursor,
    }),
  },
  responses: {
    200: {
      description: 'a page of audit entries',
      content: { 'application/json': { schema: pageOf(AuditView, 'AuditPage') } },
    },
    ...errorResponses(400, 403),
  },
});

export function auditRoutes(store: Store) {
  return newRouter().openapi(listAudit, async (c) => {
    const { workspace } = c.get('principal');
    const { limit, cursor, ...q } = c.req.valid('query');
    const page = await store.listAudit(
      { workspace, action: q.action, actor: q.actor, startMs: q.start_time, endMs: q.end_time },
      { limit, after: decodeCursor(cursor, q) },
    );
    return c.json({ data: page.rows.map(auditView), next_cursor: encodeCursor(page.next, q) }, 200);
  });
}
