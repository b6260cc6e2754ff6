// Store measurements on chDB: `node bin/run-ts.js store/bench.ts`. Prints one JSON line per measurement.
import pino from 'pino';
import { eventToRow } from './rows.ts';
import { createClickHouse } from './client.ts';
import { migrate } from './migrate.ts';
import { openStore } from './index.ts';
import { makeEvent, tempStoreConfig } from './test-fixtures.ts';

const logger = pino({ level: 'silent' });
const report = (what: string, values: Record<string, number | string>) =>
  console.log(JSON.stringify({ what, ...values }));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const base = await tempStoreConfig();

// Migrating an empty database: the first includes starting the engine on a fresh data dir.
const migrateMs: number[] = [];
for (let i = 0; i < 6; i++) {
  const client = await createClickHouse({ ...base, CLICKHOUSE_DATABASE: `mig${i}` });
  const started = performance.now();
  await migrate(client, logger);
  migrateMs.push(performance.now() - started);
  await client.close();
}
report('migrate empty database', {
  firstMs: Math.round(migrateMs[0] ?? NaN),
  medianOfRestMs: Math.round(median(migrateMs.slice(1))),
});

const store = await openStore({ ...base, CLICKHOUSE_DATABASE: 'bench' }, logger);
for (const outputBytes of [600, 4096]) {
  const events = Array.from({ length: 10_000 }, (_, i) => makeEvent(i, `s-${i % 50}`, 'acme', outputBytes));
  const bytes = events.reduce((n, e) => n + JSON.stringify(e).length, 0);
  let started = performance.now();
  events.forEach(eventToRow);
  report('eventToRow', {
    outputBytes,
    rowsPerSec: Math.round(10_000 / ((performance.now() - started) / 1000)),
  });
  for (const batch of [10_000, 1_000, 100]) {
    await store.client.command({ query: 'TRUNCATE TABLE agent_events_v1' });
    started = performance.now();
    for (let i = 0; i < events.length; i += batch)
      await store.insertEvents(events.slice(i, i + batch), `bench:${batch}:${i}`);
    const sec = (performance.now() - started) / 1000;
    report('insertEvents 10k', {
      outputBytes,
      batch,
      avgEventJsonBytes: Math.round(bytes / events.length),
      rowsPerSec: Math.round(events.length / sec),
      eventMBPerSec: Number((bytes / 1e6 / sec).toFixed(1)),
    });
  }
  started = performance.now();
  const read = await store.sessionEvents('acme', 's-7');
  report('sessionEvents', { outputBytes, events: read.length, ms: Math.round(performance.now() - started) });
}
await store.close();
