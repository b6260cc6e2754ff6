import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import { encodeExportResponse, encodeRpcStatus } from './answers.ts';
import type { IngestAuth } from './auth.ts';
import { CollectorError, toCollectorError } from './errors.ts';
import type { Ingest, Signal } from './ingest.ts';
import { renderPrometheus } from './prometheus.ts';
import type { BodyEncoding } from './otlp/decode.ts';

export interface HttpReceiverOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
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

/** Reads the body, inflating gzip/deflate, and enforces the size limit after decompression. */
async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
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
      chunks.push(chunk);
    }
  } catch (err) {
    if (err instanceof CollectorError) throw err;
    if (stream !== req)
      throw new CollectorError('DECODE_FAILED', `invalid ${encoding} body: ${(err as Error).message}`);
    throw err;
  }
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
    let release = () => {};
    try {
      const workspace = opts.auth.workspaceFor(req.headers.authorization);
      if (!workspace)
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
      release = opts.ingest.admit(declared);
      const body = await readBody(req, opts.maxBodyBytes);
      const outcome = await opts.ingest.export(signal, body, encoding, workspace);
      res.writeHead(200, { 'content-type': MEDIA_TYPE[encoding] });
      res.end(encodeExportResponse(signal, outcome, encoding));
    } catch (err) {
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
      release();
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error({ err }, 'unhandled receiver error');
      if (!res.headersSent) sendText(res, 500, 'internal error');
      else res.destroy();
    });
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
