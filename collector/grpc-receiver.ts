import {
  Metadata,
  Server,
  ServerCredentials,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
} from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { encodeExportResponse, encodeRpcStatus } from './answers.ts';
import type { IngestAuth } from './auth.ts';
import { CollectorError, toCollectorError } from './errors.ts';
import type { Ingest, Signal } from './ingest.ts';
import type { ReceiverHandle } from './http-receiver.ts';

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  maxMessageBytes: number;
  ingest: Ingest;
  auth: IngestAuth;
  logger: Logger;
}

const SERVICES: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
};

const identity = (b: Buffer) => b;

/** Raw-bytes service definition: decoding happens in Warden's own decoder, not in grpc-js. */
function exportService(path: string): ServiceDefinition {
  return {
    Export: {
      path,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/**
 * OTLP/gRPC receiver on @grpc/grpc-js: TraceService, LogsService and MetricsService `Export`. grpc-js
 * inflates gzip requests and enforces the receive limit (RESOURCE_EXHAUSTED) before the handler runs.
 */
export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<ReceiverHandle> {
  const log = opts.logger.child({ component: 'otlp.grpc' });
  const server = new Server({
    'grpc.max_receive_message_length': opts.maxMessageBytes,
    'grpc.max_send_message_length': 4 << 20,
    'grpc.keepalive_time_ms': 60_000,
    'grpc.keepalive_timeout_ms': 20_000,
    'grpc.keepalive_permit_without_calls': 1,
  });

  for (const signal of Object.keys(SERVICES) as Signal[]) {
    const handler = (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
      const respond = async () => {
        let release = () => {};
        try {
          const authorization = call.metadata.get('authorization')[0];
          const workspace = opts.auth.workspaceFor(
            typeof authorization === 'string' ? authorization : undefined,
          );
          if (!workspace)
            throw new CollectorError(
              'UNAUTHENTICATED',
              'missing or unknown ingest token (authorization: Bearer <token>)',
            );
          release = opts.ingest.admit(call.request.length);
          const outcome = await opts.ingest.export(signal, call.request, 'protobuf', workspace);
          callback(null, Buffer.from(encodeExportResponse(signal, outcome, 'protobuf')));
        } catch (err) {
          const e = toCollectorError(err);
          if (e.code === 'INTERNAL') log.error({ err }, 'export failed');
          // Rich status (RetryInfo / BadRequest) travels in the grpc-status-details-bin trailer.
          const metadata = new Metadata();
          metadata.set('grpc-status-details-bin', Buffer.from(encodeRpcStatus(e, 'protobuf')));
          callback({ code: e.grpcStatus, details: e.message, metadata });
        } finally {
          release();
        }
      };
      void respond();
    };
    server.addService(exportService(SERVICES[signal]), { Export: handler });
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${opts.host}:${opts.port}`, ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
  log.info({ host: opts.host, port }, 'OTLP/gRPC receiver listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
