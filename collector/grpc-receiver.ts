import {
  constants as h2,
  createServer,
  type IncomingHttpHeaders,
  type ServerHttp2Session,
  type ServerHttp2Stream,
} from 'node:http2';
import type { AddressInfo, Socket } from 'node:net';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import type { Logger } from 'pino';
import { encodeExportResponse, encodeRpcStatus } from './answers.ts';
import type { IngestAuth } from '../schemas/ingest-tokens.ts';
import { CollectorError, GrpcStatus as Code, toCollectorError } from './errors.ts';
import type { Admission, Ingest, Signal } from './ingest.ts';
import type { ReceiverHandle } from './http-receiver.ts';

export interface GrpcReceiverOptions {
  host: string;
  port: number;
  /** Largest request message, compressed or not. */
  maxMessageBytes: number;
  /** A request must arrive whole within this time. */
  requestTimeoutMs: number;
  ingest: Ingest;
  auth: IngestAuth;
  logger: Logger;
}

const SERVICES: Record<string, Signal> = {
  '/opentelemetry.proto.collector.trace.v1.TraceService/Export': 'traces',
  '/opentelemetry.proto.collector.logs.v1.LogsService/Export': 'logs',
  '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export': 'metrics',
};

const FRAME_HEADER = 5; // u8 compressed flag, u32 message length
const ACCEPT_ENCODING = 'identity,gzip,deflate';
const inflaters = { gzip: promisify(gunzip), deflate: promisify(inflate) } as const;

/** A request the receiver answers itself, before or instead of the collector's own errors. */
class GrpcAnswer extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** grpc-message is percent-encoded UTF-8 (gRPC over HTTP/2, "Responses"). */
const percentEncode = (s: string) =>
  Buffer.from(s, 'utf8').reduce(
    (out, b) =>
      out +
      (b >= 0x20 && b <= 0x7e && b !== 0x25
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`),
    '',
  );

/**
 * Reads the one length-prefixed message of a unary call as it arrives, counting its bytes against the
 * collector's budget. Anything but exactly one whole message is INVALID_ARGUMENT.
 */
function readMessage(
  stream: ServerHttp2Stream,
  maxBytes: number,
  admission: Admission,
): Promise<{ compressed: boolean; message: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let header: Buffer | undefined;
    const fail = (err: Error) => {
      stream.removeAllListeners('data');
      stream.removeAllListeners('end');
      stream.resume(); // drain what is still coming; the answer goes out now
      reject(err);
    };
    stream.on('data', (chunk: Buffer) => {
      try {
        admission.take(chunk.length);
      } catch (err) {
        return fail(err as Error);
      }
      chunks.push(chunk);
      received += chunk.length;
      if (!header && received >= FRAME_HEADER) {
        header = Buffer.concat(chunks).subarray(0, FRAME_HEADER);
        if (header[0]! > 1)
          return fail(new GrpcAnswer(Code.INVALID_ARGUMENT, `invalid gRPC frame: flag ${header[0]}`));
        const length = header.readUInt32BE(1);
        if (length > maxBytes)
          return fail(
            new CollectorError('PAYLOAD_TOO_LARGE', `request message of ${length} bytes exceeds ${maxBytes}`),
          );
      }
      if (header && received > FRAME_HEADER + header.readUInt32BE(1))
        fail(new GrpcAnswer(Code.INVALID_ARGUMENT, 'a unary call carries exactly one request message'));
    });
    stream.once('close', () => reject(new GrpcAnswer(Code.CANCELLED, 'the client closed the stream')));
    stream.on('end', () => {
      const length = header?.readUInt32BE(1);
      if (length === undefined || received < FRAME_HEADER + length) {
        return reject(
          new GrpcAnswer(
            Code.INVALID_ARGUMENT,
            received === 0
              ? 'no request message'
              : `the request ended inside its message (${Math.max(0, received - FRAME_HEADER)} of ${length ?? '?'} bytes)`,
          ),
        );
      }
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received);
      resolve({ compressed: header![0] === 1, message: body.subarray(FRAME_HEADER) });
    });
  });
}

async function decompress(
  message: Buffer,
  encoding: string,
  maxBytes: number,
  admission: Admission,
): Promise<Buffer> {
  const inflater = inflaters[encoding as keyof typeof inflaters];
  if (!inflater)
    throw new GrpcAnswer(Code.INVALID_ARGUMENT, 'compressed message without a grpc-encoding to read it with');
  let inflated: Buffer;
  try {
    inflated = await inflater(message, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new CollectorError(
        'PAYLOAD_TOO_LARGE',
        `request message exceeds ${maxBytes} bytes after decompression`,
      );
    throw new CollectorError('DECODE_FAILED', `invalid ${encoding} message: ${(err as Error).message}`);
  }
  admission.take(inflated.length);
  return inflated;
}

/**
 * OTLP/gRPC receiver (TraceService, LogsService and MetricsService `Export`) on node:http2: gRPC's
 * length-prefixed framing is read here, so malformed frames are INVALID_ARGUMENT, oversized ones are
 * refused from their length prefix before they are read, and every byte kept counts against the budget.
 */
export async function startGrpcReceiver(opts: GrpcReceiverOptions): Promise<ReceiverHandle> {
  const log = opts.logger.child({ component: 'otlp.grpc' });
  const server = createServer({
    settings: { maxConcurrentStreams: 256, initialWindowSize: 1 << 20 },
    // Answers to many concurrent streams may queue before the peer reads them.
    maxSessionMemory: 64,
  });
  const sessions = new Set<ServerHttp2Session>();
  const inFlight = new Set<Promise<void>>();

  function answer(stream: ServerHttp2Stream, code: number, message: string, details?: Uint8Array) {
    if (stream.destroyed || stream.headersSent) return;
    stream.respond(
      {
        [h2.HTTP2_HEADER_STATUS]: 200,
        [h2.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc',
        'grpc-accept-encoding': ACCEPT_ENCODING,
        'grpc-status': String(code),
        'grpc-message': percentEncode(message),
        ...(details ? { 'grpc-status-details-bin': Buffer.from(details).toString('base64') } : {}),
      },
      { endStream: true },
    );
  }

  function reply(stream: ServerHttp2Stream, message: Uint8Array) {
    if (stream.destroyed) return;
    const frame = Buffer.allocUnsafe(FRAME_HEADER + message.length);
    frame[0] = 0;
    frame.writeUInt32BE(message.length, 1);
    frame.set(message, FRAME_HEADER);
    stream.respond(
      { [h2.HTTP2_HEADER_STATUS]: 200, [h2.HTTP2_HEADER_CONTENT_TYPE]: 'application/grpc' },
      { waitForTrailers: true },
    );
    stream.on('wantTrailers', () =>
      stream.sendTrailers({ 'grpc-status': String(Code.OK), 'grpc-message': 'OK' }),
    );
    stream.end(frame);
  }

  async function handle(stream: ServerHttp2Stream, headers: IncomingHttpHeaders) {
    const path = String(headers[h2.HTTP2_HEADER_PATH] ?? '');
    const contentType = String(headers[h2.HTTP2_HEADER_CONTENT_TYPE] ?? '');
    if (!contentType.startsWith('application/grpc')) {
      stream.respond({ [h2.HTTP2_HEADER_STATUS]: 415, 'content-type': 'text/plain' });
      stream.end(`unsupported content-type "${contentType}"; this is an OTLP/gRPC endpoint`);
      return;
    }
    const signal = SERVICES[path];
    if (!signal || headers[h2.HTTP2_HEADER_METHOD] !== 'POST')
      return answer(stream, Code.UNIMPLEMENTED, `no method ${path}; this is an OTLP/gRPC collector`);
    const encoding = String(headers['grpc-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity' && !(encoding in inflaters))
      return answer(stream, Code.UNIMPLEMENTED, `unsupported grpc-encoding "${encoding}" (use gzip or none)`);

    const admission = opts.ingest.admission();
    const deadline = setTimeout(() => {
      answer(stream, Code.DEADLINE_EXCEEDED, `the request did not arrive within ${opts.requestTimeoutMs} ms`);
      stream.close(h2.NGHTTP2_CANCEL);
    }, opts.requestTimeoutMs);
    try {
      const authorization = headers.authorization;
      const principal = opts.auth.principalFor(typeof authorization === 'string' ? authorization : undefined);
      if (!principal)
        throw new CollectorError(
          'UNAUTHENTICATED',
          'missing or unknown ingest token (authorization: Bearer <token>)',
        );
      const framed = await readMessage(stream, opts.maxMessageBytes, admission);
      clearTimeout(deadline);
      const message = framed.compressed
        ? await decompress(framed.message, encoding, opts.maxMessageBytes, admission)
        : framed.message;
      const outcome = await opts.ingest.export(signal, message, 'protobuf', principal);
      reply(stream, encodeExportResponse(signal, outcome, 'protobuf'));
    } catch (err) {
      if (err instanceof GrpcAnswer) answer(stream, err.code, err.message);
      else {
        const e = toCollectorError(err);
        if (e.code === 'INTERNAL') log.error({ err }, 'export failed');
        else log.debug({ code: e.code, msg: e.message }, 'export refused');
        // Rich status (RetryInfo / BadRequest) travels in grpc-status-details-bin.
        answer(stream, e.grpcStatus, e.message, encodeRpcStatus(e, 'protobuf'));
      }
      // Answered before the whole request arrived: ask the client to stop sending it (RFC 9113 §8.1).
      if (!stream.destroyed && !stream.readableEnded) stream.close(h2.NGHTTP2_NO_ERROR);
    } finally {
      clearTimeout(deadline);
      admission.release();
    }
  }

  // Small answers must not wait on Nagle's algorithm for the client's delayed ACK.
  server.on('connection', (socket: Socket) => socket.setNoDelay(true));
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    session.on('error', (err) => log.debug({ msg: err.message }, 'gRPC connection error'));
    // The connection window bounds how much a client may send before we read it (several exports' worth).
    session.setLocalWindowSize(16 << 20);
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', (err) => log.debug({ msg: err.message }, 'gRPC stream error'));
    const work = handle(stream, headers).catch((err: unknown) => {
      log.error({ err }, 'unhandled gRPC receiver error');
      if (!stream.destroyed) stream.close(h2.NGHTTP2_INTERNAL_ERROR);
    });
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: opts.host, port }, 'OTLP/gRPC receiver listening');
  return {
    port,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // GOAWAY: clients finish the exports they started and open no new streams here.
      for (const session of sessions) session.close();
      await Promise.all(inFlight);
      await closed;
    },
  };
}
