import { z } from 'zod';

/** A ClickHouse identifier we may interpolate into SQL (database names cannot be query parameters). */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Store settings: a ClickHouse server when `CLICKHOUSE_URL` is set, else chDB (the same engine
 * in-process) under `<WARDEN_DATA_DIR>/clickhouse`.
 */
export const StoreConfig = z.object({
  CLICKHOUSE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CLICKHOUSE_USER: z.string().min(1).default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DATABASE: z.string().regex(IDENTIFIER, 'must be a plain identifier').default('warden'),
  WARDEN_DATA_DIR: z.string().min(1).default('.warden'),
  /** Days of agent events to keep; 0 keeps them forever. Sessions and findings are never expired. */
  WARDEN_EVENT_TTL_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
});
export type StoreConfig = z.infer<typeof StoreConfig>;
