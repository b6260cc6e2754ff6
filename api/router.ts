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
        result.error.issues.flatMap((i) =>
          // Unknown parameters are named one by one: a filter this endpoint lacks must not pass unnoticed.
          i.code === 'unrecognized_keys'
            ? i.keys.map((key) => ({ path: [...i.path, key].join('.'), message: 'unknown parameter' }))
            : [{ path: i.path.join('.') || `(${result.target})`, message: i.message }],
        ),
      );
    },
  });
}

export const security = [{ apiKey: [] }];
