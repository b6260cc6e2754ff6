import { createRoute, z } from '@hono/zod-openapi';
import type { Store } from '../../store/index.ts';
import { text, timeRange } from '../params.ts';
import { errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { TelemetryShapeView, telemetryShapeView } from '../views.ts';

const DAY_MS = 86_400_000;

const listShapes = createRoute({
  method: 'get',
  path: '/telemetry',
  tags: ['telemetry'],
  summary:
    "What the workspace's agents send: per agent version and event name, how many events, when last, and every attribute key seen (default: the last 7 days)",
  security,
  request: { query: z.strictObject({ agent: text('agent name (service.name), exact'), ...timeRange }) },
  responses: {
    200: {
      description: 'one row per agent version and event name',
      content: { 'application/json': { schema: z.object({ data: z.array(TelemetryShapeView) }) } },
    },
    ...errorResponses(400),
  },
});

export function telemetryRoutes(store: Store) {
  return newRouter().openapi(listShapes, async (c) => {
    const { workspace } = c.get('principal');
    const q = c.req.valid('query');
    const shapes = await store.telemetryShapes({
      workspace,
      agent: q.agent,
      startMs: q.start_time ?? (q.end_time ?? Date.now()) - 7 * DAY_MS,
      endMs: q.end_time,
    });
    return c.json({ data: shapes.map(telemetryShapeView) }, 200);
  });
}
