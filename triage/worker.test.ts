import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  packAgentEventBatches,
  AGENT_EVENT_BATCH_MAX_BYTES,
  type AgentEvent,
} from '../schemas/agent-event.ts';
import { openStore, type Store } from '../store/index.ts';
import { makeEvent, tempStoreConfig } from '../store/test-fixtures.ts';
import { loadRulePacks } from './rules/pack.ts';
import { SessionCache } from './session/cache.ts';
import { TriageWorker } from './worker.ts';

const logger = pino({ level: 'silent' });
let store: Store;

beforeAll(async () => {
  store = await openStore(await tempStoreConfig(), logger);
});
afterAll(async () => {
  await store?.close();
});

const batch = (partition: number, events: AgentEvent[]) => ({
  partition,
  messages: packAgentEventBatches(events, AGENT_EVENT_BATCH_MAX_BYTES).batches.map((value, i) => ({
    key: `acme/${events[0]!.sessionId}`,
    value,
    partition,
    offset: String(i),
  })),
});

describe('triage worker', () => {
  it('lets batches of one session take turns, even from two partitions at once', async () => {
    // A topic given more partitions can hold one session's older events in one partition and its newer in another.
    const inserts: { start: number; end: number }[] = [];
    const insertEvents: Store['insertEvents'] = async (...args) => {
      const start = performance.now();
      const stored = await store.insertEvents(...args);
      inserts.push({ start, end: performance.now() });
      return stored;
    };
    // The store's methods run on the store itself (they use its private fields); only the insert is timed.
    const timed = new Proxy(store, {
      get: (target, key) => {
        if (key === 'insertEvents') return insertEvents;
        const value: unknown = Reflect.get(target, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    const worker = new TriageWorker({
      store: timed,
      engine: { pack: await loadRulePacks() },
      cache: new SessionCache(100),
      busKind: 'test',
      logger,
    });
    const events = Array.from({ length: 40 }, (_, i) => makeEvent(i, 's-two-partitions'));
    await Promise.all([
      worker.handle(batch(0, events.slice(0, 20))),
      worker.handle(batch(1, events.slice(20))),
    ]);
    expect(inserts).toHaveLength(2);
    expect(inserts[1]!.start).toBeGreaterThanOrEqual(inserts[0]!.end);
    expect((await store.getSession('acme', 's-two-partitions'))?.eventCount).toBe(40);
  });
});
