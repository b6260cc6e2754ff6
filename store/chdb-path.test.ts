import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { isRetryable, openStore } from './index.ts';
import { makeEvent, tempStoreConfig } from './test-fixtures.ts';

// Its own file, hence its own process: it moves this process's chDB engine between data dirs.
describe('one chDB data dir per process', () => {
  it('refuses a second data dir while a store is open, and allows it after close', async () => {
    const logger = pino({ level: 'silent' });
    const [a, b] = [await tempStoreConfig(), await tempStoreConfig()];
    const first = await openStore(a, logger);
    const refused = openStore(b, logger);
    await expect(refused).rejects.toThrow(/only one active data directory per process/);
    expect(isRetryable(await refused.catch((e: unknown) => e))).toBe(false); // configuration, not load
    await first.insertEvents([makeEvent(1)]); // the open store is unaffected
    await first.close();

    const second = await openStore(b, logger);
    expect(await second.sessionEvents('acme', 's-1')).toEqual([]);
    await second.close();
    const back = await openStore(a, logger);
    expect(await back.sessionEvents('acme', 's-1')).toEqual([makeEvent(1)]);
    await back.close();
  });
});
