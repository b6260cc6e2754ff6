import { createRoute, z } from '@hono/zod-openapi';
import { ANALYST_VERDICTS, DISPOSITION_STATUSES, SEVERITIES, VERDICTS } from '../../schemas/findings.ts';
import type { FindingFilter, FindingWithCase, SortKey, Store } from '../../store/index.ts';
import type { ApiEnv } from '../auth.ts';
import { requireRole } from '../auth.ts';
import { DispositionChange, findingsOr404, recordDispositions } from '../cases.ts';
import type { DispositionListener } from '../cases.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { toOcsfDetectionFinding, OCSF_VERSION } from '../ocsf.ts';
import { csvOf, cursor, limit, text, timeRange, wellFormed } from '../params.ts';
import { errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import { DispositionView, dispositionView, FindingView, findingView, pageOf } from '../views.ts';
import type { Context } from 'hono';

const FindingFilterQuery = z.strictObject({
  verdict: csvOf(VERDICTS),
  severity: csvOf(SEVERITIES),
  status: csvOf(DISPOSITION_STATUSES),
  analyst_verdict: csvOf(ANALYST_VERDICTS),
  assignee: text('assignee, exact'),
  session_id: text('one session', 512),
  technique: text('ATT&CK / ATLAS id, e.g. T1041'),
  ...timeRange,
});
type FindingFilterQuery = z.infer<typeof FindingFilterQuery>;

const toFilter = (workspace: string, q: FindingFilterQuery): FindingFilter => ({
  workspace,
  verdicts: q.verdict,
  severities: q.severity,
  caseStatuses: q.status,
  analystVerdicts: q.analyst_verdict,
  assignee: q.assignee,
  sessionId: q.session_id,
  technique: q.technique,
  startMs: q.start_time,
  endMs: q.end_time,
});

const FindingParams = z.object({ finding_id: wellFormed(z.string().min(1).max(128)) });
const FindingDetail = FindingView.extend({ dispositions: z.array(DispositionView) }).openapi('FindingDetail');
const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listFindings = createRoute({
  method: 'get',
  path: '/findings',
  tags: ['findings'],
  summary: 'Findings (verdict versions), newest first',
  description: 'Time range is over the finding’s creation.',
  security,
  request: { query: FindingFilterQuery.extend({ limit: limit(200, 50), cursor }) },
  responses: { 200: json(pageOf(FindingView, 'FindingPage'), 'a page of findings'), ...errorResponses(400) },
});

const exportFindings = createRoute({
  method: 'get',
  path: '/findings/export',
  tags: ['findings'],
  summary: `Findings as OCSF ${OCSF_VERSION} Detection Finding (class 2004) NDJSON`,
  description:
    'One event per line, newest first, same filters as the list, at most `limit` findings: export a longer span as several time ranges.',
  security,
  request: { query: FindingFilterQuery.extend({ limit: limit(50_000, 10_000) }) },
  responses: {
    200: {
      description: 'NDJSON, one OCSF Detection Finding per line',
      content: { 'application/x-ndjson': { schema: z.string() } },
    },
    ...errorResponses(400),
  },
});

const getFinding = createRoute({
  method: 'get',
  path: '/findings/{finding_id}',
  tags: ['findings'],
  summary: 'One finding with its case and dispositions',
  security,
  request: { params: FindingParams },
  responses: { 200: json(FindingDetail, 'the finding'), ...errorResponses(404) },
});

const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

const dispose = createRoute({
  method: 'post',
  path: '/findings/{finding_id}/disposition',
  tags: ['findings'],
  summary: 'Record a disposition (analyst, admin)',
  description:
    'Sets the case status, the analyst verdict and the assignee; fields left out keep their value. Closing (resolved, suppressed) needs a reason. Audited.',
  security,
  middleware: [requireRole('analyst')] as const,
  request: { params: FindingParams, ...body(DispositionChange.openapi('DispositionChange')) },
  responses: { 200: json(FindingView, 'the finding with its new case'), ...errorResponses(400, 403, 404) },
});

const addNote = createRoute({
  method: 'post',
  path: '/findings/{finding_id}/notes',
  tags: ['findings'],
  summary: 'Add a note (analyst, admin)',
  security,
  middleware: [requireRole('analyst')] as const,
  request: {
    params: FindingParams,
    ...body(z.object({ note: wellFormed(z.string().trim().min(1).max(10_000)) })),
  },
  responses: { 201: json(DispositionView, 'the note, as a disposition'), ...errorResponses(400, 403, 404) },
});

const BulkDisposition = z
  .object({
    finding_ids: z
      .array(wellFormed(z.string().min(1).max(128)))
      .min(1)
      .max(500),
  })
  .and(DispositionChange)
  .openapi('BulkDisposition');

const bulkDispose = createRoute({
  method: 'post',
  path: '/findings/dispositions',
  tags: ['findings'],
  summary: 'One disposition for many findings (analyst, admin)',
  security,
  middleware: [requireRole('analyst')] as const,
  request: body(BulkDisposition),
  responses: {
    200: json(
      z.object({ updated: z.array(z.string()), not_found: z.array(z.string()) }).openapi('BulkResult'),
      'which findings were updated',
    ),
    ...errorResponses(400, 403),
  },
});

export interface FindingRoutesDeps {
  store: Store;
  consoleLink: (sessionId: string) => string;
  productVersion: string;
  onDisposition?: DispositionListener;
  onListenerError: (err: unknown) => void;
}

export function findingRoutes(deps: FindingRoutesDeps) {
  const { store } = deps;
  /**
   * Records the disposition of each target (audited), then tells the listeners (alerts) without failing the
   * analyst's request when one of them fails.
   */
  const record = async (
    c: Context<ApiEnv>,
    targets: FindingWithCase[],
    change: DispositionChange,
    action: 'disposition.update' | 'finding.note',
  ) => {
    const result = await recordDispositions(
      store,
      c.get('principal'),
      c.get('requestId'),
      targets,
      change,
      action,
    );
    for (const d of deps.onDisposition ? result.dispositions : []) {
      const target = targets.find((t) => t.finding.findingId === d.findingId)!;
      await deps.onDisposition!(target.finding, d, target.case).catch(deps.onListenerError);
    }
    return result;
  };

  return newRouter()
    .openapi(listFindings, async (c) => {
      const { workspace } = c.get('principal');
      const { limit, cursor, ...q } = c.req.valid('query');
      const page = await store.listFindings(toFilter(workspace, q), {
        limit,
        after: decodeCursor(cursor, q),
      });
      return c.json(
        {
          data: page.rows.map((r) => findingView(r.finding, r.case)),
          next_cursor: encodeCursor(page.next, q),
        },
        200,
      );
    })
    .openapi(exportFindings, (c) => {
      const { workspace } = c.get('principal');
      const { limit, ...q } = c.req.valid('query');
      const filter = toFilter(workspace, q);
      let after: SortKey | undefined;
      const encoder = new TextEncoder();
      let sent = 0;
      let done = false;
      // Pulled one page (≤ 500 findings) at a time, so a large export streams in bounded memory; each page
      // costs three queries (findings, their sessions, their evidence events). A failure mid-way errors the
      // stream, which aborts the response: the client sees a broken transfer, never a silently short file.
      const body = new ReadableStream<Uint8Array>({
        pull: async (controller) => {
          if (done) return controller.close();
          const page = await store.listFindings(filter, { limit: Math.min(500, limit - sent), after });
          const sessionIds = [...new Set(page.rows.map((r) => r.finding.sessionId))];
          const eventIds = [...new Set(page.rows.flatMap((r) => r.finding.evidenceEventIds))];
          const [sessions, events] = await Promise.all([
            store.getSessions(workspace, sessionIds),
            store.eventsById(workspace, eventIds),
          ]);
          const sessionById = new Map(sessions.map((s) => [s.sessionId, s]));
          const eventById = new Map(events.map((e) => [e.eventId, e]));
          const lines = page.rows.map((r) =>
            JSON.stringify(
              toOcsfDetectionFinding({
                finding: r.finding,
                case: r.case,
                session: sessionById.get(r.finding.sessionId),
                evidence: r.finding.evidenceEventIds.flatMap((id) => eventById.get(id) ?? []),
                consoleUrl: deps.consoleLink(r.finding.sessionId),
                productVersion: deps.productVersion,
              }),
            ),
          );
          if (lines.length) controller.enqueue(encoder.encode(`${lines.join('\n')}\n`));
          sent += page.rows.length;
          after = page.next;
          done = !after || sent >= limit;
        },
      });
      // `as never`: @hono/zod-openapi types `application/x-ndjson` as a JSON body it cannot be; it is a stream.
      return c.body(body, 200, {
        'content-type': 'application/x-ndjson; charset=utf-8',
        'content-disposition': 'attachment; filename="warden-findings.ocsf.ndjson"',
      }) as never;
    })
    .openapi(getFinding, async (c) => {
      const { workspace } = c.get('principal');
      const { finding_id: id } = c.req.valid('param');
      const [found] = await findingsOr404(store, workspace, [id]);
      const dispositions = await store.dispositions(workspace, { findingIds: [id] });
      return c.json(
        { ...findingView(found!.finding, found!.case), dispositions: dispositions.map(dispositionView) },
        200,
      );
    })
    .openapi(dispose, async (c) => {
      const { finding_id: id } = c.req.valid('param');
      const targets = await findingsOr404(store, c.get('principal').workspace, [id]);
      const { cases } = await record(c, targets, c.req.valid('json'), 'disposition.update');
      return c.json(findingView(targets[0]!.finding, cases.get(id)!), 200);
    })
    .openapi(addNote, async (c) => {
      const { finding_id: id } = c.req.valid('param');
      const targets = await findingsOr404(store, c.get('principal').workspace, [id]);
      const { dispositions } = await record(c, targets, c.req.valid('json'), 'finding.note');
      return c.json(dispositionView(dispositions[0]!), 201);
    })
    .openapi(bulkDispose, async (c) => {
      const { finding_ids: ids, ...change } = c.req.valid('json');
      const unique = [...new Set(ids)];
      const targets = await store.getFindings(c.get('principal').workspace, unique);
      const found = new Set(targets.map((t) => t.finding.findingId));
      await record(c, targets, change, 'disposition.update');
      return c.json(
        { updated: unique.filter((id) => found.has(id)), not_found: unique.filter((id) => !found.has(id)) },
        200,
      );
    });
}
