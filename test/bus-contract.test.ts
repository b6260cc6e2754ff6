import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { BusConfig, openBus, type Bus, type DeliveredMessage } from '../bus/index.ts';
import { openKafkaBus, testLogger, uniqueName, waitFor } from './helpers/pipeline.ts';

/** One contract, two buses: what collector and triage rely on must hold for Kafka and the embedded log alike. */
const implementations: [string, () => Promise<() => Promise<Bus>>][] = [
  [
    'kafka',
    async () => {
      const topic = uniqueName('contract');
      return () => openKafkaBus(inject('kafkaBrokers'), topic);
    },
  ],
  [
    'embedded',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'warden-contract-'));
      return () => openBus(BusConfig.parse({ WARDEN_DATA_DIR: dir }), testLogger);
    },
  ],
];

const message = (session: string, n: number) => ({
  key: `acme/${session}`,
  value: Buffer.from(`${session}:${n}`),
});
const text = (m: DeliveredMessage) => m.value.toString();

describe.each(implementations)('bus contract: %s', (_name, factory) => {
  it('keeps each key in order on one partition, redelivers after a failed handler, and resumes after the commit', async () => {
    const open = await factory();
    const bus = await open();
    const sessions = ['s1', 's2', 's3', 's4'];
    for (let n = 0; n < 5; n++) await bus.publish(sessions.map((s) => message(s, n)));

    const group = uniqueName('group');
    expect(await bus.lag(group)).toBe(20);
    const seen: DeliveredMessage[] = [];
    let failures = 0;
    const sub = await bus.subscribe(group, async (batch) => {
      // The first batch fails once: at-least-once means it comes back.
      if (failures === 0) {
        failures++;
        throw new Error('downstream store unavailable');
      }
      seen.push(...batch.messages);
    });
    await waitFor(() => (new Set(seen.map(text)).size === 20 ? true : undefined), 60_000, 'all 20 messages');
    await sub.close();
    expect(await bus.lag(group)).toBe(0);

    for (const s of sessions) {
      const mine = seen.filter((m) => m.key === `acme/${s}`);
      const firstDelivery = mine.filter(
        (m, i) => mine.findIndex((x) => x.offset === m.offset && x.partition === m.partition) === i,
      );
      expect(firstDelivery.map(text)).toEqual([0, 1, 2, 3, 4].map((n) => `${s}:${n}`));
      expect(new Set(mine.map((m) => m.partition)).size).toBe(1);
    }
    expect(failures).toBe(1);

    // Committed: the same group sees only what is published after it left, even from a fresh connection.
    await bus.publish([message('s1', 5)]);
    await bus.close();
    const reopened = await open();
    const later: DeliveredMessage[] = [];
    const again = await reopened.subscribe(group, async (batch) => {
      later.push(...batch.messages);
    });
    await reopened.publish([message('s2', 5)]);
    await waitFor(() => (later.length >= 2 ? true : undefined), 60_000, 'messages after the commit');
    await new Promise((r) => setTimeout(r, 500));
    await again.close();
    await reopened.close();
    expect(later.map(text).sort()).toEqual(['s1:5', 's2:5']);
  });
});
