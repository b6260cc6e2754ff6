import { z } from '@hono/zod-openapi';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** RFC 9457 problem details, as every error of the API is answered. */
export const Problem = z
  .object({
    type: z.string().openapi({ example: 'about:blank' }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    request_id: z.string().optional(),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .openapi({ description: 'field-level validation errors' }),
  })
  .openapi('Problem');
export type Problem = z.infer<typeof Problem>;

const TITLES: Partial<Record<ContentfulStatusCode, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Thrown by handlers and middleware; `app.onError` answers it as problem+json. */
export class ApiProblem extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly detail: string,
    readonly errors?: Problem['errors'],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function problemResponse(p: ApiProblem, requestId: string | undefined): Response {
  const body: Problem = {
    type: 'about:blank',
    title: TITLES[p.status] ?? 'Error',
    status: p.status,
    detail: p.detail,
    ...(requestId ? { request_id: requestId } : {}),
    ...(p.errors ? { errors: p.errors } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: p.status,
    headers: {
      'content-type': 'application/problem+json',
      ...(requestId ? { 'x-request-id': requestId } : {}),
      ...p.headers,
    },
  });
}

const problemContent = { 'application/problem+json': { schema: Problem } };

/** OpenAPI responses for the errors a route can answer. */
type ErrorStatus = 400 | 401 | 403 | 404 | 429 | 503;

export function errorResponses(...statuses: ErrorStatus[]) {
  const all = [...new Set([401, 429, ...statuses])].sort();
  return Object.fromEntries(
    all.map((s) => [s, { description: TITLES[s as ContentfulStatusCode]!, content: problemContent }]),
  ) as Record<ErrorStatus, { description: string; content: typeof problemContent }>;
}
