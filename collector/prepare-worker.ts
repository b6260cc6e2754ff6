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
  let transfer: ArrayBuffer[] = [];
  try {
    const prepared = prepareExport(req.signal, req.body, req.encoding, req.principal, {
      text,
      retentionDays: settings.retentionDays,
      nowMs: req.nowMs,
    });
    res = { id: req.id, ok: true, prepared };
    transfer = ownedBuffers(prepared.messages.map((m) => m.value));
  } catch (err) {
    res = {
      id: req.id,
      ok: false,
      decode: err instanceof DecodeError,
      message: err instanceof Error ? err.message : String(err),
    };
  }
  parentPort!.postMessage(res, transfer);
});

/**
 * The memory of message values that are theirs alone, moved to the receivers' thread rather than copied
 * (a message is up to 900 kB). Small values share Node's buffer pool with others: those are copied.
 */
function ownedBuffers(values: Uint8Array[]): ArrayBuffer[] {
  const owned = new Set<ArrayBuffer>();
  for (const v of values) {
    if (v.byteOffset === 0 && v.byteLength === v.buffer.byteLength && v.buffer instanceof ArrayBuffer)
      owned.add(v.buffer);
  }
  return [...owned];
}
