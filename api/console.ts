import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MiddlewareHandler } from 'hono';

/** The triage console's static files (plain HTML, CSS and ES modules; no build step). */
export const CONSOLE_DIR = fileURLToPath(new URL('./console/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** Telemetry is attacker-controlled text: the page may run only its own code and talk only to this API. */
const CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Serves the console from memory: the files are read once at start, so a request path can only name one
 * of them (no file-system lookups, hence no traversal).
 */
export async function consoleFiles(dir = CONSOLE_DIR): Promise<MiddlewareHandler> {
  const files = new Map<string, { body: Uint8Array; type: string }>();
  for (const path of await listFiles(dir)) {
    const type = TYPES[extname(path)];
    if (type) files.set(relative(dir, path).split(sep).join('/'), { body: await readFile(path), type });
  }
  return async (c, next) => {
    const name = c.req.path.replace(/^\/console\/?/, '') || 'index.html';
    const file = files.get(name);
    if (!file) return next();
    return c.body(new Uint8Array(file.body), 200, {
      'content-type': file.type,
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-cache',
    });
  };
}
