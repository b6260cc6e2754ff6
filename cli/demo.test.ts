import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareExport } from '../collector/prepare.ts';
import { decodeAgentEventBatch, type AgentEvent } from '../schemas/agent-event.ts';
import { keyedFingerprint } from '../schemas/secrets.ts';
import { compareEvents, evaluateSession } from '../triage/engine.ts';
import { loadRulePacks } from '../triage/rules/pack.ts';
import { consoleLink, demoCommand, parseDemoArgs, wrap } from './demo.ts';
import { demoSessions } from './demo-sessions.ts';

function captureIo() {
  const io = { stdout: '', stderr: '' };
  return {
    io,
    sink: { out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) },
  };
}

describe('parseDemoArgs', () => {
  it('defaults to the embedded Warden and the environment', () => {
    expect(parseDemoArgs([], {})).toEqual({
      otlp: 'http://127.0.0.1:4318',
      api: 'http://127.0.0.1:8080',
      token: undefined,
      apiKey: undefined,
      timeoutMs: 60_000,
      dataDir: '.warden',
    });
    expect(
      parseDemoArgs([], { WARDEN_INGEST_TOKEN: 'tok', WARDEN_API_KEY: 'key', WARDEN_DATA_DIR: '/d' }),
    ).toMatchObject({ token: 'tok', apiKey: 'key', dataDir: '/d' });
    // Empty variables mean unset, as everywhere in Warden's configuration.
    expect(parseDemoArgs([], { WARDEN_INGEST_TOKEN: '', WARDEN_DATA_DIR: '' })).toMatchObject({
      token: undefined,
      dataDir: '.warden',
    });
  });

  it('takes flags as `--flag value` and `--flag=value`, over the environment', () => {
    const args = parseDemoArgs(
      [
        '--otlp',
        'https://otel.example.com:4318/v1/logs',
        '--api=http://warden.internal:9000/',
        '--token=t=with=equals',
        '--api-key',
        'k',
        '--timeout',
        '2.5',
      ],
      { WARDEN_INGEST_TOKEN: 'env-token', WARDEN_API_KEY: 'env-key' },
    );
    expect(args).toEqual({
      otlp: 'https://otel.example.com:4318',
      api: 'http://warden.internal:9000',
      token: 't=with=equals',
      apiKey: 'k',
      timeoutMs: 2_500,
      dataDir: '.warden',
    });
    expect(parseDemoArgs(['--api', 'http://h:1/v1'], {})).toMatchObject({ api: 'http://h:1' });
  });

  it('answers help', () => {
    expect(parseDemoArgs(['--help'], {})).toBe('help');
    expect(parseDemoArgs(['--timeout', '5', '-h'], {})).toBe('help');
  });

  it.each([
    [['--bogus'], /unknown option --bogus/],
    [['start'], /unexpected argument "start"/],
    [['--token'], /--token needs a value/],
    [['--token', '--api-key', 'k'], /--token needs a value/],
    [['--api='], /--api needs a value/],
    [['--otlp', 'localhost:4318'], /--otlp: must be http\(s\)/],
    [['--otlp', 'not a url'], /--otlp: not a URL/],
    [['--api', 'http://h:8080/?x=1'], /without \?query/],
    [['--timeout', '0'], /--timeout: seconds/],
    [['--timeout', 'soon'], /--timeout: seconds/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDemoArgs(argv, {})).toThrow(message);
  });
});

describe('wrap', () => {
  it('wraps words under the width with an indent', () => {
    const text = wrap('one two three four five six seven', 14, '  ');
    expect(text).toBe('  one two\n  three four\n  five six\n  seven');
    expect(wrap('a-very-long-word-that-cannot-break', 10, ' ')).toBe(' a-very-long-word-that-cannot-break');
  });
});

/** Intake as the embedded default runs it: 90 days of retention, secrets masked. */
const INTAKE = {
  retentionDays: 90,
  nowMs: Date.now(),
  text: { fingerprint: keyedFingerprint('demo-test-key-0123456789abcdef0123') },
};

describe('demoSessions', () => {
  it('are in the vendors’ shapes the collector accepts, one session each, 5–12 events', () => {
    const sessions = demoSessions();
    expect(sessions.map((s) => [s.agent, s.expected])).toEqual([
      ['Gemini CLI', 'benign'],
      ['Claude Code', 'mistake'],
      ['Codex', 'escalation'],
    ]);
    for (const s of sessions) {
      const prepared = prepareExport(
        'logs',
        Buffer.from(JSON.stringify(s.body)),
        'json',
        { workspace: 'default' },
        INTAKE,
      );
      expect(prepared.reasons).toEqual([]);
      expect(prepared.accepted).toBe(s.records);
      expect(s.records).toBeGreaterThanOrEqual(5);
      expect(s.records).toBeLessThanOrEqual(12);
      const events = prepared.messages.flatMap((m) => decodeAgentEventBatch(m.value));
      expect(new Set(events.map((e) => e.sessionId))).toEqual(new Set([s.sessionId]));
      expect(new Set(events.map((e) => e.source))).toEqual(
        new Set([{ Codex: 'codex', 'Claude Code': 'claude_code', 'Gemini CLI': 'gemini_cli' }[s.agent]]),
      );
      expect(events.some((e) => e.kind === 'tool_result' && e.tool?.arguments)).toBe(true);
      expect(events.some((e) => e.kind === 'prompt' && e.prompt && !e.prompt.redacted)).toBe(true);
    }
  });

  it('get fresh ids and recent timestamps on every build', () => {
    const now = Date.now();
    const a = demoSessions({ nowMs: now });
    const b = demoSessions({ nowMs: now });
    const ids = [...a, ...b].map((s) => s.sessionId);
    expect(new Set(ids).size).toBe(6);
    for (const s of a) {
      const times = s.body.resourceLogs[0]!.scopeLogs[0]!.logRecords.map((r) =>
        Number(BigInt(r.timeUnixNano) / 1_000_000n),
      );
      expect(Math.min(...times)).toBeGreaterThan(now - 120_000);
      expect(Math.max(...times)).toBeLessThan(now);
      expect(times).toEqual([...times].sort((x, y) => x - y));
    }
  });

  it('get their intended verdicts from the triage engine', async () => {
    const pack = await loadRulePacks();
    for (const s of demoSessions()) {
      const prepared = prepareExport(
        'logs',
        Buffer.from(JSON.stringify(s.body)),
        'json',
        { workspace: 'default' },
        INTAKE,
      );
      const events: AgentEvent[] = prepared.messages.flatMap((m) => decodeAgentEventBatch(m.value));
      const assessment = await evaluateSession('default', events.sort(compareEvents), { pack });
      expect({ agent: s.agent, verdict: assessment.verdict }).toEqual({
        agent: s.agent,
        verdict: s.expected,
      });
    }
  });
});

/** A stand-in Warden on one port: collector `/v1/logs` and API `/v1/sessions/{id}`, behaviour per test. */
interface FakeWarden {
  url: string;
  posts: { auth?: string; body: string }[];
  gets: { auth?: string; path: string }[];
  close(): Promise<void>;
}

async function fakeWarden(
  handle: (req: IncomingMessage, body: string, res: ServerResponse, fake: FakeWarden) => void,
): Promise<FakeWarden> {
  const fake: FakeWarden = { url: '', posts: [], gets: [], close: async () => {} };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'POST') fake.posts.push({ auth: req.headers.authorization, body });
      else fake.gets.push({ auth: req.headers.authorization, path: req.url ?? '' });
      handle(req, body, res, fake);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

/** Judges each posted session as `verdictFor` says once it was posted; 404 before. */
function judging(verdictFor: (agentSessionIndex: number) => string) {
  const posted = new Map<string, { index: number; records: number }>();
  return (req: IncomingMessage, body: string, res: ServerResponse) => {
    if (req.method === 'POST') {
      const request = JSON.parse(body) as {
        resourceLogs: {
          scopeLogs: { logRecords: { attributes: { key: string; value: { stringValue?: string } }[] }[] }[];
        }[];
      };
      const records = request.resourceLogs[0]!.scopeLogs[0]!.logRecords;
      const attrs = records[0]!.attributes;
      const id = attrs.find((a) => a.key === 'session.id' || a.key === 'conversation.id')!.value.stringValue!;
      posted.set(id, { index: posted.size, records: records.length });
      return sendJson(res, 200, {});
    }
    const id = decodeURIComponent((req.url ?? '').replace('/v1/sessions/', ''));
    const session = posted.get(id);
    if (!session) return sendJson(res, 404, { title: 'Not Found', status: 404, detail: `no session ${id}` });
    sendJson(res, 200, {
      session_id: id,
      verdict: verdictFor(session.index),
      score: 50,
      severity: 'medium',
      title: 'A title',
      rationale: 'Because.',
      techniques: ['T1485'],
      event_count: session.records,
      state: 'open',
    });
  };
}

describe('demoCommand', () => {
  const open: FakeWarden[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((f) => f.close()));
  });
  const start = async (handle: Parameters<typeof fakeWarden>[0]) => {
    const fake = await fakeWarden(handle);
    open.push(fake);
    return fake;
  };
  const secrets = { WARDEN_INGEST_TOKEN: 'tok-0123456789abcdef', WARDEN_API_KEY: 'key-0123456789' };

  it('prints help on stdout', async () => {
    const { io, sink } = captureIo();
    expect(await demoCommand(['--help'], {}, sink)).toBe(0);
    expect(io.stdout).toMatch(/^usage: warden demo/);
  });

  it('exits 2 with usage on bad arguments', async () => {
    const { io, sink } = captureIo();
    expect(await demoCommand(['--timeout', '-1'], {}, sink)).toBe(2);
    expect(io.stderr).toMatch(/--timeout: seconds[\s\S]*usage: warden demo/);
    expect(io.stdout).toBe('');
  });

  it('says where the token and key come from when there are none', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-demo-'));
    const { io, sink } = captureIo();
    expect(await demoCommand([], { WARDEN_DATA_DIR: dir }, sink)).toBe(1);
    expect(io.stderr).toContain('no ingest token: pass --token or set WARDEN_INGEST_TOKEN');
    expect(io.stderr).toContain(join(dir, 'ingest-token'));
  });

  it('reads the local token and key that `warden start` writes, and replays every session', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-demo-'));
    await writeFile(join(dir, 'ingest-token'), 'wdn_local_token\n');
    await writeFile(join(dir, 'api-key'), 'wdnk_local_key\n');
    const expected = ['benign', 'mistake', 'escalation'];
    const fake = await start(judging((i) => expected[i]!));
    const { io, sink } = captureIo();
    const code = await demoCommand(['--otlp', fake.url, '--api', fake.url], { WARDEN_DATA_DIR: dir }, sink);
    expect(io.stderr).not.toContain('✗');
    expect(code).toBe(0);
    expect(fake.posts).toHaveLength(3);
    expect(fake.posts.every((p) => p.auth === 'Bearer wdn_local_token')).toBe(true);
    expect(fake.gets.every((g) => g.auth === 'Bearer wdnk_local_key')).toBe(true);
    for (const verdict of ['BENIGN', 'MISTAKE', 'ESCALATION'])
      expect(io.stdout).toContain(`${verdict}  score 50`);
    for (const id of fake.gets.slice(1).map((g) => decodeURIComponent(g.path.replace('/v1/sessions/', '')))) {
      expect(io.stdout).toContain(consoleLink(fake.url, id));
    }
    expect(io.stdout).toMatch(/3 sessions judged in \d+\.\d s\n$/);
    expect(io.stderr).toMatch(/waiting for triage: 3\/3 sessions judged/);
  });

  it('fails, naming the session, when a verdict is not the intended one', async () => {
    const fake = await start(judging(() => 'benign'));
    const { io, sink } = captureIo();
    expect(await demoCommand(['--otlp', fake.url, '--api', fake.url], secrets, sink)).toBe(1);
    expect(io.stdout).toContain('✗ meant to be MISTAKE');
    expect(io.stderr).toContain('2 of 3 verdicts differ from what the demo sessions are meant to show');
    expect(io.stderr).toContain('Claude Code judged BENIGN, meant to be MISTAKE');
    expect(io.stderr).toContain('Codex judged BENIGN, meant to be ESCALATION');
  });

  it('fails fast when nothing listens', async () => {
    const fake = await start(() => {});
    const url = fake.url;
    await open.pop()!.close();
    const { io, sink } = captureIo();
    // A verdict timeout far beyond the test's limit: only failing on the refused connection ends it in time.
    expect(await demoCommand(['--otlp', url, '--api', url, '--timeout', '600'], secrets, sink)).toBe(1);
    expect(io.stderr).toContain('Warden is not running');
    expect(io.stderr).toContain('Start it with `npm start`');
  });

  it('explains a refused API key before sending anything', async () => {
    const fake = await start((_req, _body, res) =>
      sendJson(res, 401, { title: 'Unauthorized', status: 401, detail: 'missing or unknown API key' }),
    );
    const { io, sink } = captureIo();
    expect(await demoCommand(['--otlp', fake.url, '--api', fake.url], secrets, sink)).toBe(1);
    expect(io.stderr).toContain('refused the API key (401: missing or unknown API key)');
    expect(io.stderr).toContain('--api-key');
    expect(fake.posts).toHaveLength(0);
  });

  it('explains a refused ingest token', async () => {
    const fake = await start((req, _body, res) =>
      req.method === 'POST'
        ? sendJson(res, 401, { code: 16, message: 'missing or unknown ingest token' })
        : sendJson(res, 404, { detail: 'no session' }),
    );
    const { io, sink } = captureIo();
    expect(await demoCommand(['--otlp', fake.url, '--api', fake.url], secrets, sink)).toBe(1);
    expect(io.stderr).toContain('refused the ingest token (401: missing or unknown ingest token)');
    expect(io.stderr).toContain('--token');
  });

  it('times out when triage never stores the sessions', async () => {
    const fake = await start((req, _body, res) =>
      req.method === 'POST' ? sendJson(res, 200, {}) : sendJson(res, 404, { detail: 'no session' }),
    );
    const { io, sink } = captureIo();
    expect(
      await demoCommand(['--otlp', fake.url, '--api', fake.url, '--timeout', '0.6'], secrets, sink),
    ).toBe(1);
    expect(io.stderr).toContain('timed out after 0.6 s waiting for triage: 0 of 3 sessions judged');
    expect(io.stderr).toContain('is triage running');
  });

  it('updates one progress line in place on a terminal', async () => {
    const expected = ['benign', 'mistake', 'escalation'];
    const fake = await start(judging((i) => expected[i]!));
    const { io, sink } = captureIo();
    expect(
      await demoCommand(['--otlp', fake.url, '--api', fake.url], secrets, { ...sink, errIsTTY: true }),
    ).toBe(0);
    expect(io.stderr).toContain('\r\x1b[2Kwaiting for triage');
    expect(io.stderr.endsWith('\r\x1b[2K')).toBe(true);
  });

  it('links each session in the console', () => {
    expect(consoleLink('http://127.0.0.1:8080', 'a b/c')).toBe(
      'http://127.0.0.1:8080/console/#/sessions/a%20b%2Fc',
    );
  });
});
