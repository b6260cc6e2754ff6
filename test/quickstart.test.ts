/**
 * The README's first minute, as processes: `warden start` (the embedded default, nothing configured), then
 * `warden demo` and `warden status` against it reading the token and key it wrote, and the console page.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface Running {
  child: ChildProcess;
  otlpHttp: string;
  api: string;
}

/** `env` for a child: this process' environment without any Warden or Kafka setting, plus `extra`. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] => e[1] !== undefined && !/^(WARDEN_|KAFKA_|CLICKHOUSE_|OPENAI_)/.test(e[0]),
    ),
  );
  return { ...env, ...extra };
}

function startWarden(dataDir: string): Promise<Running> {
  const child = spawn(process.execPath, ['bin/warden.js', 'start'], {
    env: cleanEnv({
      WARDEN_DATA_DIR: dataDir,
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      WARDEN_API_PORT: '0',
      WARDEN_HEALTH_INTERVAL_MS: '1000',
    }),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let otlpHttp = '';
    let api = '';
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; otlpHttp?: string; api?: string };
      if (entry.msg === 'collector ready') otlpHttp = entry.otlpHttp!;
      if (entry.msg === 'api ready') api = entry.api!;
      if (entry.msg === 'warden is running') resolve({ child, otlpHttp, api });
    });
    child.once('exit', (code) => reject(new Error(`warden start exited early with ${code}`)));
  });
}

function run(
  args: string[],
  dataDir: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['bin/warden.js', ...args], {
    env: cleanEnv({ WARDEN_DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('first minute with the embedded default', () => {
  let dataDir: string;
  let warden: Running;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'warden-quickstart-'));
    warden = await startWarden(dataDir);
  });
  afterAll(() => {
    warden?.child.kill('SIGKILL');
  });

  it('`warden demo` judges its three sessions with the local token and key, and `warden status` shows them', async () => {
    const demo = await run(['demo', '--otlp', warden.otlpHttp, '--api', warden.api], dataDir);
    expect(demo.stderr).toContain('3/3 sessions judged');
    expect(demo.code).toBe(0);
    for (const verdict of ['BENIGN', 'MISTAKE', 'ESCALATION'])
      expect(demo.stdout).toMatch(new RegExp(`^${verdict} `, 'm'));
    expect(demo.stdout).toContain(`${warden.api}/console/#/sessions/`);

    // The triage worker reports every second here; wait for a report after the demo's batches.
    await new Promise((r) => setTimeout(r, 1_500));
    const status = await run(['status', '--api', warden.api], dataDir);
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('workspace default');
    expect(status.stdout).toMatch(/consumer group lag 0 messages, 1 triage worker/);
    expect(status.stdout).toMatch(/3 open \(2 flagged\), 3 in all/);
    expect(status.stdout).toMatch(/ESCALATION +\d+ +(high|critical)/);
  });

  it('serves the console and stops cleanly on SIGTERM', async () => {
    const page = await fetch(`${warden.api}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('<title>Warden triage console</title>');
    const exited = new Promise<number | null>((resolve) => warden.child.once('exit', resolve));
    warden.child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
