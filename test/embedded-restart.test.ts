import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { BusConfig, openBus } from '../bus/index.ts';
import { consumeEvents, postOtlp, testLogger } from './helpers/pipeline.ts';

interface Started {
  child: ChildProcess;
  httpPort: number;
}

/** Runs `warden start` (the embedded default) as its own process and waits for its "running" log line. */
function startWarden(dataDir: string): Promise<Started> {
  const child = spawn(process.execPath, ['bin/warden.js', 'start'], {
    env: {
      ...process.env,
      WARDEN_DATA_DIR: dataDir,
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      KAFKA_BROKERS: '',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as { msg?: string; otlpHttp?: string };
      if (entry.msg === 'collector ready')
        resolve({ child, httpPort: Number(new URL(entry.otlpHttp!).port) });
    });
    child.once('exit', (code) => reject(new Error(`warden exited early with ${code}`)));
  });
}

/** Recent times: `warden start` keeps 90 days of events and refuses older ones. */
const T0 = BigInt(Date.now() - 60_000) * 1_000_000n;

const codexPrompt = (session: string, n: number) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: String(T0 + BigInt(n)),
                attributes: [
                  { key: 'event.name', value: { stringValue: 'codex.user_prompt' } },
                  { key: 'conversation.id', value: { stringValue: session } },
                  { key: 'prompt', value: { stringValue: `prompt number ${n}` } },
                  { key: 'prompt_length', value: { stringValue: '15' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });

describe('embedded default', () => {
  let running: ChildProcess | undefined;
  afterEach(() => {
    running?.kill('SIGKILL');
  });

  it('delivers every export acknowledged before a crash after the restart', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'warden-embedded-'));
    const first = await startWarden(dataDir);
    running = first.child;
    const token = (await readFile(join(dataDir, 'ingest-token'), 'utf8')).trim();
    const acked: number[] = [];
    for (let n = 0; n < 25; n++) {
      const res = await postOtlp(first.httpPort, '/v1/logs', codexPrompt('crash-session', n), {
        authorization: `Bearer ${token}`,
      });
      if (res.status === 200) acked.push(n);
    }
    expect(acked).toHaveLength(25);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    // The same token works after the restart, and new exports are appended behind the old ones.
    const second = await startWarden(dataDir);
    running = second.child;
    expect(
      (
        await postOtlp(second.httpPort, '/v1/logs', codexPrompt('crash-session', 99), {
          authorization: `Bearer ${token}`,
        })
      ).status,
    ).toBe(200);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
    running = undefined;

    const bus = await openBus(BusConfig.parse({ WARDEN_DATA_DIR: dataDir }), testLogger);
    const events = await consumeEvents(bus, (e) => e.length >= 26);
    await bus.close();
    expect(events.map((e) => e.prompt?.text)).toEqual([...acked, 99].map((n) => `prompt number ${n}`));
    expect(
      events.every((e) => e.workspace === 'default' && e.source === 'codex' && e.kind === 'prompt'),
    ).toBe(true);
  });
});
