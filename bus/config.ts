import { z } from 'zod';
import { AGENT_EVENTS_TOPIC } from '../schemas/agent-event.ts';

/** Bus settings: Kafka when `KAFKA_BROKERS` is set, else the embedded log under the data folder. */
export const BusConfig = z.object({
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((s) =>
      s
        ?.split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  WARDEN_KAFKA_TOPIC: z.string().min(1).default(AGENT_EVENTS_TOPIC),
  WARDEN_KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1024).default(12),
  WARDEN_KAFKA_CLIENT_ID: z.string().min(1).default('warden'),
  /** How long a publish may wait for the bus before the collector answers "retry later". */
  WARDEN_PUBLISH_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  WARDEN_DATA_DIR: z.string().min(1).default('.warden'),
});
export type BusConfig = z.infer<typeof BusConfig>;
