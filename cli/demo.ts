/**
 * `warden demo`: replays the built-in sessions (demo-sessions.ts) to a running Warden over OTLP/HTTP, waits
 * for triage to judge them through the query API, and prints each verdict with its console link. Each run
 * uses fresh session ids. A verdict other than the one a session is meant to show fails the run, so the
 * demo doubles as a smoke test. Only global fetch: it talks to Warden as any agent and analyst would.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  baseUrl,
  CliError,
  clientCommand,
  dataDirOf,
  detailOf,
  localSecret,
  nonEmpty,
  parseFlags,
  printable,
  request,
} from './client.ts';
import type { Env } from './client.ts';
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

const DEFAULTS = { otlp: 'http://127.0.0.1:4318', api: 'http://127.0.0.1:8080', timeoutSeconds: 60 };
const FLAGS = ['--otlp', '--api', '--token', '--api-key', '--timeout'] as const;
const POLL_MS = 500;

const usageError = (message: string) => new CliError(`${message}\n\n${DEMO_USAGE}`, 2);

/** Parses the flags (`--flag value` or `--flag=value`); `help` when help was asked for. Throws CliError. */
export function parseDemoArgs(argv: string[], env: Env): DemoArgs | 'help' {
  const given = parseFlags(argv, FLAGS, DEMO_USAGE);
  if (given === 'help') return 'help';
  const seconds = given['--timeout'] === undefined ? DEFAULTS.timeoutSeconds : Number(given['--timeout']);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw usageError(`--timeout: seconds between 0 and 3600, not "${given['--timeout']}"`);
  }
  return {
    otlp: baseUrl('--otlp', given['--otlp'] ?? DEFAULTS.otlp, DEMO_USAGE, /\/v1\/(logs|traces)$/),
    api: baseUrl('--api', given['--api'] ?? DEFAULTS.api, DEMO_USAGE),
    token: nonEmpty(given['--token']) ?? nonEmpty(env.WARDEN_INGEST_TOKEN),
    apiKey: nonEmpty(given['--api-key']) ?? nonEmpty(env.WARDEN_API_KEY),
    timeoutMs: Math.round(seconds * 1000),
    dataDir: dataDirOf(env),
  };
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

/** Reads one session: its view, `undefined` while triage has not stored it (404). Throws CliError. */
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
      throw new CliError(
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
    throw new CliError(
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
    throw new CliError(
      `the collector at ${ctx.args.otlp} refused the ingest token (${res.status}: ${await detailOf(res)}): check --token or WARDEN_INGEST_TOKEN (the embedded default keeps its token in .warden/ingest-token)`,
    );
  }
  if (res.status !== 200) {
    throw new CliError(
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
    ...(v.title ? [`  ${printable(v.title)}`] : []),
    wrap(printable(v.rationale) || '(no rationale)', 100, '    '),
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
export function demoCommand(argv: string[], env: Env, io: DemoIo): Promise<number> {
  return clientCommand('demo', io, async () => {
    const parsed = parseDemoArgs(argv, env);
    if (parsed === 'help') {
      io.out(`${DEMO_USAGE}\n`);
      return 0;
    }
    const token = await localSecret(
      parsed.token,
      parsed.dataDir,
      'ingest-token',
      'ingest token',
      'pass --token or set WARDEN_INGEST_TOKEN',
    );
    const apiKey = await localSecret(
      parsed.apiKey,
      parsed.dataDir,
      'api-key',
      'API key',
      'pass --api-key or set WARDEN_API_KEY',
    );
    return run({ args: { ...parsed, token, apiKey }, io });
  });
}
