import { createRoute, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { BusPublisher } from '../../bus/types.ts';
import {
  AGENT_EVENT_BATCH_MAX_BYTES,
  agentEventKey,
  packAgentEventBatches,
  type AgentEvent,
} from '../../schemas/agent-event.ts';
import type { IngestAuth } from '../../schemas/ingest-tokens.ts';
import {
  REVIEW_DECISIONS,
  ReviewAgent,
  type PreActionReviewer,
  type ReviewRequest,
} from '../../schemas/review.ts';
import type { Store } from '../../store/index.ts';
import { ApiProblem, errorResponses } from '../problem.ts';
import { newRouter, security } from '../router.ts';

export interface ReviewDeps {
  store: Store;
  /** The workspaces' ingest tokens: an agent's hook sends the token its telemetry uses. */
  auth: IngestAuth | undefined;
  /** The review itself (triage's engine); without one, reviews answer 503. */
  reviewer: PreActionReviewer | undefined;
  bus?: BusPublisher;
  logger: Logger;
}

const Body = z
  .strictObject({
    agent: ReviewAgent,
    session_id: z.string().min(1).max(256),
    tool: z.strictObject({
      name: z.string().min(1).max(256),
      input: z.union([z.record(z.string(), z.unknown()), z.string().max(256 * 1024)]),
      call_id: z.string().max(256).optional(),
    }),
    cwd: z.string().max(4_096).optional(),
    prompt: z
      .string()
      .max(64 * 1024)
      .optional(),
  })
  .openapi('ReviewRequest');

const Answer = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.string(),
    policy: z.string().optional(),
    rules: z.array(z.string()),
    score: z.number(),
    event_id: z.string(),
  })
  .openapi('ReviewAnswer');

const review = createRoute({
  method: 'post',
  path: '/review',
  tags: ['review'],
  summary: 'Judge a proposed tool call before it runs: allow, ask or deny',
  description:
    "Authenticated with the workspace's ingest token (the one its agents' telemetry uses). The call is judged in its session's context — the prompt, earlier outputs and their provenance, earlier denials — by the triage engine, then by the workspace's egress policy. Every decision is recorded as an event of the session (source `warden-review`).",
  security: [{ ingestToken: [] }],
  request: { body: { content: { 'application/json': { schema: Body } }, required: true } },
  responses: {
    200: { description: 'the decision', content: { 'application/json': { schema: Answer } } },
    ...errorResponses(400, 503),
  },
});

const Policy = z
  .object({
    workspace: z.string(),
    known_good: z.array(z.string()),
    protected_paths: z.array(z.string()),
    protected_branches: z.array(z.string()),
    unknown_destination: z.enum(REVIEW_DECISIONS),
    protected_target: z.enum(REVIEW_DECISIONS),
    unreachable: z.enum(REVIEW_DECISIONS),
  })
  .openapi('ReviewPolicy');

const policy = createRoute({
  method: 'get',
  path: '/review/policy',
  tags: ['review'],
  summary: "The workspace's egress policy for the pre-action review",
  description:
    'Known-good destinations, protected paths and branches, and what unknown destinations, protected targets and an unreachable Warden get. Set in WARDEN_REVIEW_POLICY (YAML, validated at start).',
  security,
  responses: {
    200: { description: 'the effective policy', content: { 'application/json': { schema: Policy } } },
    ...errorResponses(),
  },
});

export function reviewRoutes(deps: ReviewDeps) {
  const app = newRouter();

  const authenticateToken: MiddlewareHandler = async (c, next) => {
    if (!deps.auth || !deps.reviewer)
      throw new ApiProblem(
        503,
        'pre-action review is not running here: it needs WARDEN_INGEST_TOKENS (agents authenticate with them)',
      );
    const principal = deps.auth.principalFor(c.req.header('authorization'));
    if (!principal) throw new ApiProblem(401, 'a valid ingest token is required');
    c.set('principal', {
      workspace: principal.workspace,
      role: 'viewer',
      actor: principal.user ?? 'agent-hook',
      keyId: 'ingest-token',
    });
    await next();
  };

  /** The decision goes where the session's telemetry goes, so triage and the timeline see it. */
  const record = async (event: AgentEvent) => {
    if (deps.bus) {
      const key = agentEventKey(event);
      const { batches } = packAgentEventBatches([event], AGENT_EVENT_BATCH_MAX_BYTES);
      await deps.bus.publish(batches.map((value) => ({ key, value })));
    } else await deps.store.insertEvents([event]);
  };

  app.openapi(policy, (c) => {
    const { workspace } = c.get('principal');
    if (!deps.reviewer) throw new ApiProblem(503, 'pre-action review is not running here');
    const p = deps.reviewer.policy(workspace);
    return c.json(
      {
        workspace,
        known_good: p.knownGood,
        protected_paths: p.protectedPaths,
        protected_branches: p.protectedBranches,
        unknown_destination: p.unknownDestination,
        protected_target: p.protectedTarget,
        unreachable: p.unreachable,
      },
      200,
    );
  });

  app.use('/review', authenticateToken);
  app.openapi(review, async (c) => {
    const started = performance.now();
    const body = c.req.valid('json');
    const { workspace } = c.get('principal');
    const request: ReviewRequest = {
      agent: body.agent,
      sessionId: body.session_id,
      tool: {
        name: body.tool.name,
        input: body.tool.input,
        ...(body.tool.call_id && { callId: body.tool.call_id }),
      },
      ...(body.cwd && { cwd: body.cwd }),
      ...(body.prompt && { prompt: body.prompt }),
    };
    const outcome = await deps.reviewer!.review(workspace, request, Date.now());
    const ms = performance.now() - started;
    const decided = {
      ...outcome.event,
      attributes: { ...outcome.event.attributes, 'warden.review.ms': ms.toFixed(1) },
    };
    await record(decided);
    // Every decision is an event of its session; the log adds only the ones that stopped something.
    deps.logger[outcome.decision === 'allow' ? 'debug' : 'info'](
      {
        workspace,
        sessionId: body.session_id,
        agent: body.agent,
        decision: outcome.decision,
        policy: outcome.policy,
        ms: Math.round(ms),
      },
      'pre-action review',
    );
    return c.json(
      {
        decision: outcome.decision,
        reason: outcome.reason,
        ...(outcome.policy && { policy: outcome.policy }),
        rules: outcome.rules,
        score: outcome.score,
        event_id: outcome.event.eventId,
      },
      200,
    );
  });
  return app;
}
