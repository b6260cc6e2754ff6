import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import type { BusMessage, BusPublisher } from '../../bus/types.ts';
import { AGENT_EVENT_SCHEMA_VERSION } from '../../schemas/agent-event.ts';
import { DEAD_LETTER_STAGES, DEAD_LETTER_STATUSES, type DeadLetter } from '../../schemas/dead-letter.ts';
import type { Store } from '../../store/index.ts';
import { requireRole } from '../auth.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { cursor, limit, wellFormed } from '../params.ts';
import { ApiProblem, errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { DeadLetterView, deadLetterView, pageOf } from '../views.ts';

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listDeadLetters = createRoute({
  method: 'get',
  path: '/dead-letters',
  tags: ['operations'],
  summary: 'Records triage could not store or judge, most recent failure first (admin)',
  description:
    'Each with why (`stage`, `error`), where it sat on the bus, when it first and last failed, and how often. The rest of its batch was committed.',
  security,
  middleware: [requireRole('admin')] as const,
  request: {
    query: z.strictObject({
      status: z.enum(DEAD_LETTER_STATUSES).optional(),
      stage: z.enum(DEAD_LETTER_STAGES).optional(),
      limit: limit(200, 50),
      cursor,
    }),
  },
  responses: {
    200: json(pageOf(DeadLetterView, 'DeadLetterPage'), 'a page of dead letters'),
    ...errorResponses(400, 403),
  },
});

const getDeadLetter = createRoute({
  method: 'get',
  path: '/dead-letters/{dead_letter_id}',
  tags: ['operations'],
  summary: 'One dead letter with its payload (admin)',
  security,
  middleware: [requireRole('admin')] as const,
  request: { params: z.object({ dead_letter_id: wellFormed(z.string().min(1).max(64)) }) },
  responses: {
    200: json(
      DeadLetterView.extend({ payload: z.string(), payload_encoding: z.enum(['json', 'base64']) }),
      'the dead letter',
    ),
    ...errorResponses(403, 404),
  },
});

const Replay = z
  .object({
    dead_letter_ids: z
      .array(wellFormed(z.string().min(1).max(64)))
      .min(1)
      .max(500)
      .optional(),
    all_open: z.literal(true).optional().openapi({ description: 'every open dead letter (up to 500)' }),
  })
  .refine((r) => (r.dead_letter_ids === undefined) !== (r.all_open === undefined), {
    message: 'give either dead_letter_ids or all_open: true',
  })
  .openapi('DeadLetterReplay');

const replay = createRoute({
  method: 'post',
  path: '/dead-letters/replay',
  tags: ['operations'],
  summary: 'Send dead letters through triage again, after a fix (admin)',
  description:
    'Each record is published to the bus again under its session key and marked `replayed`; should it fail again, it comes back `open` with one more attempt. Audited.',
  security,
  middleware: [requireRole('admin')] as const,
  request: { body: { content: { 'application/json': { schema: Replay } }, required: true } },
  responses: {
    200: json(
      z.object({ replayed: z.array(z.string()), not_found: z.array(z.string()) }).openapi('ReplayResult'),
      'which dead letters were sent again',
    ),
    ...errorResponses(400, 403, 503),
  },
});

/** The bus message that carries a dead letter again: its event in a batch of one, or the message as it was. */
function messageOf(d: DeadLetter): BusMessage {
  const key = d.bus.key || `${d.workspace}/${d.sessionId}`;
  if (d.payloadEncoding === 'base64') return { key, value: Buffer.from(d.payload, 'base64') };
  return {
    key,
    value: Buffer.from(`{"schemaVersion":${AGENT_EVENT_SCHEMA_VERSION},"events":[${d.payload}]}`, 'utf8'),
  };
}

export function deadLetterRoutes(store: Store, bus: BusPublisher | undefined) {
  return newRouter()
    .openapi(listDeadLetters, async (c) => {
      const { workspace } = c.get('principal');
      const { limit, cursor, ...q } = c.req.valid('query');
      const page = await store.listDeadLetters(
        { workspace, status: q.status, stage: q.stage },
        { limit, after: decodeCursor(cursor, q) },
      );
      return c.json({ data: page.rows.map(deadLetterView), next_cursor: encodeCursor(page.next, q) }, 200);
    })
    .openapi(getDeadLetter, async (c) => {
      const { workspace } = c.get('principal');
      const [d] = await store.deadLetters(workspace, [c.req.valid('param').dead_letter_id]);
      if (!d) throw new ApiProblem(404, 'no such dead letter');
      return c.json({ ...deadLetterView(d), payload: d.payload, payload_encoding: d.payloadEncoding }, 200);
    })
    .openapi(replay, async (c) => {
      const principal = c.get('principal');
      const { dead_letter_ids: ids } = c.req.valid('json');
      if (!bus)
        throw new ApiProblem(
          503,
          'replaying needs the bus: run the API with KAFKA_BROKERS set (or `warden start`)',
        );
      const letters = ids
        ? await store.deadLetters(principal.workspace, [...new Set(ids)])
        : (await store.listDeadLetters({ workspace: principal.workspace, status: 'open' }, { limit: 500 }))
            .rows;
      const found = new Set(letters.map((d) => d.deadLetterId));
      const startedAt = Date.now();
      const entry = (action: string, atMs: number) => ({
        auditId: randomUUID(),
        workspace: principal.workspace,
        atMs,
        actor: principal.actor,
        role: principal.role,
        action,
        targetType: 'dead_letters',
        targetId: letters
          .map((d) => d.deadLetterId)
          .join(',')
          .slice(0, 4_096),
        after: { dead_letters: letters.length },
        requestId: c.get('requestId'),
      });
      if (letters.length) {
        await store.appendAudit([entry('dead_letter.replay', startedAt)]);
        try {
          await bus.publish(letters.map(messageOf));
          await store.markDeadLettersReplayed(letters);
        } catch (err) {
          // The audit log must not claim a replay that did not happen.
          const failedAt = Math.max(Date.now(), startedAt + 1);
          await store.appendAudit([entry('dead_letter.replay.failed', failedAt)]).catch(() => undefined);
          throw err;
        }
      }
      return c.json(
        {
          replayed: letters.map((d) => d.deadLetterId),
          not_found: (ids ?? []).filter((id) => !found.has(id)),
        },
        200,
      );
    });
}
