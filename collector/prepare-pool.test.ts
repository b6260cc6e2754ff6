import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeJsonRequestAsProtobuf } from './otlp/proto.ts';
import { DecodeError } from './otlp/decode.ts';
import { byteBudget, inlinePreparer, startPreparePool } from './prepare-pool.ts';

const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
const principal = { workspace: 'acme' };
const nowMs = Date.now();
const body = encodeJsonRequestAsProtobuf('logs', {
  resourceLogs: [
    {
      resource: { attributes: [s('service.name', 'codex_cli_rs')] },
      scopeLogs: [
        {
          scope: { name: 'codex_otel.log_only' },
          logRecords: [0, 1, 2].map((i) => ({
            timeUnixNano: String(BigInt(nowMs - 1_000 + i) * 1_000_000n),
            attributes: [
              s('event.name', 'codex.tool_result'),
              s('conversation.id', 'c-1'),
              s('tool_name', 'shell'),
              s('call_id', `call_${i}`),
              s(
                'arguments',
                JSON.stringify({
                  command: ['bash', '-lc', 'export TOKEN=ghp_0123456789abcdefghijklmnopqrstuvwxyzAB'],
                }),
              ),
              s('output', 'ok'),
            ],
          })),
        },
      ],
    },
  ],
});
const settings = { retentionDays: 30, fingerprintKey: 'k'.repeat(32) };

describe('prepare pool', () => {
  const pool = startPreparePool(1, settings, pino({ level: 'silent' }));
  afterAll(() => pool.close());

  it('prepares on a worker thread exactly what the receivers’ thread would', async () => {
    const { keyedFingerprint } = await import('../schemas/secrets.ts');
    const inline = inlinePreparer({
      retentionDays: settings.retentionDays,
      text: { fingerprint: keyedFingerprint(settings.fingerprintKey) },
    });
    const [a, b] = await Promise.all([
      pool.prepare('logs', body, 'protobuf', principal, nowMs),
      inline.prepare('logs', body, 'protobuf', principal, nowMs),
    ]);
    expect(a.accepted).toBe(3);
    expect(a.text.masked).toBeGreaterThan(0);
    expect(a).toEqual(b);
    expect(Buffer.isBuffer(a.messages[0]!.value)).toBe(true);
  });

  it('hands back large messages (moved, not copied) intact', async () => {
    const large = encodeJsonRequestAsProtobuf('logs', {
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: [0, 1].map((i) => ({
                timeUnixNano: String(BigInt(nowMs) * 1_000_000n),
                attributes: [
                  s('event.name', 'codex.tool_result'),
                  s('conversation.id', `c-${i}`),
                  s('tool_name', 'shell'),
                  s('call_id', `call_${i}`),
                  s('output', `${i}`.repeat(20_000)),
                ],
              })),
            },
          ],
        },
      ],
    });
    const prepared = await pool.prepare('logs', large, 'protobuf', principal, nowMs);
    const outputs = prepared.messages.map(
      (m) => JSON.parse(m.value.toString('utf8')).events[0].result.output,
    );
    expect(outputs.sort()).toEqual(['0'.repeat(20_000), '1'.repeat(20_000)]);
  });

  it('prepares large bodies one after another, ordinary ones side by side', async () => {
    const budget = byteBudget(16);
    const order: string[] = [];
    await budget.take(10);
    const second = budget.take(10).then(() => order.push('second'));
    const third = budget.take(4).then(() => order.push('third')); // first come, first served
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.release(10);
    await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
    budget.release(10);
    budget.release(4);
    await budget.take(100); // larger than the budget: admitted alone
  });

  it('passes an undecodable body back as the same DecodeError', async () => {
    await expect(
      pool.prepare('logs', Buffer.from([0x0a, 0xff, 0xff, 0xff]), 'protobuf', principal, nowMs),
    ).rejects.toBeInstanceOf(DecodeError);
  });

  it('fails the requests of a worker that died, and replaces it', async () => {
    // A worker module that dies on every request: each request fails (the exporter retries it) and the
    // next one goes to a new worker instead of waiting forever.
    const dying = startPreparePool(
      1,
      settings,
      pino({ level: 'silent' }),
      new URL('../test/fixtures/dying-worker.ts', import.meta.url).href,
    );
    try {
      for (let i = 0; i < 2; i++)
        await expect(dying.prepare('logs', body, 'protobuf', principal, nowMs)).rejects.toThrow(
          /prepare worker stopped/,
        );
    } finally {
      await dying.close();
    }
  });
});
