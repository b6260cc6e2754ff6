import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './targets.ts';

/**
 * One JSON POST to a sink over node:http(s), connecting only to `addresses` (already checked by
 * targets.ts): the request's own DNS lookup is replaced, so the name cannot resolve somewhere else between
 * the check and the connect. TLS still verifies the certificate against the URL's host name. Redirects are
 * not followed, no connection is pooled (alerts are rare), and the answer is read up to a few KiB.
 */

export interface HttpAnswer {
  status: number;
  /** `retry-after`, when sent. */
  retryAfter?: string;
  /** The start of the body, for the delivery log's error text. */
  body: string;
}

const MAX_BODY = 4_096;

function pinnedLookup(addresses: ResolvedAddress[]): LookupFunction {
  return (_host, options, callback) => {
    const first = addresses.find((a) => !options.family || a.family === options.family) ?? addresses[0]!;
    // With `all` (Node's happy-eyeballs connect), every checked address; else the first one.
    if (options.all) (callback as (err: null, all: ResolvedAddress[]) => void)(null, addresses);
    else callback(null, first.address, first.family);
  };
}

/** Sends; rejects on a network error, a timeout or `signal` (the caller tells them apart by the signal). */
export function postJson(
  url: URL,
  addresses: ResolvedAddress[],
  request: { body: string; headers: Record<string, string> },
  signal: AbortSignal,
): Promise<HttpAnswer> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...request.headers, 'content-length': Buffer.byteLength(request.body) },
        lookup: pinnedLookup(addresses),
        agent: false,
        signal,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () =>
          resolve({
            status: res.statusCode ?? 0,
            ...(typeof res.headers['retry-after'] === 'string'
              ? { retryAfter: res.headers['retry-after'] }
              : {}),
            body: Buffer.concat(chunks).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          if (size >= MAX_BODY) return;
          chunks.push(chunk.subarray(0, MAX_BODY - size));
          size += chunk.length;
          // Enough read: the status is what matters, and a huge or endless body must not hold the attempt.
          if (size >= MAX_BODY) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(request.body);
  });
}
