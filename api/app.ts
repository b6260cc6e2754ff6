import { Hono } from 'hono';
import type { Logger } from 'pino';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AgentEvent } from '../schemas/agent-event.ts';
import { createBearerLookup } from '../schemas/bearer.ts';
import type { Finding, SessionState } from '../schemas/tables.ts';
import type { Store } from '../store/index.ts';
import type { ApiPrincipal } from './config.ts';

type Env = { Variables: { principal: ApiPrincipal } };

/** RFC 9457 problem details. */
function problem(status: ContentfulStatusCode, title: string, detail: string) {
  return new Response(JSON.stringify({ type: 'about:blank', title, status, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

const nanosToIso = (nanos: string) => new Date(Number(BigInt(nanos) / 1_000_000n)).toISOString();
const clip = (s: string | undefined, n = 2_000) => (s && s.length > n ? `${s.slice(0, n)}…` : s);

function evidenceView(e: AgentEvent) {
  return {
    event_id: e.eventId,
    time: nanosToIso(e.timeUnixNano),
    kind: e.kind,
    source_event: e.sourceEvent,
    tool: e.tool?.name,
    command: clip(e.tool?.command),
    arguments: e.tool?.command ? undefined : clip(e.tool?.arguments),
    output: clip(e.result?.output),
    success: e.result?.success,
    decision: e.decision?.decision,
    prompt: e.prompt ? (e.prompt.redacted ? null : clip(e.prompt.text ?? undefined)) : undefined,
  };
}

function findingView(f: Finding) {
  return {
    finding_id: f.findingId,
    version: f.version,
    verdict: f.verdict,
    score: f.score,
    confidence: f.confidence,
    severity: f.severity,
    title: f.title,
    rationale: f.rationale,
    techniques: f.techniques,
    detectors: f.detectors,
    evidence_event_ids: f.evidenceEventIds,
    engine_version: f.engineVersion,
    judge: f.judge || null,
    created_at: new Date(f.createdAtMs).toISOString(),
  };
}

function sessionView(s: SessionState, findings: Finding[], evidence: AgentEvent[]) {
  const latest = findings[findings.length - 1];
  return {
    session_id: s.sessionId,
    workspace: s.workspace,
    status: s.status,
    verdict: s.verdict,
    score: s.score,
    confidence: s.confidence,
    severity: s.severity,
    title: latest?.title ?? null,
    rationale: s.rationale,
    techniques: s.techniques,
    detectors: latest?.detectors ?? [],
    event_count: s.eventCount,
    source: s.source,
    agent: s.agent,
    user: { email: s.userEmail ?? null, id: s.userId ?? null },
    first_event_at: nanosToIso(s.firstEventTimeUnixNano),
    last_event_at: nanosToIso(s.lastEventTimeUnixNano),
    updated_at: new Date(s.updatedAtMs).toISOString(),
    evidence: evidence.map(evidenceView),
    verdict_history: findings.map(findingView),
  };
}

/** The query API. Every request is bound to its key's workspace; other workspaces' data does not exist for it. */
export function createApp(deps: { store: Store; keys: ReadonlyMap<string, ApiPrincipal>; logger: Logger }) {
  const lookup = createBearerLookup(deps.keys);
  const app = new Hono<Env>();

  app.get('/healthz', (c) => c.text('ok'));

  app.use('/v1/*', async (c, next) => {
    const principal = lookup.find(c.req.header('authorization'));
    if (!principal)
      return problem(401, 'Unauthorized', 'missing or unknown API key (Authorization: Bearer <key>)');
    c.set('principal', principal);
    await next();
  });

  /** One session: verdict, rationale, evidence events and the verdict history. */
  app.get('/v1/sessions/:id', async (c) => {
    const { workspace } = c.get('principal');
    const sessionId = c.req.param('id');
    const session = await deps.store.getSession(workspace, sessionId);
    if (!session) return problem(404, 'Not Found', `no session ${sessionId}`);
    const findings = await deps.store.findings(workspace, sessionId);
    const wanted = new Set(findings[findings.length - 1]?.evidenceEventIds ?? []);
    const evidence = wanted.size
      ? (await deps.store.sessionEvents(workspace, sessionId)).filter((e) => wanted.has(e.eventId))
      : [];
    return c.json(sessionView(session, findings, evidence));
  });

  app.notFound(() => problem(404, 'Not Found', 'no such endpoint'));
  app.onError((err) => {
    deps.logger.error({ err }, 'request failed');
    return problem(500, 'Internal Server Error', 'the request failed; see the server log');
  });
  return app;
}
