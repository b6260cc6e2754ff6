import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Store } from '../store/index.ts';
import { createApp } from './app.ts';
import type { ApiConfig } from './config.ts';

export { ApiConfig } from './config.ts';

export interface ApiHandle {
  port: number;
  close(): Promise<void>;
}

/** Serves the query API over the store. */
export async function start(config: ApiConfig, deps: { store: Store; logger: Logger }): Promise<ApiHandle> {
  const log = deps.logger.child({ service: 'api' });
  const app = createApp({ store: deps.store, keys: config.WARDEN_API_KEYS, logger: log });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve(
      { fetch: app.fetch, hostname: config.WARDEN_API_HOST, port: config.WARDEN_API_PORT },
      () => resolve(s),
    );
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: config.WARDEN_API_HOST, port }, 'API listening');
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
