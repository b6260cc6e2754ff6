/** A keyed message: all messages with one key are delivered in order to one consumer. */
export interface BusMessage {
  key: string;
  value: Buffer;
}

export interface DeliveredMessage extends BusMessage {
  partition: number;
  /** Position in the partition (decimal string: Kafka offsets are int64). */
  offset: string;
}

/** Messages of one partition, in order. */
export interface DeliveredBatch {
  partition: number;
  messages: DeliveredMessage[];
}

/** Resolving means the batch is processed and durable downstream; only then is its offset committed. */
export type BatchHandler = (batch: DeliveredBatch) => Promise<void>;

export interface SubscribeOptions {
  /**
   * Batches of up to this many partitions are handled at the same time, each partition's in order (the
   * handler must allow it); default 1. The embedded log has one partition.
   */
  partitionsAtOnce?: number;
}

export interface BusPublisher {
  /** Resolves once every message is durably stored by the bus (Kafka: acks=all). */
  publish(messages: BusMessage[]): Promise<void>;
}

export interface BusSubscription {
  close(): Promise<void>;
}

/** The narrow interface the collector and triage see; Kafka and the embedded log implement it. */
export interface Bus extends BusPublisher {
  readonly kind: 'kafka' | 'embedded';
  /** Consume as a member of `group`, committing after the handler resolves (at-least-once). */
  subscribe(group: string, handler: BatchHandler, options?: SubscribeOptions): Promise<BusSubscription>;
  /** Messages published but not yet committed by `group`, over all partitions (pipeline health). */
  lag(group: string): Promise<number>;
  close(): Promise<void>;
}

/** The bus cannot take data right now; callers answer "retry later" and acknowledge nothing. */
export class BusUnavailableError extends Error {
  override readonly name = 'BusUnavailableError';
  readonly retryable = true;
  constructor(
    message: string,
    readonly retryAfterSeconds = 2,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A message the bus will never take (e.g. over the size limit): retrying cannot help. */
export class BusRejectedError extends Error {
  override readonly name = 'BusRejectedError';
  readonly retryable = false;
}
