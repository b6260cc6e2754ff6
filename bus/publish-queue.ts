import { BusRejectedError, BusUnavailableError, type BusMessage } from './types.ts';

export interface PublishQueueOptions {
  /** Upper bound of one `send` call, in key + value bytes. */
  maxRequestBytes: number;
  /** A caller waiting longer than this gets BusUnavailableError ("retry later"). */
  timeoutMs: number;
  /** Stores the messages durably; resolves only when they are. */
  send(messages: BusMessage[]): Promise<void>;
}

interface Entry {
  messages: BusMessage[];
  bytes: number;
  settled: boolean;
  settle(err?: unknown): void;
}

const sizeOf = (m: BusMessage) => m.key.length + m.value.length;

/**
 * Single-flight group commit: while one send is in flight, concurrent publishers queue up, and the next
 * send carries all of them (up to `maxRequestBytes`). Batches grow with load, and each caller still learns
 * exactly whether its own messages were stored.
 */
export class PublishQueue {
  private pending: Entry[] = [];
  private running: Promise<void> | undefined;

  constructor(private readonly opts: PublishQueueOptions) {}

  publish(messages: BusMessage[]): Promise<void> {
    const oversized = messages.find((m) => sizeOf(m) > this.opts.maxRequestBytes);
    if (oversized) {
      return Promise.reject(
        new BusRejectedError(
          `message of ${sizeOf(oversized)} bytes exceeds the bus limit of ${this.opts.maxRequestBytes}`,
        ),
      );
    }
    const waits: Promise<void>[] = [];
    let chunk: BusMessage[] = [];
    let bytes = 0;
    const flushChunk = () => {
      if (chunk.length) waits.push(this.enqueue(chunk, bytes));
      chunk = [];
      bytes = 0;
    };
    for (const m of messages) {
      if (bytes + sizeOf(m) > this.opts.maxRequestBytes) flushChunk();
      chunk.push(m);
      bytes += sizeOf(m);
    }
    flushChunk();
    this.kick();
    return Promise.all(waits).then(() => undefined);
  }

  /** Waits until everything queued so far has been sent or has failed. */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }

  private enqueue(messages: BusMessage[], bytes: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = this.pending.filter((e) => e !== entry);
        entry.settle(
          new BusUnavailableError(`bus did not confirm the write within ${this.opts.timeoutMs} ms`),
        );
      }, this.opts.timeoutMs);
      const entry: Entry = {
        messages,
        bytes,
        settled: false,
        settle(err) {
          if (entry.settled) return;
          entry.settled = true;
          clearTimeout(timer);
          if (err) reject(err);
          else resolve();
        },
      };
      this.pending.push(entry);
    });
  }

  private kick() {
    if (this.running || this.pending.length === 0) return;
    this.running = this.run().finally(() => {
      this.running = undefined;
      this.kick();
    });
  }

  private async run() {
    while (this.pending.length) {
      const batch: Entry[] = [];
      let bytes = 0;
      while (this.pending.length) {
        const next = this.pending[0]!;
        if (batch.length && bytes + next.bytes > this.opts.maxRequestBytes) break;
        this.pending.shift();
        if (next.settled) continue;
        batch.push(next);
        bytes += next.bytes;
      }
      if (!batch.length) continue;
      try {
        await this.opts.send(batch.flatMap((e) => e.messages));
        for (const e of batch) e.settle();
      } catch (err) {
        for (const e of batch) e.settle(err);
      }
    }
  }
}
