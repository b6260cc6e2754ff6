/**
 * A prepare worker thread: decodes, normalizes and packs the export requests the pool sends it, so the
 * receivers' thread only reads sockets and talks to the bus. Answers each request by id; a request that
 * fails says whether its body was undecodable (the sender's fault) or the worker failed.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { keyedFingerprint } from '../schemas/secrets.ts';
import { DecodeError } from './otlp/decode.ts';
import { prepareExport } from './prepare.ts';
import type { PrepareRequest, PrepareResponse, PrepareWorkerData } from './prepare-pool.ts';

const settings = (workerData as { settings: PrepareWorkerData }).settings;
const text = {
  fingerprint: settings.fingerprintKey ? keyedFingerprint(settings.fingerprintKey) : undefined,
};

parentPort!.on('message', (req: PrepareRequest) => {
  let res: PrepareResponse;
  try {
    const prepared = prepareExport(req.signal, req.body, req.encoding, req.principal, {
      text,
      retentionDays: settings.retentionDays,
      nowMs: req.nowMs,
    });
    res = { id: req.id, ok: true, prepared };
  } catch (err) {
    res = {
      id: req.id,
      ok: false,
      decode: err instanceof DecodeError,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  parentPort!.postMessage(res);
});
