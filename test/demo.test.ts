/**
 * `warden demo` against the real pipeline: OTLP/HTTP → collector → Kafka → triage → chDB → API, as the
 * demo reaches a running Warden (flags pointing at this process' instances).
 */
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bus } from '../bus/index.ts';
import { consoleLink, demoCommand } from '../cli/demo.ts';
import { statusCommand, type StatusView } from '../cli/status.ts';
import type { Store } from '../store/index.ts';
import { TOKENS, openKafkaBus } from './helpers/pipeline.ts';
import { API_KEYS, getSession, openTestStore, startTestWarden, type TestWarden } from './helpers/warden.ts';

function captureIo() {
  const io = { stdout: '', stderr: '' };
  return {
    io,
    sink: { out: (s: string) => void (io.stdout += s), err: (s: string) => void (io.stderr += s) },
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('warden demo through the real pipeline', () => {
  let bus: Bus;
  let store: Store;
  let warden: TestWarden;
  let flags: string[];

  beforeAll(async () => {
    bus = await openKafkaBus(inject('kafkaBrokers'));
    store = await openTestStore();
    warden = await startTestWarden(bus, store);
    flags = [
      '--otlp',
      `http://127.0.0.1:${warden.collector.httpPort}`,
      '--api',
      `http://127.0.0.1:${warden.api.port}`,
      '--token',
      TOKENS.acme,
      '--api-key',
      API_KEYS.acmeViewer,
    ];
  });
  afterAll(async () => {
    await warden?.close();
    await bus?.close();
    await store?.close();
  });

  it('replays its sessions and shows the intended verdicts with console links', async () => {
    const { io, sink } = captureIo();
    const code = await demoCommand([...flags, '--timeout', '45'], {}, sink);
    expect(io.stderr).not.toMatch(/✗|timed out|warden demo: (?!replaying)/);
    expect(code).toBe(0);

    const sent = [
      ...io.stderr.matchAll(/sent (Gemini CLI|Claude Code|Codex) session (\S+) \((\d+) events\)/g),
    ];
    expect(sent.map((m) => m[1])).toEqual(['Gemini CLI', 'Claude Code', 'Codex']);
    const intended = { 'Gemini CLI': 'benign', 'Claude Code': 'mistake', Codex: 'escalation' } as const;
    for (const [, agent, id, events] of sent) {
      const { status, body } = await getSession(warden.api.port, id!);
      expect(status).toBe(200);
      expect(body).toMatchObject({ workspace: 'acme', verdict: intended[agent as keyof typeof intended] });
      expect(body.event_count).toBe(Number(events));
      expect(io.stdout).toContain(consoleLink(`http://127.0.0.1:${warden.api.port}`, id!));
    }
    expect(io.stdout).toMatch(/^BENIGN {2}score \d+/m);
    expect(io.stdout).toMatch(/^MISTAKE {2}score \d+/m);
    expect(io.stdout).toMatch(/^ESCALATION {2}score \d+ {2}severity (high|critical)/m);
    expect(io.stdout).toContain('env-sync.devtools-cdn.workers.dev');
    expect(io.stdout).toMatch(/3 sessions judged in \d+\.\d s\n$/);
  });

  it('uses fresh session ids on every run', async () => {
    const runs = [captureIo(), captureIo()];
    for (const run of runs) expect(await demoCommand(flags, {}, run.sink)).toBe(0);
    const ids = runs.flatMap((r) => [...r.io.stderr.matchAll(/ session (\S+) \(/g)].map((m) => m[1]));
    expect(new Set(ids).size).toBe(6);
  });

  it('fails fast, saying Warden is not running, against a closed port', async () => {
    const port = await closedPort();
    const { io, sink } = captureIo();
    // A 10-minute verdict timeout: only failing on the refused connection ends this within the test's time.
    const code = await demoCommand(
      [
        ...flags,
        '--otlp',
        `http://127.0.0.1:${port}`,
        '--api',
        `http://127.0.0.1:${port}`,
        '--timeout',
        '600',
      ],
      {},
      sink,
    );
    expect(code).toBe(1);
    expect(io.stderr).toContain('Warden is not running');
    expect(io.stderr).toContain('npm start');
    expect(io.stdout).toBe('');
  });

  it('names the ingest token when the collector refuses it', async () => {
    const { io, sink } = captureIo();
    expect(await demoCommand([...flags, '--token', 'not-a-token-0123456789'], {}, sink)).toBe(1);
    expect(io.stderr).toMatch(/refused the ingest token \(401/);
  });

  it('is followed by `warden status` showing the worker, its lag, the sessions and the latest verdicts', async () => {
    await warden.triage.reportHealth();
    const { io, sink } = captureIo();
    const api = `http://127.0.0.1:${warden.api.port}`;
    expect(await statusCommand(['--api', api, '--api-key', API_KEYS.acmeAdmin], {}, sink)).toBe(0);
    expect(io.stderr).toBe('');
    expect(io.stdout).toContain(`Warden at ${api}, workspace acme`);
    expect(io.stdout).toMatch(/bus {8}consumer group lag 0 messages, 1 triage worker\n/);
    expect(io.stdout).toMatch(/sessions {3}\d+ open \([1-9]\d* flagged\)/);
    expect(io.stdout).toMatch(/ESCALATION +95 +critical +Sensitive data sent to env-sync/);
    const json = captureIo();
    expect(
      await statusCommand(['--api', api, '--api-key', API_KEYS.acmeAdmin, '--json'], {}, json.sink),
    ).toBe(0);
    const body = JSON.parse(json.io.stdout) as StatusView;
    expect(body.bus.workers[0]).toMatchObject({ bus: 'kafka', lag: 0 });
    expect(body.ingest.events_last_5m).toBeGreaterThanOrEqual(30);
    expect(body.store.bytes_on_disk).toBeGreaterThan(0);
    const refused = captureIo();
    expect(await statusCommand(['--api', api, '--api-key', 'not-a-key-0123456789'], {}, refused.sink)).toBe(
      1,
    );
    expect(refused.io.stderr).toContain('answered 401');
    const viewer = captureIo();
    expect(await statusCommand(['--api', api, '--api-key', API_KEYS.acmeViewer], {}, viewer.sink)).toBe(1);
    expect(viewer.io.stderr).toContain('answered 403: this needs the admin role');
  });
});
