// Integration: kafkajs 2.2.4 against the real KRaft broker from scripts/kafka-broker.ts (no mocks).
// Proves the client/broker pair Warden's bus relies on: admin topic creation, an idempotent gzip producer
// with acks=all, a consumer group committing after processing, and a broker restart keeping its data.
import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CompressionTypes, Kafka, Partitioners, logLevel } from 'kafkajs';
import type { Admin, Consumer, EachBatchPayload, Producer } from 'kafkajs';
import { describe, expect, inject, it } from 'vitest';
import { startKafkaBroker } from '../scripts/kafka-broker.ts';
import type { KafkaBroker } from '../scripts/kafka-broker.ts';

interface Received {
  key: string;
  value: string;
  partition: number;
  offset: string;
}

function client(brokers: string): Kafka {
  // WARN so kafkajs quirks against this broker show up in the test output.
  return new Kafka({
    clientId: `it-${randomUUID().slice(0, 8)}`,
    brokers: [brokers],
    logLevel: logLevel.WARN,
  });
}

/** Idempotent producer: kafkajs requires acks=-1 and at most one in-flight request for it. */
function idempotentProducer(kafka: Kafka): Producer {
  return kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // Java-compatible murmur2 (also silences kafkajs' "default partitioner changed" warning).
    createPartitioner: Partitioners.DefaultPartitioner,
  });
}

async function waitFor(
  cond: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Runs an eachBatch consumer that records every message and commits only after processing a batch. */
async function runCommittingConsumer(consumer: Consumer, topic: string, sink: Received[]): Promise<void> {
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
      let next: bigint | undefined;
      for (const m of batch.messages) {
        if (!isRunning() || isStale()) break;
        sink.push({
          key: String(m.key),
          value: String(m.value),
          partition: batch.partition,
          offset: m.offset,
        });
        resolveOffset(m.offset);
        next = BigInt(m.offset) + 1n;
      }
      if (next !== undefined) {
        // Committed offset = next offset to read, written after the messages were processed.
        await consumer.commitOffsets([
          { topic: batch.topic, partition: batch.partition, offset: next.toString() },
        ]);
      }
      await heartbeat();
    },
  });
}

async function committedEqualsHighWatermarks(admin: Admin, groupId: string, topic: string): Promise<boolean> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const ends = await admin.fetchTopicOffsets(topic);
  return ends.every((e) => committed?.partitions.find((p) => p.partition === e.partition)?.offset === e.high);
}

describe('kafkajs 2.2.4 against the test broker', () => {
  it('creates a topic, produces idempotently with gzip, consumes exactly once in key order, keeps commits', async () => {
    const kafka = client(inject('kafkaBrokers'));
    const topic = `it-broker-${randomUUID()}`;
    const groupId = `it-group-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = idempotentProducer(kafka);
    const consumers: Consumer[] = [];
    try {
      await admin.connect();
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 3, replicationFactor: 1 }],
      });
      expect(created).toBe(true);
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      expect(meta?.partitions).toHaveLength(3);

      // 12 keys x 25 messages, interleaved across keys, sent in 3 acks=all gzip batches.
      const KEYS = Array.from({ length: 12 }, (_, i) => `key-${i}`);
      const PER_KEY = 25;
      const all = Array.from({ length: PER_KEY }, (_, seq) =>
        KEYS.map((key) => ({ key, value: `${key}:${seq}` })),
      ).flat();
      await producer.connect();
      for (let i = 0; i < all.length; i += 100) {
        const meta = await producer.send({
          topic,
          acks: -1,
          compression: CompressionTypes.GZIP,
          messages: all.slice(i, i + 100),
        });
        expect(meta.every((m) => m.errorCode === 0)).toBe(true);
      }

      // Consume with a group, committing after each processed batch.
      const received: Received[] = [];
      const first = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      consumers.push(first);
      await first.connect();
      await runCommittingConsumer(first, topic, received);
      await waitFor(() => received.length >= all.length, `${all.length} messages`);
      await waitFor(() => committedEqualsHighWatermarks(admin, groupId, topic), 'commits to reach the end');

      // Exactly once: every produced value arrived, none twice.
      expect(received).toHaveLength(all.length);
      expect(new Set(received.map((r) => r.value)).size).toBe(all.length);
      expect(received.map((r) => r.value).sort()).toEqual(all.map((m) => m.value).sort());
      // Same key => one partition, in send order.
      for (const key of KEYS) {
        const mine = received.filter((r) => r.key === key);
        expect(new Set(mine.map((r) => r.partition)).size).toBe(1);
        expect(mine.map((r) => Number(r.value.split(':')[1]))).toEqual(
          Array.from({ length: PER_KEY }, (_, i) => i),
        );
      }
      // 12 keys hash (murmur2) onto more than one of the 3 partitions.
      expect(new Set(received.map((r) => r.partition)).size).toBeGreaterThan(1);

      // Reconnect the same group: committed offsets mean nothing old comes back. Proven without sleeping:
      // after the group has joined, one sentinel per partition is produced; a partition is read in offset
      // order, so any re-delivered old message would arrive before that partition's sentinel.
      await first.disconnect();
      const again: Received[] = [];
      const second = kafka.consumer({ groupId, maxWaitTimeInMs: 200 });
      consumers.push(second);
      let joined = false;
      second.on(second.events.GROUP_JOIN, () => {
        joined = true;
      });
      await second.connect();
      await runCommittingConsumer(second, topic, again);
      await waitFor(() => joined, 'the second consumer to join the group');
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [0, 1, 2].map((partition) => ({
          partition,
          key: 'sentinel',
          value: `sentinel-${partition}`,
        })),
      });
      await waitFor(() => again.length >= 3, 'the 3 sentinels');
      expect(again.map((r) => r.value).sort()).toEqual(['sentinel-0', 'sentinel-1', 'sentinel-2']);
    } finally {
      for (const c of consumers) await c.disconnect().catch(() => {});
      await producer.disconnect().catch(() => {});
      await admin.deleteTopics({ topics: [topic] }).catch(() => {});
      await admin.disconnect().catch(() => {});
    }
  });

  it('restarts a stopped broker on the same ports and data dir, keeping its messages', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'warden-kafka-restart-'));
    let broker: KafkaBroker | undefined;
    try {
      broker = await startKafkaBroker({ dataDir });
      const { port, controllerPort, brokers } = broker;
      const topic = `it-restart-${randomUUID()}`;
      const value = `before-stop-${randomUUID()}`;

      const before = client(brokers);
      const admin = before.admin();
      await admin.connect();
      const { clusterId } = await admin.describeCluster();
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic, numPartitions: 1, replicationFactor: 1 }],
      });
      await admin.disconnect();
      const producer = idempotentProducer(before);
      await producer.connect();
      await producer.send({
        topic,
        acks: -1,
        compression: CompressionTypes.GZIP,
        messages: [{ key: 'k', value }],
      });
      await producer.disconnect();

      await broker.stop();
      // The broker's own segment shows what kafkajs wrote: a v2 record batch, gzip (attributes & 7 === 1),
      // with a real producer id and sequence 0 (idempotence), i.e. not just client-side claims.
      const segment = await readFile(join(dataDir, 'logs', `${topic}-0`, '00000000000000000000.log'));
      expect(segment.readInt8(16)).toBe(2);
      expect(segment.readInt16BE(21) & 0x7).toBe(1);
      expect(segment.readBigInt64BE(43)).toBeGreaterThanOrEqual(0n);
      expect(segment.readInt32BE(53)).toBe(0);

      broker = await startKafkaBroker({ dataDir, port, controllerPort });
      expect(broker.brokers).toBe(brokers);

      const after = client(broker.brokers);
      const admin2 = after.admin();
      await admin2.connect();
      // Same cluster id: the data dir was reused, not re-formatted.
      expect((await admin2.describeCluster()).clusterId).toBe(clusterId);
      await admin2.disconnect();
      const got: Received[] = [];
      const consumer = after.consumer({ groupId: `it-restart-${randomUUID()}`, maxWaitTimeInMs: 200 });
      try {
        await consumer.connect();
        await runCommittingConsumer(consumer, topic, got);
        await waitFor(() => got.length >= 1, 'the message produced before the restart');
      } finally {
        await consumer.disconnect();
      }
      expect(got.map((r) => r.value)).toEqual([value]);
    } finally {
      await broker?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
