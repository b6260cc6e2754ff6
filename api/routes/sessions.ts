import { createRoute, z } from '@hono/zod-openapi';
import { SESSION_STATUSES, SEVERITIES, VERDICTS, DISPOSITION_STATUSES } from '../../schemas/findings.ts';
import { NO_CASE, type Store } from '../../store/index.ts';
import { decodeCursor, encodeCursor } from '../cursor.ts';
import { csvOf, cursor, limit, text, timeRange, wellFormed } from '../params.ts';
import { ApiProblem, errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';
import {
  dispositionView,
  findingView,
  pageOf,
  SessionDetail,
  sessionSummary,
  SessionSummary,
  TimelineEvent,
  timelineEvent,
} from '../views.ts';

const SessionListQuery = z.strictObject({
  verdict: csvOf(VERDICTS),
  severity: csvOf(SEVERITIES),
  status: csvOf(DISPOSITION_STATUSES),
  state: z.enum(SESSION_STATUSES).optional(),
  user: text('e-mail or user id, exact'),
  attribution: z
    .enum(['attributed', 'unattributed'])
    .optional()
    .openapi({ description: 'unattributed: sessions no source names a person for' }),
  linked_to: text('sessions that serve this session id, e.g. its approval reviews'),
  agent: text('agent name, exact'),
  source: text('telemetry source (codex, claude_code, gemini_cli, genai, …)'),
  technique: text('ATT&CK / ATLAS id, e.g. T1041'),
  q: text('free text over title, rationale and commands'),
  ...timeRange,
  sort: z.enum(['risk', 'recent']).default('risk'),
  limit: limit(200, 50),
  cursor,
});

const compareTime = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

const SessionParams = z.object({ session_id: wellFormed(z.string().min(1).max(512)) });

const listSessions = createRoute({
  method: 'get',
  path: '/sessions',
  tags: ['sessions'],
  summary: 'Sessions, flagged first',
  description:
    'Filtered and keyset-paginated. `sort=risk` (default): escalations, then mistakes, then benign, by severity, then latest activity. Time range is over the last event.',
  security,
  request: { query: SessionListQuery },
  responses: {
    200: {
      description: 'a page of sessions',
      content: { 'application/json': { schema: pageOf(SessionSummary, 'SessionPage') } },
    },
    ...errorResponses(400),
  },
});

const getSession = createRoute({
  method: 'get',
  path: '/sessions/{session_id}',
  tags: ['sessions'],
  summary: 'One session: verdict, evidence, verdict history and dispositions',
  security,
  request: { params: SessionParams },
  responses: {
    200: { description: 'the session', content: { 'application/json': { schema: SessionDetail } } },
    ...errorResponses(404),
  },
});

const sessionEvents = createRoute({
  method: 'get',
  path: '/sessions/{session_id}/events',
  tags: ['sessions'],
  summary: "A session's timeline, evidence marked",
  description:
    'Every event in session order: prompts, tool calls with arguments, results, approval decisions.',
  security,
  request: {
    params: SessionParams,
    query: z.strictObject({ limit: limit(1000, 500), cursor }),
  },
  responses: {
    200: {
      description: 'a page of the timeline',
      content: { 'application/json': { schema: pageOf(TimelineEvent, 'TimelinePage') } },
    },
    ...errorResponses(400, 404),
  },
});

export function sessionRoutes(store: Store) {
  return newRouter()
    .openapi(listSessions, async (c) => {
      const { workspace } = c.get('principal');
      const { limit, cursor, sort, ...f } = c.req.valid('query');
      const query = { sort, ...f };
      const page = await store.listSessions(
        {
          workspace,
          verdicts: f.verdict,
          severities: f.severity,
          caseStatuses: f.status,
          state: f.state,
          user: f.user,
          attributed: f.attribution === undefined ? undefined : f.attribution === 'attributed',
          linkedTo: f.linked_to,
          agent: f.agent,
          source: f.source,
          technique: f.technique,
          text: f.q,
          startMs: f.start_time,
          endMs: f.end_time,
        },
        sort,
        { limit, after: decodeCursor(cursor, query) },
      );
      return c.json(
        { data: page.rows.map(sessionSummary), next_cursor: encodeCursor(page.next, query) },
        200,
      );
    })
    .openapi(getSession, async (c) => {
      const { workspace } = c.get('principal');
      const { session_id: sessionId } = c.req.valid('param');
      const session = await store.getSession(workspace, sessionId);
      if (!session) throw new ApiProblem(404, `no session ${sessionId}`);
      // Every verdict version with its case in one query, oldest first.
      const [versions, dispositions, serving] = await Promise.all([
        store.listFindings({ workspace, sessionId }, { limit: 10_000 }),
        store.dispositions(workspace, { sessionId }),
        store.listSessions({ workspace, linkedTo: sessionId }, 'recent', { limit: 100 }),
      ]);
      const history = versions.rows.sort((a, b) => a.finding.version - b.finding.version);
      const findings = history.map((v) => v.finding);
      const latest = findings[findings.length - 1];
      const wanted = new Set(latest?.evidenceEventIds ?? []);
      // By id (a bloom-filter index), not the whole session: sessions can run to thousands of events.
      const evidence = (await store.eventsById(workspace, [...wanted]))
        .filter((e) => e.sessionId === sessionId)
        .sort((a, b) => compareTime(a.timeUnixNano, b.timeUnixNano));
      const summary = sessionSummary({
        session,
        findingId: latest?.findingId,
        title: latest?.title ?? '',
        detectors: latest?.detectors ?? [],
        case: history[history.length - 1]?.case ?? NO_CASE,
      });
      return c.json(
        {
          ...summary,
          detectors: latest?.detectors ?? [],
          evidence: evidence.map((e) => timelineEvent(e, wanted)),
          verdict_history: history.map((v) => findingView(v.finding, v.case)),
          dispositions: dispositions.map(dispositionView),
          linked_sessions: serving.rows.map(({ session: s }) => ({
            session_id: s.sessionId,
            relation: s.link!.relation,
            verdict: s.verdict,
            rationale: s.rationale,
          })),
        },
        200,
      );
    })
    .openapi(sessionEvents, async (c) => {
      const { workspace } = c.get('principal');
      const { session_id: sessionId } = c.req.valid('param');
      const { limit, cursor } = c.req.valid('query');
      const after = decodeCursor(cursor, { sessionId });
      const [session, findings] = await Promise.all([
        store.getSession(workspace, sessionId),
        store.findings(workspace, sessionId),
      ]);
      if (!session) throw new ApiProblem(404, `no session ${sessionId}`);
      const evidence = new Set(findings[findings.length - 1]?.evidenceEventIds ?? []);
      const page = await store.sessionTimeline(workspace, sessionId, { limit, after });
      return c.json(
        {
          data: page.rows.map((e) => timelineEvent(e, evidence)),
          next_cursor: encodeCursor(page.next, { sessionId }),
        },
        200,
      );
    });
}
