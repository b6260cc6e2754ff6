/**
 * The conformance runs, inside a private network namespace (main.ts puts it there): a real Warden
 * (`warden start`), the scripted model server, and each planned run of a real agent, configured from what
 * `warden agent-config` printed. Observes every run through Warden's API, as an analyst would, and writes
 * the results file. `node bin/run-ts.js test/conformance/run.ts PLAN.json RESULTS.json`
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TimelineEvent } from '../../api/views.ts';
import { printedSnippets } from '../helpers/printed-config.ts';
import { fromTimeline, toolCalls } from '../helpers/tool-calls.ts';
import { CONFORMANCE_AGENTS, type ConformanceAgent } from './agents.ts';
import { checkRun } from './checks.ts';
import { startModelServer, type ModelServer } from './model-server.ts';
import type {
  ConformanceResults,
  ObservedSession,
  Plan,
  PlannedRun,
  RunResult,
  TelemetryShape,
} from './results.ts';
import { HOOK_MARKER, makeRunDirs, SCENARIOS } from './scenarios.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const WARDEN = join(REPO, 'bin', 'warden.js');
const PORTS = { grpc: 4317, http: 4318, api: 8080 };
/** Who uses the agent in the runs that stamp a person (`--user`), and the holder of per-person tokens. */
export const PERSON = { fleet: 'dev.fleet@example.com', token: 'dev.token@example.com' };
const AGENT_TIMEOUT_MS = 150_000;
/** Nothing listens here inside the run's network namespace. */
const CLOSED_PORT = 9;
const SETTLE_TIMEOUT_MS = 60_000;

const log = (msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level: 'info', msg, ...fields }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const hex = () => randomBytes(8).toString('hex');

interface Credentials {
  workspace: string;
  token: string;
  apiKey: string;
}

async function waitReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await sleep(250);
  }
}

async function api<T>(key: string, path: string): Promise<T> {
  const res = await fetch(`http://127.0.0.1:${PORTS.api}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The collector's record counters, summed over signals and reasons. */
async function ingestCounts(): Promise<{ rejected: number }> {
  const text = await (await fetch(`http://127.0.0.1:${PORTS.http}/metrics`)).text();
  const sum = (name: string) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
      .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
  return { rejected: sum('warden_ingest_records_rejected_total') };
}

/**
 * The run's sessions once triage has settled on them: as many as expected, with the same event counts and
 * verdicts on two reads in a row.
 */
async function settledSessions(key: string, expected: number): Promise<ObservedSession[]> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  let last = '';
  for (;;) {
    const { data } = await api<{ data: (ObservedSession & { session_id: string; event_count: number })[] }>(
      key,
      '/v1/sessions?limit=50&sort=recent',
    );
    const now = JSON.stringify(data.map((s) => [s.session_id, s.event_count, s.verdict]).sort());
    if ((data.length >= expected && now === last) || Date.now() > deadline)
      return data.map((s) => ({
        sessionId: s.session_id,
        verdict: s.verdict,
        rationale: s.rationale,
        user: s.user,
        link: s.link,
        source: s.source,
        agent: s.agent,
      }));
    last = now;
    await sleep(1_500);
  }
}

async function timeline(key: string, sessionId: string): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  let cursor: string | null = null;
  do {
    const page: { data: TimelineEvent[]; next_cursor: string | null } = await api(
      key,
      `/v1/sessions/${encodeURIComponent(sessionId)}/events?limit=500${cursor ? `&cursor=${cursor}` : ''}`,
    );
    events.push(...page.data);
    cursor = page.next_cursor;
  } while (cursor);
  return events;
}

/**
 * The runs write machine-wide settings (/etc/claude-code, /etc/gemini-cli) where a fleet would: only ever into
 * the private copy of /etc that main.ts mounts over it in the runs' namespace.
 */
function assertPrivateEtc(): void {
  const etc = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' '))
    .find((f) => f[4] === '/etc');
  if (!etc || !etc.slice(6).includes('overlay'))
    throw new Error('/etc is not a private overlay: run.ts runs only inside the namespace main.ts makes');
}

/**
 * Writes the harness's files, then each printed snippet where it goes. Returns the snippets' environment and
 * every file written, to be removed after the run.
 */
function configure(agent: ConformanceAgent, printed: string, files: Record<string, string>, dirs: RunDirsOf) {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  const env: Record<string, string> = {};
  const written = Object.keys(files);
  const snippets = printedSnippets(printed);
  if (!snippets.length) throw new Error('agent-config printed no snippet');
  for (const snippet of snippets) {
    const place = agent.place(snippet, dirs);
    if (place.env) Object.assign(env, place.env);
    if (!place.file) continue;
    mkdirSync(dirname(place.file), { recursive: true });
    // A JSON snippet joins the settings already there (the hooks beside the harness's auth settings).
    if (existsSync(place.file) && snippet.language === 'json')
      writeFileSync(
        place.file,
        `${JSON.stringify({ ...JSON.parse(readFileSync(place.file, 'utf8')), ...JSON.parse(snippet.text) }, null, 2)}\n`,
      );
    else if (existsSync(place.file)) appendFileSync(place.file, `\n${snippet.text}\n`);
    else writeFileSync(place.file, `${snippet.text}\n`);
    written.push(place.file);
  }
  return { env, written };
}
type RunDirsOf = ReturnType<typeof makeRunDirs>;

async function runOne(
  plan: Plan,
  run: PlannedRun,
  creds: Credentials,
  model: ModelServer,
): Promise<RunResult> {
  const agent = CONFORMANCE_AGENTS.find((a) => a.id === run.agent)!;
  const scenario = SCENARIOS.find((s) => s.id === run.scenario)!;
  const dirs = makeRunDirs(join(plan.workDir, run.name));
  const started = Date.now();
  const before = await ingestCounts();

  const endpoint = `http://127.0.0.1:${run.protocol === 'grpc' ? PORTS.grpc : PORTS.http}`;
  const config = spawnSync(
    process.execPath,
    [
      WARDEN,
      'agent-config',
      agent.id,
      '--endpoint',
      endpoint,
      '--token',
      creds.token,
      '--protocol',
      run.protocol,
      ...(run.identity === 'fleet' ? ['--user', PERSON.fleet] : []),
      // The hook asks this Warden, or (unreachable) a port nothing listens on: its fail mode decides.
      ...(scenario.hook
        ? ['--review', `http://127.0.0.1:${scenario.hook === 'reachable' ? PORTS.api : CLOSED_PORT}`]
        : []),
    ],
    { encoding: 'utf8' },
  );
  writeFileSync(join(dirs.root, 'agent-config.txt'), config.stdout + config.stderr);
  if (config.status !== 0)
    throw new Error(`warden agent-config ${agent.id}: ${config.stdout}${config.stderr}`);

  const apiKey = `model-${run.name}-${hex()}`;
  const steps = scenario.steps.map((s) => agent.call(s.action, dirs, s.escalate === true));
  model.script(apiKey, {
    calls: steps,
    final: 'Done.',
    ...(scenario.denyLast
      ? {
          review: { outcome: 'deny' as const, rationale: 'It uploads the .env secrets to an external host.' },
        }
      : {}),
  });
  const launch = agent.launch({ dirs, scenario, modelUrl: model.url, apiKey }, plan.programs[agent.id]!);
  const configured = configure(agent, config.stdout, launch.files, dirs);
  const env = { ...launch.env, ...configured.env };

  const out = openSync(join(dirs.root, 'agent-output.txt'), 'w');
  const child = spawn(launch.args[0]!, launch.args.slice(1), {
    cwd: dirs.workspace,
    env,
    stdio: ['ignore', out, out],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), AGENT_TIMEOUT_MS);
  const exitCode = await new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  clearTimeout(killer);
  // The next run starts from a machine without this run's settings.
  for (const file of configured.written) if (!file.startsWith(dirs.root)) rmSync(file, { force: true });
  writeFileSync(join(dirs.root, 'model-requests.txt'), model.requests(apiKey).join('\n'));

  const expectedSessions = agent.id === 'codex' && scenario.denyLast ? 2 : 1;
  const sessions = await settledSessions(creds.apiKey, expectedSessions);
  const own = sessions.filter((s) => !s.link);
  const events = own.length === 1 ? await timeline(creds.apiKey, own[0]!.sessionId) : [];
  writeFileSync(join(dirs.root, 'timeline.json'), JSON.stringify(events, null, 2));
  const calls = toolCalls(events.map(fromTimeline));
  const after = await ingestCounts();
  const result: RunResult = {
    ...run,
    exitCode,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    sessions,
    calls,
    sees: {
      prompt: events.some((e) => e.kind === 'prompt' && e.prompt !== null),
      arguments: calls.length > 0 && calls.every((c) => c.target !== ''),
      output: events.some((e) => e.output !== null),
      exitStatus: calls.some((c) => c.exitCode !== undefined),
      decisions: calls.length > 0 && calls.every((c) => c.decision !== undefined),
      identity: own[0]?.user.identity_source ?? null,
    },
    failures: [],
    rejected: after.rejected - before.rejected,
  };
  result.failures = checkRun(agent, scenario, result, { sessions: expectedSessions, steps, person: PERSON });
  if (scenario.hook) {
    // Stopped before it ran: the command's side effect never happened, and the agent was told why.
    if (existsSync(join(dirs.workspace, HOOK_MARKER)))
      result.failures.push(`hook: the stopped command ran (${HOOK_MARKER} exists)`);
    if (!model.told(apiKey, 'Warden:'))
      result.failures.push("hook: the agent's model never saw Warden's reason");
  }
  if (scenario.knownGap && result.failures.every((f) => f.startsWith('verdict'))) {
    result.knownGap = scenario.knownGap;
    result.failures = [];
  }
  log('conformance run', {
    run: run.name,
    exitCode,
    seconds: result.seconds,
    verdict: own[0]?.verdict,
    failures: result.failures,
  });
  return result;
}

/** What each agent version sent, merged over the runs' workspaces. */
async function telemetryShapes(keys: string[], sinceMs: number): Promise<TelemetryShape[]> {
  const merged = new Map<string, TelemetryShape>();
  for (const key of keys) {
    const { data } = await api<{ data: TelemetryShape[] }>(
      key,
      `/v1/telemetry?start_time=${new Date(sinceMs).toISOString()}`,
    );
    for (const t of data) {
      const id = `${t.agent}\u0000${t.agent_version}\u0000${t.source_event}`;
      const seen = merged.get(id);
      merged.set(id, {
        agent: t.agent,
        agent_version: t.agent_version,
        source_event: t.source_event,
        attribute_keys: [...new Set([...(seen?.attribute_keys ?? []), ...t.attribute_keys])].sort(),
      });
    }
  }
  return [...merged.values()].sort((a, b) =>
    `${a.agent} ${a.source_event}`.localeCompare(`${b.agent} ${b.source_event}`),
  );
}

async function main() {
  const [planFile, resultsFile] = process.argv.slice(2);
  if (!planFile || !resultsFile) throw new Error('usage: run.ts PLAN.json RESULTS.json');
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as Plan;
  assertPrivateEtc();
  const creds: Credentials[] = plan.runs.map((r, i) => ({
    workspace: `conformance-${i}`,
    token: `tok-conformance-${i}-${hex()}`,
    apiKey: `key-conformance-${i}-${hex()}`,
  }));
  const since = Date.now() - 60_000;
  const wardenLog = openSync(join(plan.workDir, 'warden.log'), 'w');
  const warden = spawn(process.execPath, [WARDEN, 'start'], {
    cwd: REPO,
    env: {
      ...process.env,
      WARDEN_DATA_DIR: join(plan.workDir, 'warden-data'),
      WARDEN_INGEST_TOKENS: plan.runs
        .map(
          (r, i) =>
            `${creds[i]!.token}=${creds[i]!.workspace}${r.identity === 'ingest-token' ? `:${PERSON.token}` : ''}`,
        )
        .join(','),
      WARDEN_API_KEYS: creds.map((c) => `${c.apiKey}=${c.workspace}:admin`).join(','),
      WARDEN_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', wardenLog, wardenLog],
  });
  const model = await startModelServer();
  const results: RunResult[] = [];
  try {
    await waitReady(`http://127.0.0.1:${PORTS.api}/readyz`, 120_000);
    await waitReady(`http://127.0.0.1:${PORTS.http}/readyz`, 30_000);
    log('warden ready', { runs: plan.runs.length });
    for (const [i, run] of plan.runs.entries()) {
      log('conformance run starting', { run: run.name, of: `${i + 1}/${plan.runs.length}` });
      results.push(await runOne(plan, run, creds[i]!, model));
    }
    const output: ConformanceResults = {
      date: new Date().toISOString(),
      versions: Object.fromEntries(plan.runs.map((r) => [r.agent, r.version])),
      runs: results,
      shapes: await telemetryShapes(
        creds.map((c) => c.apiKey),
        since,
      ),
    };
    writeFileSync(resultsFile, `${JSON.stringify(output, null, 2)}\n`);
  } finally {
    await model.close();
    warden.kill('SIGTERM');
    await new Promise((r) => warden.once('exit', r));
  }
}

await main();
