/**
 * `warden start` against Kafka, killed and started again: the API answers before the restarted worker has
 * rejoined its consumer group (which waits for the dead member's session to expire), the restart logs no
 * errors and no warning a healthy start should not have, and triage resumes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { postOtlp, uniqueName, waitFor } from './helpers/pipeline.ts';

interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

interface Started {
  child: ChildProcess;
  lines: LogLine[];
  otlpHttp: string;
  api: string;
}

function startWarden(dataDir: string, topic: string, group: string): Promise<Started> {
  const child = spawn(process.execPath, ['bin/warden.js', 'start'], {
    env: {
      ...process.env,
      WARDEN_DATA_DIR: dataDir,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      WARDEN_KAFKA_TOPIC: topic,
      WARDEN_KAFKA_PARTITIONS: '2',
      WARDEN_TRIAGE_GROUP: group,
      WARDEN_OTLP_GRPC_PORT: '0',
      WARDEN_OTLP_HTTP_PORT: '0',
      WARDEN_API_PORT: '0',
      WARDEN_LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: LogLine[] = [];
  return new Promise((resolve, reject) => {
    let otlpHttp = '';
    let api = '';
    createInterface({ input: child.stdout! }).on('line', (text) => {
      const line = JSON.parse(text) as LogLine;
      lines.push(line);
      if (line.msg === 'collector ready') otlpHttp = String(line.otlpHttp);
      if (line.msg === 'api ready') api = String(line.api);
      if (line.msg === 'warden is running') resolve({ child, lines, otlpHttp, api });
    });
    child.once('exit', (code) => reject(new Error(`warden start exited early with ${code}`)));
  });
}

const prompt = (session: string) =>
  JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
        scopeLogs: [
          {
            logRecords: [
              {
                timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                attributes: [
                  { key: 'event.name', value: { stringValue: 'codex.user_prompt' } },
                  { key: 'conversation.id', value: { stringValue: session } },
                  { key: 'prompt', value: { stringValue: 'run the tests' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });

describe('warden start on Kafka', () => {
  const running: ChildProcess[] = [];
  afterEach(() => {
    for (const c of running.splice(0)) c.kill('SIGKILL');
  });

  it('answers on the API before a restarted worker rejoins its group, logs no errors, and resumes triage', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'warden-kafka-restart-'));
    const topic = uniqueName('warden-restart');
    const group = uniqueName('triage');
    const first = await startWarden(dataDir, topic, group);
    running.push(first.child);
    await waitFor(() => first.lines.find((l) => l.msg === 'joined consumer group'), 30_000, 'the first join');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await startWarden(dataDir, topic, group);
    running.push(second.child);
    // The API is up as soon as the process says it runs; the group join is still waiting for the dead member.
    const health = await fetch(`${second.api}/healthz`);
    expect(health.status).toBe(200);
    const order = () => second.lines.map((l) => l.msg);
    expect(order()).toContain('api ready');
    expect(order()).not.toContain('joined consumer group');
    await waitFor(() => second.lines.find((l) => l.msg === 'joined consumer group'), 30_000, 'the rejoin');

    // Triage resumes: a new export gets its session judged.
    const token = (await readFile(join(dataDir, 'ingest-token'), 'utf8')).trim();
    const key = (await readFile(join(dataDir, 'api-key'), 'utf8')).trim();
    const session = uniqueName('after-restart');
    const res = await postOtlp(Number(new URL(second.otlpHttp).port), '/v1/logs', prompt(session), {
      authorization: `Bearer ${token}`,
    });
    expect(res.status).toBe(200);
    await waitFor(async () => {
      const r = await fetch(`${second.api}/v1/sessions/${session}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      return r.status === 200 ? true : undefined;
    }, 30_000);

    // Levels that mean what they say: nothing at error, and none of the warnings a healthy start used to log.
    for (const started of [first, second]) {
      expect(started.lines.filter((l) => l.level >= 50).map((l) => l.msg)).toEqual([]);
      expect(started.lines.filter((l) => l.level === 40).map((l) => l.msg)).toEqual([]);
    }
  });
});
