import { hostname } from 'node:os';
import type { PipelineHealth } from '../schemas/findings.ts';

const SAMPLES = 1_000;

/**
 * Counts what one worker did since its last report: batches, events, verdicts, batch time, and how old
 * events were when their verdict was written (a bounded reservoir sample gives the median).
 */
export class PipelineMeter {
  readonly instance = `${hostname()}:${process.pid}`;
  #since = Date.now();
  #events = 0;
  #batches = 0;
  #verdicts = 0;
  #batchMsTotal = 0;
  #batchMsMax = 0;
  #ages: number[] = [];
  #seen = 0;

  recordBatch(eventTimesMs: number[], batchMs: number, verdicts: number, nowMs = Date.now()): void {
    this.#batches++;
    this.#events += eventTimesMs.length;
    this.#verdicts += verdicts;
    this.#batchMsTotal += batchMs;
    this.#batchMsMax = Math.max(this.#batchMsMax, batchMs);
    for (const t of eventTimesMs) {
      const age = nowMs - t;
      this.#seen++;
      if (this.#ages.length < SAMPLES) this.#ages.push(age);
      else {
        const slot = Math.floor(Math.random() * this.#seen);
        if (slot < SAMPLES) this.#ages[slot] = age;
      }
    }
  }

  /** The report for the interval since the last one, and a fresh interval. */
  report(bus: { kind: string; lag: number; group: string }, sessionsCached: number, nowMs = Date.now()) {
    const ages = this.#ages.sort((a, b) => a - b);
    const report: PipelineHealth = {
      atMs: nowMs,
      instance: this.instance,
      consumerGroup: bus.group,
      busKind: bus.kind,
      busLag: bus.lag,
      intervalMs: Math.max(0, nowMs - this.#since),
      events: this.#events,
      batches: this.#batches,
      verdicts: this.#verdicts,
      batchMsAvg: this.#batches ? this.#batchMsTotal / this.#batches : 0,
      batchMsMax: this.#batchMsMax,
      eventAgeMsP50: ages.length ? ages[Math.floor(ages.length / 2)]! : 0,
      sessionsCached,
    };
    this.#since = nowMs;
    this.#events = this.#batches = this.#verdicts = this.#batchMsTotal = this.#batchMsMax = this.#seen = 0;
    this.#ages = [];
    return report;
  }
}
