import { createRoute, z } from '@hono/zod-openapi';
import { DEAD_LETTER_STAGES } from '../../schemas/dead-letter.ts';
import type { Store } from '../../store/index.ts';
import { requireRole } from '../auth.ts';
import { errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { SessionSummary, sessionSummary } from '../views.ts';

const Time = z.string().openapi({ format: 'date-time' });

const Status = z
  .object({
    workspace: z.string(),
    generated_at: Time,
    ingest: z.object({
      events_last_5m: z.number().int(),
      events_per_second: z.number(),
      last_ingested_at: Time.nullable(),
    }),
    bus: z.object({
      lag: z
        .number()
        .int()
        .nullable()
        .openapi({ description: 'largest lag reported by a worker; null if none reports' }),
      workers: z.array(
        z.object({
          instance: z.string(),
          consumer_group: z.string(),
          bus: z.string(),
          lag: z.number().int(),
          reported_at: Time,
          events_per_second: z.number(),
          batch_ms_avg: z.number(),
          event_age_ms_p50: z.number(),
          sessions_cached: z.number().int(),
        }),
      ),
    }),
    sessions: z.object({ open: z.number().int(), flagged_open: z.number().int(), total: z.number().int() }),
    dead_letters: z
      .object({
        open: z.number().int(),
        total: z.number().int(),
        open_by_stage: z.partialRecord(z.enum(DEAD_LETTER_STAGES), z.number().int()),
      })
      .openapi({ description: 'records triage could not store or judge; open ones wait for a replay' }),
    last_verdicts: z.array(SessionSummary).openapi({ description: 'the latest flagged sessions' }),
    store: z.object({ bytes_on_disk: z.number().int(), rows: z.number().int() }),
    reviews: z
      .object({
        allow: z.number().int(),
        ask: z.number().int(),
        deny: z.number().int(),
        latency_ms_p50: z.number(),
        latency_ms_p99: z.number(),
      })
      .openapi({ description: 'pre-action review decisions of the last hour, and how long they took' }),
  })
  .openapi('Status');

const status = createRoute({
  method: 'get',
  path: '/status',
  tags: ['operations'],
  summary:
    'Pipeline health for operators: ingest rate, bus lag, open sessions, latest verdicts, store size (admin)',
  description:
    "The ingest rate, sessions and verdicts are the key's workspace's; the triage workers, their consumer group's lag and the store's size are the whole deployment's, hence admin only.",
  security,
  middleware: [requireRole('admin')] as const,
  responses: {
    200: { description: 'the pipeline now', content: { 'application/json': { schema: Status } } },
    ...errorResponses(403),
  },
});

export function statusRoutes(store: Store) {
  return newRouter().openapi(status, async (c) => {
    const { workspace } = c.get('principal');
    const [s, flagged] = await Promise.all([
      store.pipelineStatus(workspace),
      store.listSessions({ workspace, verdicts: ['escalation', 'mistake'] }, 'recent', { limit: 5 }),
    ]);
    const iso = (ms: number) => new Date(ms).toISOString();
    return c.json(
      {
        workspace,
        generated_at: iso(Date.now()),
        ingest: {
          events_last_5m: s.ingest.eventsLast5m,
          events_per_second: Math.round((s.ingest.eventsLast5m / 300) * 100) / 100,
          last_ingested_at: s.ingest.lastIngestedAtMs === undefined ? null : iso(s.ingest.lastIngestedAtMs),
        },
        bus: {
          lag: s.workers.length ? Math.max(...s.workers.map((w) => w.busLag)) : null,
          workers: s.workers.map((w) => ({
            instance: w.instance,
            consumer_group: w.consumerGroup,
            bus: w.busKind,
            lag: w.busLag,
            reported_at: iso(w.atMs),
            events_per_second: Math.round(w.eventsPerSecond * 100) / 100,
            batch_ms_avg: Math.round(w.batchMsAvg * 10) / 10,
            event_age_ms_p50: Math.round(w.eventAgeMsP50),
            sessions_cached: w.sessionsCached,
          })),
        },
        sessions: { open: s.sessions.open, flagged_open: s.sessions.flaggedOpen, total: s.sessions.total },
        dead_letters: {
          open: s.deadLetters.open,
          total: s.deadLetters.total,
          open_by_stage: s.deadLetters.openByStage,
        },
        last_verdicts: flagged.rows.map(sessionSummary),
        store: { bytes_on_disk: s.store.bytesOnDisk, rows: s.store.rows },
        reviews: {
          allow: s.reviews.allow,
          ask: s.reviews.ask,
          deny: s.reviews.deny,
          latency_ms_p50: Math.round(s.reviews.latencyMsP50 * 10) / 10,
          latency_ms_p99: Math.round(s.reviews.latencyMsP99 * 10) / 10,
        },
      },
      200,
    );
  });
}
