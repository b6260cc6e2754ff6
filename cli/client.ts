/**
 * What the client commands (`warden demo`, `warden status`) share: flag parsing, the local secrets
 * `warden start` writes, and HTTP calls to a running Warden that fail with one clear line.
 */
import { inert } from '../api/console/inert.js';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type Env = Record<string, string | undefined>;

/** Bad usage (exit 2) or a failure worth one clear line (exit 1); no stack trace either way. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

const usageError = (usage: string, message: string) => new CliError(`${message}\n\n${usage}`, 2);

/**
 * Text from telemetry (titles, rationales, commands) made safe for a terminal: control characters, which
 * could carry escape sequences that rewrite the screen or the window title, and bidi controls, which
 * reorder what is shown, are printed visibly (`⟨U+001B⟩`), as the console shows them.
 */
export const printable = (text: string): string => inert(text);

export const nonEmpty = (v: string | undefined) =>
  v === undefined || v.trim() === '' ? undefined : v.trim();

/** Where `warden start` keeps its data and local secrets. */
export const dataDirOf = (env: Env) => nonEmpty(env.WARDEN_DATA_DIR) ?? '.warden';

/** `--flag value` or `--flag=value` for the known flags; `help` when help was asked for. */
export function parseFlags<F extends string>(
  argv: string[],
  flags: readonly F[],
  usage: string,
): Partial<Record<F, string>> | 'help' {
  const given: Partial<Record<F, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    if (!(flags as readonly string[]).includes(name)) {
      throw usageError(
        usage,
        arg.startsWith('-') ? `unknown option ${name}` : `unexpected argument "${arg}"`,
      );
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw usageError(usage, `${name} needs a value`);
    }
    given[name as F] = value;
  }
  return given;
}

/** A base URL from a flag: http(s), no query, no trailing slash, no trailing `/v1` or `strip`. */
export function baseUrl(flag: string, raw: string, usage: string, strip = /\/v1$/): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(usage, `${flag}: not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw usageError(usage, `${flag}: must be http(s)`);
  if (url.search || url.hash)
    throw usageError(usage, `${flag}: give the base URL, without ?query or #fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(strip, '')}`;
}

/** A secret from the flag or environment, else from the file `warden start` writes under the data folder. */
export async function localSecret(
  given: string | undefined,
  dataDir: string,
  file: string,
  what: string,
  hint: string,
): Promise<string> {
  if (given) return given;
  const path = join(dataDir, file);
  try {
    const value = (await readFile(path, 'utf8')).trim();
    if (value) return value;
  } catch {
    // Reported below.
  }
  throw new CliError(
    `no ${what}: ${hint}, or start Warden with \`npm start\` in this folder (it writes ${path} when no secrets are configured)`,
  );
}

/** The first error code (ECONNREFUSED, ENOTFOUND, …) in a fetch failure's cause chain. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 5) return undefined;
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && !e.code.startsWith('UND_ERR_')) return e.code;
  for (const inner of Array.isArray(e.errors) ? e.errors : []) {
    const code = errorCode(inner, depth + 1);
    if (code) return code;
  }
  return errorCode(e.cause, depth + 1);
}

/** The message of the deepest cause (fetch itself only says "fetch failed"). */
function innermost(err: unknown): string {
  let e = err;
  while (e instanceof Error && e.cause instanceof Error) e = e.cause;
  return e instanceof Error ? e.message : String(e);
}

/** Per request: a Warden that accepts the connection but does not answer is not left to hang the command. */
const REQUEST_TIMEOUT_MS = 10_000;

/** fetch, with transport failures turned into one line naming the service and the flag that points at it. */
export async function request(
  url: string,
  init: RequestInit,
  service: string,
  flag: string,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const origin = new URL(url).origin;
    const code = errorCode(err);
    const name = (err as { name?: string } | null)?.name;
    if (code === 'ECONNREFUSED') {
      throw new CliError(
        `Warden is not running: nothing listens at ${origin} (the ${service}, connection refused). Start it with \`npm start\`, or point ${flag} at it.`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new CliError(`cannot resolve the host of ${origin} (${flag})`);
    }
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new CliError(`the ${service} at ${origin} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    throw new CliError(`cannot reach the ${service} at ${origin} (${flag}): ${code ?? innermost(err)}`);
  }
}

/** The error text of a Warden answer: problem+json `detail` (API) or google.rpc.Status `message` (collector). */
export async function detailOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { detail?: unknown; message?: unknown };
    const detail = body.detail ?? body.message;
    if (typeof detail === 'string' && detail) return detail;
  } catch {
    // Not JSON: the text itself.
  }
  return text.trim().slice(0, 200) || res.statusText;
}

/** The query API's base URL and an API key: from `--api` / `--api-key`, the environment, or `warden start`'s files. */
export async function queryApi(
  given: { '--api'?: string; '--api-key'?: string },
  env: Env,
  usage: string,
): Promise<{ api: string; key: string }> {
  const api = baseUrl('--api', given['--api'] ?? 'http://127.0.0.1:8080', usage);
  const key = await localSecret(
    nonEmpty(given['--api-key']) ?? nonEmpty(env.WARDEN_API_KEY),
    dataDirOf(env),
    'api-key',
    'API key',
    'pass --api-key or set WARDEN_API_KEY',
  );
  return { api, key };
}

/** A JSON call to the query API; any answer but 2xx is a CliError with the status and the problem's detail. */
export async function apiJson<T>(
  target: { api: string; key: string },
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const res = await request(
    `${target.api}${path}`,
    {
      method: init.method ?? 'GET',
      headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    },
    'query API',
    '--api',
  );
  if (!res.ok)
    throw new CliError(`the query API at ${target.api} answered ${res.status}: ${await detailOf(res)}`);
  return (await res.json()) as T;
}

/** Runs a client command: a CliError is printed as `warden <name>: …` and becomes the exit code. */
export async function clientCommand(
  name: string,
  io: { err: (s: string) => void },
  run: () => Promise<number>,
): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`warden ${name}: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
