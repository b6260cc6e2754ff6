import { createRoute, z } from '@hono/zod-openapi';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import { BusUnavailableError, type BusPublisher } from '../bus/types.ts';
import { SortKeyError } from '../store/index.ts';
import type { Store } from '../store/index.ts';
import { authenticate } from './auth.ts';
import type { DispositionListener } from './cases.ts';
import type { ApiPrincipal } from './config.ts';
import { API_ROLES } from './config.ts';
import { ApiProblem, errorResponses, problemResponse } from './problem.ts';
import { newRouter, security } from './router.ts';
import { alertRoutes } from './routes/alerts.ts';
import { auditRoutes } from './routes/audit.ts';
import { deadLetterRoutes } from './routes/dead-letters.ts';
import { findingRoutes } from './routes/findings.ts';
import { sessionRoutes } from './routes/sessions.ts';
import { telemetryRoutes } from './routes/telemetry.ts';
import { statusRoutes } from './routes/status.ts';
import { reviewRoutes, type ReviewDeps } from './routes/review.ts';

export interface AppDeps {
  store: Store;
  keys: ReadonlyMap<string, ApiPrincipal>;
  logger: Logger;
  rateLimitPerMinute: number;
  /** Base URL analysts open the console at (deep links in exports); known once the server listens. */
  consoleUrl: () => string;
  /** Serves the console's static files under /console/. */
  consoleFiles: MiddlewareHandler;
  productVersion: string;
  onDisposition?: DispositionListener;
  /** Where replayed dead letters and review decisions are published. */
  bus?: BusPublisher;
  /** The pre-action review and the ingest tokens hooks authenticate with (absent: reviews answer 503). */
  review?: Pick<ReviewDeps, 'auth' | 'reviewer'>;
}

const me = createRoute({
  method: 'get',
  path: '/v1/me',
  tags: ['auth'],
  summary: "The calling key's workspace, role and actor name",
  security,
  responses: {
    200: {
      description: 'who the key is',
      content: {
        'application/json': {
          schema: z
            .object({ workspace: z.string(), role: z.enum(API_ROLES), actor: z.string() })
            .openapi('Principal'),
        },
      },
    },
    ...errorResponses(),
  },
});

/** The peer address, for rate-limiting failed authentication ('unknown' outside a Node server). */
function clientAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** The query API: versioned JSON under /v1 (OpenAPI 3.1 at /openapi.json), the console, health. */
export function createApp(deps: AppDeps) {
  const app = newRouter();
  const log = deps.logger;

  app.use(requestId({ headerName: 'x-request-id' }));
  app.use(async (c, next) => {
    const started = performance.now();
    await next();
    c.header('x-content-type-options', 'nosniff');
    const principal = c.get('principal') as ApiPrincipal | undefined;
    log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
        key: principal?.keyId,
        requestId: c.get('requestId'),
      },
      'request',
    );
  });

  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', async (c) => {
    try {
      await deps.store.client.query({ query: 'SELECT 1', format: 'JSONEachRow' }).then((r) => r.json());
      return c.json({ status: 'ready' }, 200);
    } catch (err) {
      log.warn({ err }, 'store not ready');
      return c.json({ status: 'unavailable', detail: 'the store does not answer' }, 503);
    }
  });
  app.get('/', (c) => c.redirect('/console/'));
  app.get('/console', (c) => c.redirect('/console/'));
  app.use('/console/*', deps.consoleFiles);

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'an API key from WARDEN_API_KEYS (key=workspace:role[:name])',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Warden query API',
      version: '1',
      description:
        'Triage verdicts of AI coding agent sessions. Every request is scoped to its API key’s workspace; errors are RFC 9457 problem+json.',
    },
  });

  app.openAPIRegistry.registerComponent('securitySchemes', 'ingestToken', {
    type: 'http',
    scheme: 'bearer',
    description: "the workspace's ingest token (WARDEN_INGEST_TOKENS), as the agents' hooks send it",
  });
  const apiKeys = authenticate(deps.keys, deps.rateLimitPerMinute, clientAddress);
  app.use(
    '/v1/*',
    // Agents' hooks authenticate with their ingest token, not an analyst's API key (reviewRoutes).
    (c, next) => (c.req.path === '/v1/review' ? next() : apiKeys(c, next)),
    bodyLimit({
      maxSize: 256 * 1024,
      onError: () => {
        throw new ApiProblem(413, 'request body over 256 KiB');
      },
    }),
  );
  app.openapi(me, (c) => {
    const { workspace, role, actor } = c.get('principal');
    return c.json({ workspace, role, actor }, 200);
  });
  app.route('/v1', sessionRoutes(deps.store));
  app.route(
    '/v1',
    findingRoutes({
      store: deps.store,
      consoleLink: (id) => `${deps.consoleUrl()}/console/#/sessions/${encodeURIComponent(id)}`,
      productVersion: deps.productVersion,
      onDisposition: deps.onDisposition,
      onListenerError: (err) => log.error({ err }, 'disposition listener failed'),
    }),
  );
  app.route('/v1', auditRoutes(deps.store));
  app.route('/v1', alertRoutes(deps.store));
  app.route('/v1', statusRoutes(deps.store));
  app.route('/v1', telemetryRoutes(deps.store));
  app.route('/v1', deadLetterRoutes(deps.store, deps.bus));
  app.route(
    '/v1',
    reviewRoutes({
      auth: deps.review?.auth,
      reviewer: deps.review?.reviewer,
      store: deps.store,
      bus: deps.bus,
      logger: log,
    }),
  );

  app.notFound((c) => problemResponse(new ApiProblem(404, 'no such endpoint'), c.get('requestId')));
  app.onError((err, c) => {
    const id = c.get('requestId');
    if (err instanceof ApiProblem) return problemResponse(err, id);
    if (err instanceof SortKeyError)
      return problemResponse(new ApiProblem(400, 'cursor does not fit this query'), id);
    if (err instanceof BusUnavailableError)
      return problemResponse(
        new ApiProblem(503, `${err.message}; nothing was replayed, retry later`, undefined, {
          'retry-after': String(err.retryAfterSeconds),
        }),
        id,
      );
    if (err instanceof HTTPException && err.status < 500)
      return problemResponse(new ApiProblem(err.status as 400, err.message || 'bad request'), id);
    log.error({ err, requestId: id }, 'request failed');
    return problemResponse(new ApiProblem(500, 'the request failed; see the server log'), id);
  });
  return app;
}
