import { join } from 'node:path';
import type { Logger } from 'pino';
import type { BusConfig } from './config.ts';
import { openEmbeddedBus } from './embedded.ts';
import { createKafkaBus } from './kafka.ts';
import type { Bus } from './types.ts';

export { BusConfig } from './config.ts';
export * from './types.ts';

/** Kafka when brokers are configured (scale-out), else the embedded log under the data folder. */
export async function openBus(config: BusConfig, logger: Logger): Promise<Bus> {
  if (config.KAFKA_BROKERS?.length) {
    return createKafkaBus({
      brokers: config.KAFKA_BROKERS,
      topic: config.WARDEN_KAFKA_TOPIC,
      partitions: config.WARDEN_KAFKA_PARTITIONS,
      clientId: config.WARDEN_KAFKA_CLIENT_ID,
      publishTimeoutMs: config.WARDEN_PUBLISH_TIMEOUT_MS,
      logger,
    });
  }
  return openEmbeddedBus({
    dir: join(config.WARDEN_DATA_DIR, 'bus', config.WARDEN_KAFKA_TOPIC),
    publishTimeoutMs: config.WARDEN_PUBLISH_TIMEOUT_MS,
    logger,
  });
}
