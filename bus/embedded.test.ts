import { mkdtemp, readdir, appendFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { openEmbeddedBus } from './embedded.ts';
import type { Bus, DeliveredMessage } from './types.ts';

const logger = pino({ level: 'silent' });
const msg = (i: number) => ({ key: `ws/s${i % 3}`, value: Buffer.from(JSON.stringify({ i })) });

async function collect(bus: Bus, group: string, count: number): Promise<DeliveredMessage[]> {
  const got: DeliveredMessage[] = [];
  let done!: () => void;
  const all = new Promise<void>((r) => (done = r));
  const sub = await bus.subscribe(group, async (batch) => {
    got.push(...batch.messages);
    if (got.length >= count) done();
  });
  await all;
  await sub.close();
  return got;
}

describe('embedded bus', () => {
  it('delivers in order, commits after the handler, and resumes from the committed offset after reopening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-bus-'));
    const bus = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger, segmentBytes: 2_000 });
    await Promise.all([bus.publish([0, 1, 2].map(msg)), bus.publish([3, 4].map(msg))]);
    await bus.publish([5, 6, 7, 8, 9].map(msg));
    const first = await collect(bus, 'g', 10);
    expect(first.map((m) => JSON.parse(m.value.toString()).i).sort((a, b) => a - b)).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
    expect(first.map((m) => m.offset)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    await bus.publish([10, 11].map(msg));
    await bus.close();

    const reopened = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger, segmentBytes: 2_000 });
    const rest = await collect(reopened, 'g', 2);
    expect(rest.map((m) => JSON.parse(m.value.toString()).i)).toEqual([10, 11]);
    // A new group starts from the oldest kept message.
    const fresh = await collect(reopened, 'other', 12);
    expect(fresh.length).toBeGreaterThanOrEqual(2);
    await reopened.close();
  });

  it('redelivers a batch whose handler failed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-bus-'));
    const bus = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger });
    await bus.publish([msg(1)]);
    let attempts = 0;
    const delivered = new Promise<void>((resolve) => {
      void bus.subscribe('g', async () => {
        attempts++;
        if (attempts === 1) throw new Error('store down');
        resolve();
      });
    });
    await delivered;
    expect(attempts).toBe(2);
    await bus.close();
  });

  it('cuts a torn write at the tail and keeps every whole message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-bus-'));
    const bus = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger });
    await bus.publish([msg(1), msg(2)]);
    await bus.close();
    const [segment] = await readdir(join(dir, 'segments'));
    await appendFile(join(dir, 'segments', segment!), Buffer.from([0, 0, 0, 50, 1, 2, 3]));
    const reopened = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger });
    await reopened.publish([msg(3)]);
    const got = await collect(reopened, 'g', 3);
    expect(got.map((m) => JSON.parse(m.value.toString()).i)).toEqual([1, 2, 3]);
    await reopened.close();
  });

  it('deletes segments every group has consumed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-bus-'));
    const bus = await openEmbeddedBus({ dir, publishTimeoutMs: 5_000, logger, segmentBytes: 60 });
    for (let i = 0; i < 20; i++) await bus.publish([msg(i)]);
    expect((await readdir(join(dir, 'segments'))).length).toBeGreaterThan(3);
    await collect(bus, 'g', 20);
    expect((await readdir(join(dir, 'segments'))).length).toBeLessThanOrEqual(2);
    await bus.close();
  });
});
