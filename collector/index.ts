import type { Logger } from 'pino';
import type { BusPublisher } from '../bus/types.ts';
import { createIngestAuth } from '../schemas/ingest-tokens.ts';
import type { CollectorConfig } from './config.ts';
import { startGrpcReceiver } from './grpc-receiver.ts';
import { startHttpReceiver } from './http-receiver.ts';
import { createIngest, type IngestStats } from './ingest.ts';
import { inlinePreparer, startPreparePool } from './prepare-pool.ts';

export { CollectorConfig } from './config.ts';

export interface CollectorHandle {
  grpcPort: number;
  httpPort: number;
  stats(): IngestStats;
  /** Stops taking exports, waits for the ones in progress, then returns (the bus is the caller's to close). */
  close(): Promise<void>;
}

/** Starts the OTLP receivers (gRPC and HTTP) in front of the bus. */
export async function start(
  config: CollectorConfig,
  deps: { bus: BusPublisher; logger: Logger },
): Promise<CollectorHandle> {
  const logger = deps.logger.child({ service: 'collector' });
  const preparer =
    config.WARDEN_COLLECTOR_WORKERS > 0
      ? startPreparePool(
          config.WARDEN_COLLECTOR_WORKERS,
          {
            retentionDays: config.WARDEN_EVENT_TTL_DAYS,
            fingerprintKey: config.secretFingerprint ? config.WARDEN_FINGERPRINT_KEY : undefined,
          },
          logger,
        )
      : inlinePreparer({
          retentionDays: config.WARDEN_EVENT_TTL_DAYS,
          text: { fingerprint: config.secretFingerprint },
        });
  const ingest = createIngest({
    bus: deps.bus,
    logger,
    maxInflightBytes: config.WARDEN_OTLP_MAX_INFLIGHT_BYTES,
    preparer,
  });
  const auth = createIngestAuth(config.WARDEN_INGEST_TOKENS);
  const common = {
    host: config.WARDEN_OTLP_HOST,
    requestTimeoutMs: config.WARDEN_OTLP_REQUEST_TIMEOUT_MS,
    ingest,
    auth,
    logger,
  };
  const grpc = await startGrpcReceiver({
    ...common,
    port: config.WARDEN_OTLP_GRPC_PORT,
    maxMessageBytes: config.WARDEN_OTLP_GRPC_MAX_BYTES,
  }).catch(async (err: unknown) => {
    await preparer.close();
    throw err;
  });
  const http = await startHttpReceiver({
    ...common,
    port: config.WARDEN_OTLP_HTTP_PORT,
    maxBodyBytes: config.WARDEN_OTLP_HTTP_MAX_BYTES,
  }).catch(async (err: unknown) => {
    await grpc.close();
    await preparer.close();
    throw err;
  });
  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    stats: ingest.stats,
    close: async () => {
      await Promise.all([grpc.close(), http.close()]);
      await preparer.close();
    },
  };
}
