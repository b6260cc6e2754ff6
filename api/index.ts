import { readFileSync } from 'node:fs';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { BusPublisher } from '../bus/types.ts';
import type { Store } from '../store/index.ts';
import { createIngestAuth } from '../schemas/ingest-tokens.ts';
import type { PreActionReviewer } from '../schemas/review.ts';
import { createApp } from './app.ts';
import type { DispositionListener } from './cases.ts';
import type { ApiConfig } from './config.ts';
import { defaultConsoleUrl } from './console-url.ts';
import { consoleFiles } from './console.ts';

export { ApiConfig } from './config.ts';
export type { DispositionListener } from './cases.ts';

export interface ApiHandle {
  port: number;
  /** Where analysts open the console. */
  consoleUrl: string;
  close(): Promise<void>;
}

/** The version reported in exports: package.json's, read once. */
const PRODUCT_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** Serves the query API and the triage console over the store. */
export async function start(
  config: ApiConfig,
  deps: {
    store: Store;
    logger: Logger;
    onDisposition?: DispositionListener;
    bus?: BusPublisher;
    /** The pre-action review (triage's engine), when this process runs it. */
    reviewer?: PreActionReviewer;
  },
): Promise<ApiHandle> {
  const log = deps.logger.child({ service: 'api' });
  const review = {
    auth: config.WARDEN_INGEST_TOKENS && createIngestAuth(config.WARDEN_INGEST_TOKENS),
    reviewer: deps.reviewer,
  };
  let consoleUrl = config.WARDEN_CONSOLE_URL?.replace(/\/+$/, '');
  const app = createApp({
    store: deps.store,
    keys: config.WARDEN_API_KEYS,
    logger: log,
    rateLimitPerMinute: config.WARDEN_API_RATE_LIMIT,
    consoleUrl: () => consoleUrl ?? '',
    consoleFiles: await consoleFiles(),
    productVersion: PRODUCT_VERSION,
    onDisposition: deps.onDisposition,
    bus: deps.bus,
    review,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, hostname: config.WARDEN_API_HOST, port: config.WARDEN_API_PORT },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  // Without a configured URL the console is where this server listens (port 0 picks one at start).
  consoleUrl ??= defaultConsoleUrl(config.WARDEN_API_HOST, port);
  log.info({ host: config.WARDEN_API_HOST, port, console: `${consoleUrl}/console/` }, 'API listening');
  return {
    port,
    consoleUrl,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
