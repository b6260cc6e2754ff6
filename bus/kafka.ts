import { promisify } from 'node:util';
import { gzip, unzip } from 'node:zlib';
import kafkajs, {
  CompressionTypes,
  Kafka,
  logLevel,
  Partitioners,
  type Consumer,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import type { Logger } from 'pino';
import { PublishQueue } from './publish-queue.ts';
import { pause, retryDelayMs } from './retry.ts';
import {
  BusRejectedError,
  BusUnavailableError,
  type BatchHandler,
  type Bus,
  type BusMessage,
  type SubscribeOptions,
} from './types.ts';

export interface KafkaBusOptions {
  brokers: string[];
  topic: string;
  /** Partitions when the topic has to be created (an existing topic is left as it is). */
  partitions: number;
  clientId: string;
  publishTimeoutMs: number;
  logger: Logger;
}

/**
 * Uncompressed bytes per produce request. One send carries everything queued meanwhile, so larger requests
 * mean fewer round trips; the topic is created with a record-batch limit above this, so even a request whose
 * messages all land in one partition, uncompressed, fits.
 */
const MAX_REQUEST_BYTES = 4 << 20;
const TOPIC_MAX_MESSAGE_BYTES = 8 << 20;

/**
 * kafkajs's own errors are what Warden then handles (a refused produce is answered "retry later", a failed
 * batch is retried): they are warnings here, and Warden logs an error where something fails for good.
 */
const KAFKAJS_LEVELS: Record<number, 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'warn',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * Expected on every producer: Warden limits the producer's retries so an export is answered within its
 * timeout, and gets exactly-once effect from deterministic event ids, not from the producer.
 */
const EXPECTED = new Set(['Limiting retries for the idempotent producer may invalidate EoS guarantees']);

/**
 * Answers a broker gives while a group or partition is being set up or moved; kafkajs retries them and
 * they pass within seconds (a new group's coordinator loading, a leader election).
 */
const TRANSIENT =
  /coordinator is (?:not available|loading)|not the correct coordinator|leader(?:ship)? (?:is )?not available|not the leader|rebalanc|does not host this topic-partition/i;

function kafkaLogCreator(logger: Logger) {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const quiet = EXPECTED.has(message) || (typeof extra.error === 'string' && TRANSIENT.test(extra.error));
      logger[quiet ? 'debug' : (KAFKAJS_LEVELS[level] ?? 'info')]({ kafka: extra }, message);
    };
}

/** Consumer liveness: a worker that died is out of its group (and its partitions reassigned) within 10 s. */
const SESSION_TIMEOUT_MS = 10_000;
const HEARTBEAT_MS = 1_000;

const gzipFast = promisify(gzip);
const gunzip = promisify(unzip);

/**
 * kafkajs gzips at zlib's default level 6; level 1 costs a third of the CPU per event for a slightly larger
 * log (bench/). The codec registry is kafkajs-global, and this is what any gzip reader decodes.
 */
function useFastGzip() {
  // kafkajs is CommonJS and Node's named-export detection misses this one: reach it through the default export.
  kafkajs.CompressionCodecs[CompressionTypes.GZIP] = () => ({
    compress: (encoder: { buffer: Buffer }) => gzipFast(encoder.buffer, { level: 1 }),
    decompress: (buffer: Buffer) => gunzip(buffer),
  });
}

/** Errors the broker gives for data it will never take; everything else is "try again later". */
const PERMANENT_ERRORS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

function classifyProduceError(err: unknown): Error {
  const type =
    (err as { type?: string; cause?: { type?: string } }).type ??
    (err as { cause?: { type?: string } }).cause?.type;
  if (type && PERMANENT_ERRORS.has(type)) return new BusRejectedError(`kafka rejected the batch: ${type}`);
  return new BusUnavailableError(`kafka unavailable: ${(err as Error).message}`, 2, { cause: err });
}

/**
 * Runs `work` while heartbeating the group, so a long batch does not look like a dead member. A heartbeat
 * that fails (a rebalance started) is left for kafkajs to act on after the batch.
 */
async function whileBeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
  const timer = setInterval(() => void heartbeat().catch(() => undefined), HEARTBEAT_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

/**
 * The bus on Apache Kafka (kafkajs): one topic of canonical events keyed by workspace/session, an
 * idempotent producer with acks=all and gzip, and consumer groups that commit after processing.
 */
export function createKafkaBus(opts: KafkaBusOptions): Bus {
  const log = opts.logger.child({ component: 'bus.kafka' });
  useFastGzip();
  const kafka = new Kafka({
    clientId: opts.clientId,
    brokers: opts.brokers,
    connectionTimeout: 2_000,
    requestTimeout: 10_000,
    // Fail fast so the collector can answer "retry later" within the exporter's timeout.
    retry: { retries: 3, initialRetryTime: 200, maxRetryTime: 2_000 },
    logLevel: logLevel.WARN,
    logCreator: kafkaLogCreator(log),
  });
  const consumers = new Set<Consumer>();
  let producer: Promise<Producer> | undefined;
  let topicReady: Promise<void> | undefined;
  let closed = false;

  const ensureTopic = (): Promise<void> =>
    (topicReady ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        // Creating a topic that exists is answered with an error the client logs: look first.
        if ((await admin.listTopics()).includes(opts.topic)) return;
        const created = await admin.createTopics({
          waitForLeaders: true,
          topics: [
            {
              topic: opts.topic,
              numPartitions: opts.partitions,
              replicationFactor: -1,
              configEntries: [{ name: 'max.message.bytes', value: String(TOPIC_MAX_MESSAGE_BYTES) }],
            },
          ],
        });
        if (created) log.info({ topic: opts.topic, partitions: opts.partitions }, 'created topic');
      } finally {
        await admin.disconnect();
      }
    })().catch((err: unknown) => {
      topicReady = undefined;
      throw err;
    }));

  const connectProducer = (): Promise<Producer> =>
    (producer ??= (async () => {
      await ensureTopic();
      const p = kafka.producer({
        idempotent: true,
        // kafkajs keeps ordering with idempotence only with one request in flight per broker.
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        // Java-compatible murmur2, so other Kafka clients agree on which partition holds a session.
        createPartitioner: Partitioners.DefaultPartitioner,
        retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 },
      });
      await p.connect();
      return p;
    })().catch((err: unknown) => {
      producer = undefined;
      throw err;
    }));

  /** After a failure the producer is rebuilt, so a broker that comes back gets a fresh connection and producer id. */
  const resetProducer = async () => {
    const p = producer;
    producer = undefined;
    await p?.then((x) => x.disconnect()).catch(() => undefined);
  };

  const queue = new PublishQueue({
    maxRequestBytes: MAX_REQUEST_BYTES,
    timeoutMs: opts.publishTimeoutMs,
    send: async (messages: BusMessage[]) => {
      try {
        const p = await connectProducer();
        await p.send({
          topic: opts.topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: messages.map((m) => ({ key: m.key, value: m.value })),
        });
      } catch (err) {
        const classified = classifyProduceError(err);
        if (classified instanceof BusUnavailableError) await resetProducer();
        throw classified;
      }
    },
  });

  return {
    kind: 'kafka',
    publish(messages) {
      if (closed) return Promise.reject(new BusUnavailableError('bus is shutting down'));
      return queue.publish(messages);
    },

    async subscribe(group: string, handler: BatchHandler, options: SubscribeOptions = {}) {
      await ensureTopic();
      const consumer = kafka.consumer({
        groupId: group,
        allowAutoTopicCreation: false,
        maxBytesPerPartition: 4 << 20,
        sessionTimeout: SESSION_TIMEOUT_MS,
        heartbeatInterval: HEARTBEAT_MS,
      });
      consumers.add(consumer);
      consumer.on(consumer.events.GROUP_JOIN, (e) =>
        log.info(
          { group, memberId: e.payload.memberId, partitions: e.payload.memberAssignment[opts.topic] ?? [] },
          'joined consumer group',
        ),
      );
      await consumer.connect();
      await consumer.subscribe({ topic: opts.topic, fromBeginning: true });
      // Not awaited: joining the group can wait for a dead member's session to expire, and nothing that
      // starts after triage (the API) should wait with it. kafkajs rejoins by itself after failures.
      void consumer
        .run({
          partitionsConsumedConcurrently: options.partitionsAtOnce ?? 1,
          autoCommit: false,
          eachBatchAutoResolve: false,
          eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
            if (batch.messages.length === 0 || !isRunning() || isStale()) return;
            const delivered = {
              partition: batch.partition,
              messages: batch.messages.map((m) => ({
                key: m.key?.toString('utf8') ?? '',
                value: m.value ?? Buffer.alloc(0),
                partition: batch.partition,
                offset: m.offset,
              })),
            };
            // A failed batch is retried here, heartbeating meanwhile, rather than thrown at kafkajs (which
            // would restart the consumer and rejoin the group); a revoked partition stops the retries.
            for (let failures = 1; ; failures++) {
              try {
                await whileBeating(heartbeat, () => handler(delivered));
                break;
              } catch (err) {
                const delayMs = retryDelayMs(failures);
                log.warn(
                  { err, partition: batch.partition, offset: batch.firstOffset(), delayMs },
                  'batch not processed; retrying later',
                );
                const stop = () => !isRunning() || isStale();
                await pause(delayMs, stop, heartbeat);
                if (stop()) return;
              }
            }
            // Advance the fetch position, then make it durable in the group.
            resolveOffset(batch.lastOffset());
            const next = (BigInt(batch.lastOffset()) + 1n).toString();
            await consumer.commitOffsets([{ topic: opts.topic, partition: batch.partition, offset: next }]);
            await heartbeat();
          },
        })
        .catch((err: unknown) => log.error({ err, group }, 'kafka consumer stopped'));
      return {
        close: async () => {
          consumers.delete(consumer);
          await consumer.disconnect();
        },
      };
    },

    async lag(group: string) {
      await ensureTopic();
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [ends, committed] = await Promise.all([
          admin.fetchTopicOffsets(opts.topic),
          admin.fetchOffsets({ groupId: group, topics: [opts.topic] }),
        ]);
        const at = new Map(committed[0]?.partitions.map((p) => [p.partition, p.offset]));
        let lag = 0n;
        for (const p of ends) {
          // -1: the group has committed nothing on this partition, so all retained messages wait.
          const from = at.get(p.partition);
          lag += BigInt(p.high) - BigInt(from === undefined || from === '-1' ? p.low : from);
        }
        return Number(lag);
      } finally {
        await admin.disconnect();
      }
    },

    async close() {
      closed = true;
      await queue.drain();
      await Promise.all([...consumers].map((c) => c.disconnect()));
      consumers.clear();
      await resetProducer();
    },
  };
}
