/**
 * `warden demo`: replays the built-in sessions (demo-sessions.ts) to a running Warden over OTLP/HTTP, waits
 * for triage to judge them through the query API, and prints each verdict with its console link. Each run
 * uses fresh session ids. A verdict other than the one a session is meant to show fails the run, so the
 * demo doubles as a smoke test. Only global fetch: it talks to Warden as any agent and analyst would.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { demoSessions, type DemoSession } from './demo-sessions.ts';

export const DEMO_USAGE = `usage: warden demo [options]

Replays three agent sessions (benign work, a careless mistake, a prompt-injected exfiltration) to a
running Warden over OTLP, waits for triage and prints each verdict. Start Warden first (npm start).

options:
  --otlp URL       OTLP/HTTP endpoint of the collector      (default http://127.0.0.1:4318)
  --api URL        query API                                  (default http://127.0.0.1:8080)
  --token TOKEN    ingest token    (default: $WARDEN_INGEST_TOKEN, else $WARDEN_DATA_DIR/ingest-token)
  --api-key KEY    API key         (default: $WARDEN_API_KEY, else $WARDEN_DATA_DIR/api-key)
  --timeout SEC    how long to wait for the verdicts          (default 60)
  -h, --help       this text

WARDEN_DATA_DIR defaults to .warden, where \`npm start\` keeps its local token and key.
Exit status: 0 when every verdict is the intended one, 1 otherwise, 2 for bad usage.`;

export interface DemoIo {
  /** Results (stdout): written as given, newlines included. */
  out: (s: string) => void;
  /** Progress and errors (stderr): written as given, newlines included. */
  err: (s: string) => void;
  /** stderr is a terminal: progress is one line updated in place instead of periodic lines. */
  errIsTTY?: boolean;
}

export interface DemoArgs {
  otlp: string;
  api: string;
  token?: string;
  apiKey?: string;
  timeoutMs: number;
  dataDir: string;
}

/** Bad usage (exit 2) or a failure worth one clear line (exit 1); no stack trace either way. */
export class DemoError extends Error {
  override readonly name = 'DemoError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 1,
  ) {
    super(message);
  }
}

type Env = Record<string, string | undefined>;

const DEFAULTS = { otlp: 'http://127.0.0.1:4318', api: 'http://127.0.0.1:8080', timeoutSeconds: 60 };
const FLAGS = ['--otlp', '--api', '--token', '--api-key', '--timeout'] as const;
type Flag = (typeof FLAGS)[number];
/** Per request: a Warden that accepts the connection but does not answer is not left to hang the demo. */
const REQUEST_TIMEOUT_MS = 10_000;
const POLL_MS = 500;

const usageError = (message: string) => new DemoError(`${message}\n\n${DEMO_USAGE}`, 2);

function baseUrl(flag: string, raw: string, strip: RegExp): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw usageError(`${flag}: not a URL: ${raw}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw usageError(`${flag}: must be http(s)`);
  if (url.search || url.hash) throw usageError(`${flag}: give the base URL, without ?query or #fragment`);
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(strip, '')}`;
}

/** Parses the flags (`--flag value` or `--flag=value`); `help` when help was asked for. Throws DemoError. */
export function parseDemoArgs(argv: string[], env: Env): DemoArgs | 'help' {
  const given: Partial<Record<Flag, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') return 'help';
    const eq = arg.indexOf('=');
    const name = eq > 0 && arg.startsWith('--') ? arg.slice(0, eq) : arg;
    if (!(FLAGS as readonly string[]).includes(name)) {
      throw usageError(arg.startsWith('-') ? `unknown option ${name}` : `unexpected argument "${arg}"`);
    }
    const value = eq > 0 && arg.startsWith('--') ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value === '' || (eq < 0 && value.startsWith('--'))) {
      throw usageError(`${name} needs a value`);
    }
    given[name as Flag] = value;
  }
  const seconds = given['--timeout'] === undefined ? DEFAULTS.timeoutSeconds : Number(given['--timeout']);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw usageError(`--timeout: seconds between 0 and 3600, not "${given['--timeout']}"`);
  }
  const nonEmpty = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v.trim());
  return {
    otlp: baseUrl('--otlp', given['--otlp'] ?? DEFAULTS.otlp, /\/v1\/(logs|traces)$/),
    api: baseUrl('--api', given['--api'] ?? DEFAULTS.api, /\/v1$/),
    token: nonEmpty(given['--token']) ?? nonEmpty(env.WARDEN_INGEST_TOKEN),
    apiKey: nonEmpty(given['--api-key']) ?? nonEmpty(env.WARDEN_API_KEY),
    timeoutMs: Math.round(seconds * 1000),
    dataDir: nonEmpty(env.WARDEN_DATA_DIR) ?? '.warden',
  };
}

/** A secret from the flag or environment, else from the file `warden start` writes under the data folder. */
async function secret(
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
  throw new DemoError(
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

async function request(url: string, init: RequestInit, service: string, flag: string): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (err) {
    const origin = new URL(url).origin;
    const code = errorCode(err);
    const name = (err as { name?: string } | null)?.name;
    if (code === 'ECONNREFUSED') {
      throw new DemoError(
        `Warden is not running: nothing listens at ${origin} (the ${service}, connection refused). Start it with \`npm start\`, or point ${flag} at it.`,
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      throw new DemoError(`cannot resolve the host of ${origin} (${flag})`);
    }
    if (name === 'TimeoutError' || name === 'AbortError') {
      throw new DemoError(`the ${service} at ${origin} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
    }
    throw new DemoError(`cannot reach the ${service} at ${origin} (${flag}): ${code ?? innermost(err)}`);
  }
}

/** The error text of a Warden answer: problem+json `detail` (API) or google.rpc.Status `message` (collector). */
async function detailOf(res: Response): Promise<string> {
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

/** What the demo reads of `GET /v1/sessions/{id}` (api/views.ts SessionDetail). */
interface SessionView {
  session_id: string;
  verdict: string;
  score: number;
  severity: string;
  title: string;
  rationale: string;
  techniques: string[];
  event_count: number;
  state: string;
}

interface Tracked {
  demo: DemoSession;
  /** Events the collector accepted: the session is judged once the API counts that many. */
  expectedEvents: number;
  seenEvents: number;
  view?: SessionView;
}

interface Context {
  args: DemoArgs & { token: string; apiKey: string };
  io: DemoIo;
}

const sessionUrl = (api: string, id: string) => `${api}/v1/sessions/${encodeURIComponent(id)}`;
export const consoleLink = (api: string, id: string) => `${api}/console/#/sessions/${encodeURIComponent(id)}`;

const apiKeyHint =
  'check --api-key or WARDEN_API_KEY (the embedded default keeps its key in .warden/api-key)';

/** Reads one session: its view, `undefined` while triage has not stored it (404). Throws DemoError. */
async function readSession(ctx: Context, id: string): Promise<SessionView | undefined> {
  for (;;) {
    const res = await request(
      sessionUrl(ctx.args.api, id),
      { headers: { authorization: `Bearer ${ctx.args.apiKey}`, accept: 'application/json' } },
      'query API',
      '--api',
    );
    if (res.status === 404) {
      await res.body?.cancel();
      return undefined;
    }
    if (res.status === 200) return (await res.json()) as SessionView;
    if (res.status === 401 || res.status === 403) {
      throw new DemoError(
        `the query API at ${ctx.args.api} refused the API key (${res.status}: ${await detailOf(res)}): ${apiKeyHint}`,
      );
    }
    if (res.status === 429) {
      // Rate limited: wait as told, then ask again.
      const wait = Number(res.headers.get('retry-after'));
      await res.body?.cancel();
      await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 30) * 1000 : 1000);
      continue;
    }
    throw new DemoError(
      `unexpected answer from the query API at ${ctx.args.api}: ${res.status} ${await detailOf(res)}`,
    );
  }
}

/** Sends one session's export; returns how many of its records the collector accepted. */
async function send(ctx: Context, demo: DemoSession): Promise<number> {
  const res = await request(
    `${ctx.args.otlp}${demo.path}`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.args.token}` },
      body: JSON.stringify(demo.body),
    },
    'collector',
    '--otlp',
  );
  if (res.status === 401 || res.status === 403) {
    throw new DemoError(
      `the collector at ${ctx.args.otlp} refused the ingest token (${res.status}: ${await detailOf(res)}): check --token or WARDEN_INGEST_TOKEN (the embedded default keeps its token in .warden/ingest-token)`,
    );
  }
  if (res.status !== 200) {
    throw new DemoError(
      `the collector at ${ctx.args.otlp} did not take the ${demo.agent} session: ${res.status} ${await detailOf(res)}`,
    );
  }
  const answer = (await res.json().catch(() => ({}))) as {
    partialSuccess?: { rejectedLogRecords?: string | number; errorMessage?: string };
  };
  const rejected = Number(answer.partialSuccess?.rejectedLogRecords ?? 0) || 0;
  if (rejected > 0) {
    ctx.io.err(
      `warning: the collector rejected ${rejected} of ${demo.records} ${demo.agent} records: ${answer.partialSuccess?.errorMessage ?? ''}\n`,
    );
  }
  return demo.records - rejected;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Words of `text` in lines of at most `width` characters, each starting with `indent`. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        lines.push(indent + line);
        line = word;
      } else {
        line = line ? `${line} ${word}` : word;
      }
    }
    lines.push(indent + line);
  }
  return lines.join('\n');
}

function resultBlock(api: string, t: Tracked): string {
  const v = t.view!;
  const ok = v.verdict === t.demo.expected;
  const mark = ok ? `✓ as intended` : `✗ meant to be ${t.demo.expected.toUpperCase()}`;
  return [
    `${v.verdict.toUpperCase()}  score ${v.score}  severity ${v.severity}  ${mark}`,
    `  ${t.demo.agent}: ${t.demo.story}`,
    ...(v.title ? [`  ${v.title}`] : []),
    wrap(v.rationale || '(no rationale)', 100, '    '),
    `  techniques: ${v.techniques.length ? v.techniques.join(', ') : 'none'}`,
    `  console: ${consoleLink(api, v.session_id)}`,
  ].join('\n');
}

/** Polls the API until every session counts the events sent, or the deadline passes. */
async function waitForVerdicts(ctx: Context, tracked: Tracked[], startedMs: number): Promise<boolean> {
  const { io, args } = ctx;
  const deadline = Date.now() + args.timeoutMs;
  let lastLine = 0;
  let lastJudged = -1;
  const progress = (final = false) => {
    const judged = tracked.filter((t) => t.view).length;
    const line = `waiting for triage: ${judged}/${tracked.length} sessions judged (${seconds(Date.now() - startedMs)})`;
    if (io.errIsTTY) {
      io.err(`\r\x1b[2K${final ? '' : line}`);
    } else if (!final && (judged !== lastJudged || Date.now() - lastLine >= 5_000)) {
      io.err(`${line}\n`);
      lastLine = Date.now();
    }
    lastJudged = judged;
  };
  try {
    for (;;) {
      for (const t of tracked.filter((x) => !x.view)) {
        const view = await readSession(ctx, t.demo.sessionId);
        t.seenEvents = view?.event_count ?? 0;
        if (view && view.event_count >= t.expectedEvents) t.view = view;
      }
      progress();
      if (tracked.every((t) => t.view)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    }
  } finally {
    progress(true);
  }
}

async function run(ctx: Context): Promise<number> {
  const { io, args } = ctx;
  const sessions = demoSessions();
  // The key first, on a session that cannot exist yet: a wrong key or a stopped API fails before data is sent.
  await readSession(ctx, sessions[0]!.sessionId);

  io.err(`warden demo: replaying ${sessions.length} agent sessions to ${args.otlp}\n`);
  const startedMs = Date.now();
  const tracked: Tracked[] = [];
  for (const demo of sessions) {
    const expectedEvents = await send(ctx, demo);
    tracked.push({ demo, expectedEvents, seenEvents: 0 });
    io.err(`  sent ${demo.agent} session ${demo.sessionId} (${expectedEvents} events)\n`);
  }

  const done = await waitForVerdicts(ctx, tracked, startedMs);
  const elapsed = Date.now() - startedMs;
  const judged = tracked.filter((t) => t.view);
  io.out(judged.map((t) => `${resultBlock(args.api, t)}\n\n`).join(''));

  if (!done) {
    const waiting = tracked
      .filter((t) => !t.view)
      .map(
        (t) =>
          `${t.demo.agent} ${t.demo.sessionId} (${t.seenEvents ? `${t.seenEvents} of ${t.expectedEvents} events stored` : 'not stored yet'})`,
      );
    io.err(
      `timed out after ${seconds(args.timeoutMs)} waiting for triage: ${judged.length} of ${tracked.length} sessions judged; still waiting for ${waiting.join(', ')}.\n` +
        `The collector accepted every session: is triage running (see Warden's log), and are the ingest token and the API key of the same workspace? --timeout SEC waits longer.\n`,
    );
    return 1;
  }
  const wrong = tracked.filter((t) => t.view!.verdict !== t.demo.expected);
  io.out(`${tracked.length} sessions judged in ${seconds(elapsed)}\n`);
  if (wrong.length) {
    const list = wrong.map(
      (t) =>
        `${t.demo.agent} judged ${t.view!.verdict.toUpperCase()}, meant to be ${t.demo.expected.toUpperCase()} (${t.demo.why})`,
    );
    io.err(
      `✗ ${wrong.length} of ${tracked.length} verdicts differ from what the demo sessions are meant to show: ${list.join('; ')}.\n` +
        `The demo doubles as a smoke test: triage is not judging these sessions as intended.\n`,
    );
    return 1;
  }
  return 0;
}

/**
 * `warden demo [--otlp URL] [--api URL] [--token T] [--api-key K] [--timeout SEC]`. Returns the exit code:
 * 0 when every session got its intended verdict, 1 on a failure or a different verdict, 2 on bad usage.
 */
export async function demoCommand(argv: string[], env: Env, io: DemoIo): Promise<number> {
  try {
    const parsed = parseDemoArgs(argv, env);
    if (parsed === 'help') {
      io.out(`${DEMO_USAGE}\n`);
      return 0;
    }
    const token = await secret(
      parsed.token,
      parsed.dataDir,
      'ingest-token',
      'ingest token',
      'pass --token or set WARDEN_INGEST_TOKEN',
    );
    const apiKey = await secret(
      parsed.apiKey,
      parsed.dataDir,
      'api-key',
      'API key',
      'pass --api-key or set WARDEN_API_KEY',
    );
    return await run({ args: { ...parsed, token, apiKey }, io });
  } catch (err) {
    if (err instanceof DemoError) {
      io.err(`warden demo: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
