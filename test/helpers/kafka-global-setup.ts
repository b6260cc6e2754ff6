// Vitest globalSetup for the integration project: one real KRaft broker (scripts/kafka-broker.ts) per run,
// on a fresh temp data dir. Test files get its bootstrap address through inject('kafkaBrokers').
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureKafkaJars, startKafkaBroker } from '../../scripts/kafka-broker.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await ensureKafkaJars(); // timed separately: a cold fetch is not broker start-up
  const dataDir = await mkdtemp(join(tmpdir(), 'warden-kafka-it-'));
  const t0 = performance.now();
  const broker = await startKafkaBroker({ dataDir });
  const startupSeconds = Math.round((performance.now() - t0) / 100) / 10;
  // One line in CI logs with the measured start-up time (format + JVM start + readiness).
  process.stderr.write(
    JSON.stringify({
      level: 'info',
      msg: 'kafka broker started for integration tests',
      brokers: broker.brokers,
      version: broker.version,
      startupSeconds,
    }) + '\n',
  );
  project.provide('kafkaBrokers', broker.brokers);
  return async () => {
    await broker.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
