/**
 * A batch whose handler failed is offered again, in place, after a pause that grows with each failure
 * (1 s, 2 s, 4 s … at most 30 s): "retry later" means the store or the broker is unwell, and hammering it
 * helps nobody. Nothing after the batch is delivered meanwhile, so a partition keeps its order.
 */
export function retryDelayMs(failures: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.max(0, failures - 1));
}

/** Sleeps `ms`, waking every `stepMs` to run `tick` (a consumer heartbeat) and to stop early when told. */
export async function pause(ms: number, stop: () => boolean, tick?: () => Promise<void>, stepMs = 1_000) {
  for (let waited = 0; waited < ms && !stop(); waited += stepMs) {
    await new Promise((r) => setTimeout(r, Math.min(stepMs, ms - waited)));
    await tick?.();
  }
}
