import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from './auth.ts';
import { ApiProblem } from './problem.ts';

/** A router whose request validation failures become 400 problems naming each bad field. */
export function newRouter() {
  return new OpenAPIHono<ApiEnv>({
    defaultHook: (result) => {
      if (result.success) return;
      throw new ApiProblem(
        400,
        'the request is not valid; see errors',
        result.error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message })),
      );
    },
  });
}

export const security = [{ apiKey: [] }];
