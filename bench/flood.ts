// The admission phase of `npm run bench`: a fresh collector process is flooded with large exports whose
// declared size says little about what they hold (gzip bodies about 45× smaller than inflated, chunked bodies
// with no Content-Length), as in issue 11. Reported: the answers (200 / 429), the process' peak RSS, and how
// long /healthz took meanwhile. Figures, not assertions.
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';

export interface FloodReport {
  phase: string;
  exports: number;
  accepted: number;
  slowDown: number;
  otherStatus: number;
  wireMiB: number;
  inflatedMiB: number;
  peakRssMiB: number;
  healthzMaxMs: number;
}

/** An OTLP/JSON logs export of about `mib` MiB: one tool result whose output is log-like text. */
function bigExport(mib: number): Buffer {
  const line = () =>
    `2026-12-06T10:00:00Z INFO worker ${randomBytes(4).toString('hex')} processed batch ok\n`;
  const chunk = Array.from({ length: 2_000 }, line).join('');
  const output = chunk.repeat(Math.ceil((mib * 1_048_576) / chunk.length));
  return Buffer.from(
    JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_cli_rs' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                  attributes: [
                    { key: 'event.name', value: { stringValue: 'codex.tool_result' } },
                    {
                      key: 'conversation.id',
                      value: { stringValue: `flood-${randomBytes(4).toString('hex')}` },
                    },
                    { key: 'tool_name', value: { stringValue: 'shell' } },
                    { key: 'output', value: { stringValue: output } },
                  ],
                },
              ],
            },
          ],
        },
      ],
    }),
  );
}

function post(port: number, token: string, body: Buffer, gzip: boolean): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/v1/logs',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          ...(gzip ? { 'content-encoding': 'gzip', 'content-length': String(body.length) } : {}),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    if (gzip) req.end(body);
    else {
      // Chunked: no Content-Length, 64 KiB at a time.
      for (let at = 0; at < body.length; at += 1 << 16) req.write(body.subarray(at, at + (1 << 16)));
      req.end();
    }
  });
}

/** Floods `port` with `count` concurrent exports; `peakRss` reads the collector's high-water mark. */
export async function flood(
  port: number,
  token: string,
  mode: 'gzip' | 'chunked',
  count: number,
  peakRss: () => number,
): Promise<FloodReport> {
  const inflated = bigExport(19);
  const body = mode === 'gzip' ? gzipSync(inflated) : inflated;
  let healthzMaxMs = 0;
  let flooding = true;
  const probe = (async () => {
    while (flooding) {
      const t0 = performance.now();
      await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      healthzMaxMs = Math.max(healthzMaxMs, performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  const statuses = await Promise.all(
    Array.from({ length: count }, () => post(port, token, body, mode === 'gzip')),
  );
  flooding = false;
  await probe;
  return {
    phase: `${count} concurrent ${mode} exports of 19 MiB`,
    exports: count,
    accepted: statuses.filter((s) => s === 200).length,
    slowDown: statuses.filter((s) => s === 429).length,
    otherStatus: statuses.filter((s) => s !== 200 && s !== 429).length,
    wireMiB: Number((body.length / 1_048_576).toFixed(2)),
    inflatedMiB: Number((inflated.length / 1_048_576).toFixed(1)),
    peakRssMiB: Math.round(peakRss()),
    healthzMaxMs: Math.round(healthzMaxMs),
  };
}
