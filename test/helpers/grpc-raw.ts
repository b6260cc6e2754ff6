import { connect, constants as h2 } from 'node:http2';

export const GRPC_PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
} as const;

/** A gRPC length-prefixed message: flag, u32 length (the real one unless told otherwise), bytes. */
export function grpcFrame(message: Uint8Array, opts: { compressed?: boolean; declaredLength?: number } = {}) {
  const header = Buffer.alloc(5);
  header[0] = opts.compressed ? 1 : 0;
  header.writeUInt32BE(opts.declaredLength ?? message.length, 1);
  return Buffer.concat([header, message]);
}

export interface RawGrpcAnswer {
  httpStatus: number;
  grpcStatus: number | undefined;
  grpcMessage: string;
  /** Response messages, without their frame headers. */
  messages: Buffer[];
}

/**
 * One gRPC call written byte by byte over node:http2, so a test can send what no gRPC library would:
 * truncated frames, two messages on a unary call, a frame with no message. The status may come in the
 * headers (trailers-only) or in the trailers.
 */
export function rawGrpcCall(
  port: number,
  path: string,
  body: Buffer,
  headers: Record<string, string> = {},
): Promise<RawGrpcAnswer> {
  return new Promise((resolve, reject) => {
    const session = connect(`http://127.0.0.1:${port}`);
    session.on('error', reject);
    const stream = session.request({
      [h2.HTTP2_HEADER_METHOD]: 'POST',
      [h2.HTTP2_HEADER_PATH]: path,
      'content-type': 'application/grpc',
      te: 'trailers',
      ...headers,
    });
    let httpStatus = 0;
    let status: string | undefined;
    let message = '';
    const data: Buffer[] = [];
    const take = (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) status = String(h['grpc-status']);
      if (h['grpc-message'] !== undefined) message = decodeURIComponent(String(h['grpc-message']));
    };
    stream.on('response', (h) => {
      httpStatus = Number(h[h2.HTTP2_HEADER_STATUS]);
      take(h);
    });
    stream.on('trailers', take);
    stream.on('data', (chunk: Buffer) => data.push(chunk));
    stream.on('error', () => undefined); // an early answer may reset the rest of the upload
    stream.on('close', () => {
      session.close();
      const all = Buffer.concat(data);
      const messages: Buffer[] = [];
      for (let at = 0; at + 5 <= all.length;) {
        const length = all.readUInt32BE(at + 1);
        messages.push(all.subarray(at + 5, at + 5 + length));
        at += 5 + length;
      }
      resolve({
        httpStatus,
        grpcStatus: status === undefined ? undefined : Number(status),
        grpcMessage: message,
        messages,
      });
    });
    stream.end(body);
  });
}
