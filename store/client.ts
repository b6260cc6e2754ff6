import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createClient } from '@clickhouse/client';
import type {
  ClickHouseClient,
  ClickHouseClientConfigOptions,
  ClickHouseSettings,
  ErrorLogParams,
  Logger as ClickHouseLogger,
  LogParams,
  WarnLogParams,
} from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import type pino from 'pino';
import { IDENTIFIER } from './config.ts';
import type { StoreConfig } from './config.ts';

type ChdbConnectionOption = NonNullable<ClickHouseClientConfigOptions['connection']>;

/** Where chDB keeps its data: one engine per process binds exactly one such directory. */
export function chdbPath(config: StoreConfig): string {
  return resolve(join(config.WARDEN_DATA_DIR, 'clickhouse'));
}

/**
 * Settings sent with every query, so both backends behave alike:
 * - 64-bit integers come back as JSON strings (the server's default; chDB's is numbers, which lose
 *   precision past 2^53);
 * - inserts are synchronous: acknowledged once written, as the exactly-once reasoning assumes (chDB
 *   defaults to async_insert=1, which buffers inserts and holds each one for the busy timeout);
 * - log_comment names Warden in system.query_log; queries override it with their own name.
 */
const COMMON_SETTINGS: ClickHouseSettings = {
  output_format_json_quote_64bit_integers: 1,
  async_insert: 0,
  log_comment: 'warden:store',
};

/**
 * chDB's connection applies settings as `SET …` on its session, where they persist. A dedup token set
 * for one insert would silently de-duplicate the next, unrelated insert away; resetting it on every
 * query (a per-query token overrides this) keeps settings per-query, as they are over HTTP.
 */
const CHDB_SETTINGS: ClickHouseSettings = { ...COMMON_SETTINGS, insert_deduplication_token: '' };

/**
 * Opens a client on the configured backend with the database created and selected. Over HTTP the
 * database is a request parameter; chDB ignores the client's `database`, so its session runs `USE`.
 */
export async function createClickHouse(config: StoreConfig, logger?: pino.Logger): Promise<ClickHouseClient> {
  const db = config.CLICKHOUSE_DATABASE;
  // Identifiers cannot be query parameters; this one is interpolated only after this check.
  if (!IDENTIFIER.test(db)) throw new RangeError(`CLICKHOUSE_DATABASE is not an identifier: ${db}`);
  const log = logger ? { LoggerClass: pinoBridge(logger) } : undefined;
  if (config.CLICKHOUSE_URL) {
    const base = {
      url: config.CLICKHOUSE_URL,
      username: config.CLICKHOUSE_USER,
      password: config.CLICKHOUSE_PASSWORD,
      clickhouse_settings: COMMON_SETTINGS,
      ...(log ? { log } : {}),
    };
    // The database must exist before a client may name it, so create it through one that does not.
    const bootstrap = createClient(base);
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    } finally {
      await bootstrap.close();
    }
    return createClient({ ...base, database: db });
  }
  const path = chdbPath(config);
  await mkdir(path, { recursive: true });
  const client = createClient({
    // chdb types its connection against @clickhouse/client-common 1.23.0, the client bundles 1.23.1:
    // the same contract, but TS sees two nominally different settings types.
    connection: createChdbConnection({ path }) as unknown as ChdbConnectionOption,
    clickhouse_settings: CHDB_SETTINGS,
    ...(log ? { log } : {}),
  });
  try {
    await client.command({ query: `CREATE DATABASE IF NOT EXISTS ${db}` });
    await client.command({ query: `USE ${db}` });
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}

/**
 * Routes @clickhouse/client's own log lines into pino. Its errors are logged at warn: the store's
 * caller decides whether a failure is an error (it may well be retried).
 */
function pinoBridge(logger: pino.Logger): new () => ClickHouseLogger {
  const child = logger.child({ component: 'clickhouse-client' });
  return class implements ClickHouseLogger {
    trace({ message, args }: LogParams) {
      child.trace(args ?? {}, message);
    }
    debug({ message, args }: LogParams) {
      child.debug(args ?? {}, message);
    }
    info({ message, args }: LogParams) {
      child.info(args ?? {}, message);
    }
    warn({ message, args, err }: WarnLogParams) {
      child.warn({ ...args, err }, message);
    }
    error({ message, args, err }: ErrorLogParams) {
      child.warn({ ...args, err }, message);
    }
  };
}
