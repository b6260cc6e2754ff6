import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { encodeExportResponse, encodeRpcStatus } from './answers.ts';
import type { IngestAuth } from '../schemas/ingest-tokens.ts';
import { CollectorError, toCollectorError } from './errors.ts';
import type { Admission, Ingest, Signal } from './ingest.ts';
import { renderPrometheus } from './prometheus.ts';
import type { BodyEncoding } from './otlp/decode.ts';

export interface HttpReceiverOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  /** A request (headers and body) must arrive within this time, or its connection is closed. */
  requestTimeoutMs: number;
  ingest: Ingest;
  auth: IngestAuth;
  logger: Logger;
}

export interface ReceiverHandle {
  port: number;
  close(): Promise<void>;
}

const PATHS: Record<string, Signal> = {
  '/v1/traces': 'traces',
  '/v1/logs': 'logs',
  '/v1/metrics': 'metrics',
};
const CONTENT_TYPES: Record<string, BodyEncoding> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};
const MEDIA_TYPE = { protobuf: 'application/x-protobuf', json: 'application/json' } as const;

function encodingOf(contentType: string | undefined): BodyEncoding | undefined {
  return CONTENT_TYPES[(contentType ?? '').split(';')[0]!.trim().toLowerCase()];
}

/** The client went away before its request was complete: nobody is left to answer. */
class ClientGone extends Error {}

/**
 * Reads the body, inflating gzip/deflate as it arrives, and counts what it keeps (the decompressed bytes,
 * chunked bodies included) against the size limit and the collector's memory budget.
 */
async function readBody(req: IncomingMessage, maxBytes: number, admission: Admission): Promise<Buffer> {
  const encoding = String(req.headers['content-encoding'] ?? 'identity').toLowerCase();
  let stream: Readable = req;
  if (encoding === 'gzip' || encoding === 'x-gzip' || encoding === 'deflate') {
    const inflate = encoding === 'deflate' ? createInflate() : createGunzip();
    req.on('error', (err) => inflate.destroy(err));
    stream = req.pipe(inflate);
  } else if (encoding !== 'identity' && encoding !== '') {
    throw new CollectorError(
      'UNSUPPORTED_MEDIA_TYPE',
      `unsupported Content-Encoding "${encoding}" (use gzip or none)`,
    );
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new CollectorError(
          'PAYLOAD_TOO_LARGE',
          `request body exceeds ${maxBytes} bytes (after decompression)`,
        );
      }
      admission.take(chunk.length);
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    if (req.destroyed && !req.complete) throw new ClientGone('client closed the connection mid-body');
    if (stream !== req)
      throw new CollectorError('DECODE_FAILED', `invalid ${encoding} body: ${(err as Error).message}`);
    throw err;
  }
  if (!req.complete) throw new ClientGone('client closed the connection mid-body');
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
}

function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/**
 * OTLP/HTTP receiver (`POST /v1/traces|logs|metrics`, protobuf or JSON, gzip) on node:http: a protocol
 * endpoint where streaming the body under a size limit and exact status codes matter more than routing.
 */
export async function startHttpReceiver(opts: HttpReceiverOptions): Promise<ReceiverHandle> {
  const log = opts.logger.child({ component: 'otlp.http' });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/healthz' || path === '/readyz') return sendText(res, 200, 'ok');
    if (path === '/metrics' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      return res.end(renderPrometheus(opts.ingest.stats()));
    }
    const signal = PATHS[path];
    if (!signal)
      return sendText(res, 404, `no OTLP endpoint at ${path}; use /v1/traces, /v1/logs or /v1/metrics`);
    if (req.method !== 'POST') return sendText(res, 405, 'OTLP export requires POST', { allow: 'POST' });
    const encoding = encodingOf(req.headers['content-type']);
    if (!encoding) {
      return sendText(
        res,
        415,
        `unsupported Content-Type "${req.headers['content-type'] ?? ''}"; use application/x-protobuf or application/json`,
      );
    }
    const admission = opts.ingest.admission();
    try {
      const principal = opts.auth.principalFor(req.headers.authorization);
      if (!principal)
        throw new CollectorError(
          'UNAUTHENTICATED',
          'missing or unknown ingest token (Authorization: Bearer <token>)',
        );
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > opts.maxBodyBytes) {
        throw new CollectorError(
          'PAYLOAD_TOO_LARGE',
          `request body of ${declared} bytes exceeds ${opts.maxBodyBytes}`,
        );
      }
      const body = await readBody(req, opts.maxBodyBytes, admission);
      const outcome = await opts.ingest.export(signal, body, encoding, principal);
      res.writeHead(200, { 'content-type': MEDIA_TYPE[encoding] });
      res.end(encodeExportResponse(signal, outcome, encoding));
    } catch (err) {
      if (err instanceof ClientGone) {
        log.debug({ path }, err.message);
        return;
      }
      const e = toCollectorError(err);
      if (e.code === 'INTERNAL') log.error({ err }, 'export failed');
      else log.debug({ code: e.code, msg: e.message }, 'export refused');
      const headers: Record<string, string> = { 'content-type': MEDIA_TYPE[encoding] };
      if (e.retryAfterSeconds !== undefined) headers['retry-after'] = String(e.retryAfterSeconds);
      // An unread body cannot stay on a keep-alive connection: close it rather than read megabytes to discard.
      if (!req.complete) headers.connection = 'close';
      res.writeHead(e.httpStatus, headers);
      res.end(encodeRpcStatus(e, encoding));
    } finally {
      admission.release();
    }
  }

  const server = createServer(
    {
      // A client trickling its body holds memory and a connection: the whole request has a deadline,
      // checked every second rather than Node's default 30 s.
      requestTimeout: opts.requestTimeoutMs,
      headersTimeout: Math.min(opts.requestTimeoutMs, 10_000),
      connectionsCheckingInterval: 1_000,
    },
    (req, res) => {
      handle(req, res).catch((err: unknown) => {
        log.error({ err }, 'unhandled receiver error');
        if (!res.headersSent) sendText(res, 500, 'internal error');
        else res.destroy();
      });
    },
  );
  // Clients that send garbage or vanish mid-request are theirs to worry about, not an error of Warden's.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    log.debug({ code: err.code, msg: err.message }, 'client error');
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (socket.writable && !socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\n\r\n`);
    else socket.destroy();
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ host: opts.host, port }, 'OTLP/HTTP receiver listening');
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
