import { createRoute, z } from '@hono/zod-openapi';
import { ALERT_SINKS, DELIVERY_OUTCOMES } from '../../schemas/alert-delivery.ts';
import type { Store } from '../../store/index.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { cursor, limit, text } from '../params.ts';
import { errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { AlertDeliveryView, alertDeliveryView, pageOf } from '../views.ts';

const listDeliveries = createRoute({
  method: 'get',
  path: '/alerts/deliveries',
  tags: ['alerts'],
  summary: 'The alert delivery log: every attempt to reach the webhook, Slack and PagerDuty, newest first',
  security,
  request: {
    query: z.strictObject({
      session_id: text('one session', 512),
      finding_id: text('one finding', 128),
      sink: z.enum(ALERT_SINKS).optional(),
      outcome: z.enum(DELIVERY_OUTCOMES).optional(),
      limit: limit(1000, 100),
      cursor,
    }),
  },
  responses: {
    200: {
      description: 'a page of delivery attempts',
      content: { 'application/json': { schema: pageOf(AlertDeliveryView, 'AlertDeliveryPage') } },
    },
    ...errorResponses(400),
  },
});

export function alertRoutes(store: Store) {
  return newRouter().openapi(listDeliveries, async (c) => {
    const { workspace } = c.get('principal');
    const { limit, cursor, ...q } = c.req.valid('query');
    const page = await store.listAlertDeliveries(
      { workspace, sessionId: q.session_id, findingId: q.finding_id, sink: q.sink, outcome: q.outcome },
      { limit, after: decodeCursor(cursor, q) },
    );
    return c.json({ data: page.rows.map(alertDeliveryView), next_cursor: encodeCursor(page.next, q) }, 200);
  });
}
