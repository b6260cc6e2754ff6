import { EventEmitter } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { Logger } from 'pino';
import { PublishQueue } from './publish-queue.ts';
import { pause, retryDelayMs } from './retry.ts';
import {
  BusUnavailableError,
  type BatchHandler,
  type Bus,
  type BusMessage,
  type DeliveredMessage,
} from './types.ts';

export interface EmbeddedBusOptions {
  /** Folder of the log: `segments/` and `groups/` live below it. */
  dir: string;
  publishTimeoutMs: number;
  logger: Logger;
  /** A new segment starts past this size; fully consumed old segments are deleted. */
  segmentBytes?: number;
}

const HEADER = 8; // u32 payload length, u32 crc32 of the payload
const MAX_BATCH_MESSAGES = 2_000;
const READ_CHUNK = 1 << 20;

function frame(m: BusMessage): Buffer {
  const key = Buffer.from(m.key, 'utf8');
  const payload = Buffer.allocUnsafe(4 + key.length + m.value.length);
  payload.writeUInt32BE(key.length, 0);
  key.copy(payload, 4);
  m.value.copy(payload, 4 + key.length);
  const header = Buffer.allocUnsafe(HEADER);
  header.writeUInt32BE(payload.length, 0);
  header.writeUInt32BE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Parses whole frames from `buf`; stops at the first incomplete or corrupt one. `ends[i]` is where frame i ends. */
function parseFrames(buf: Buffer): { messages: BusMessage[]; ends: number[]; consumed: number } {
  const messages: BusMessage[] = [];
  const ends: number[] = [];
  let pos = 0;
  while (pos + HEADER <= buf.length) {
    const len = buf.readUInt32BE(pos);
    if (pos + HEADER + len > buf.length) break;
    const payload = buf.subarray(pos + HEADER, pos + HEADER + len);
    if (crc32(payload) !== buf.readUInt32BE(pos + 4)) break;
    const keyLen = payload.readUInt32BE(0);
    messages.push({
      key: payload.toString('utf8', 4, 4 + keyLen),
      value: Buffer.from(payload.subarray(4 + keyLen)),
    });
    pos += HEADER + len;
    ends.push(pos);
  }
  return { messages, ends, consumed: pos };
}

const segmentName = (base: bigint) => `${base.toString().padStart(20, '0')}.log`;

interface Segment {
  base: bigint;
  path: string;
}

/** Where a consumer stands: the next offset to read and the byte position of its frame. */
interface Cursor {
  segment: Segment;
  pos: number;
  at: bigint;
}

/**
 * The in-process bus for the embedded default: an append-only, checksummed log on local disk with one
 * partition. A publish resolves only after its frames are written and fdatasync'ed (group commit), and
 * consumer groups persist their committed offset after the handler resolves, so an acknowledged export
 * survives a crash and is delivered after restart (Kafka's at-least-once contract, on one machine).
 */
export async function openEmbeddedBus(opts: EmbeddedBusOptions): Promise<Bus> {
  const log = opts.logger.child({ component: 'bus.embedded' });
  const segmentsDir = join(opts.dir, 'segments');
  const groupsDir = join(opts.dir, 'groups');
  await mkdir(segmentsDir, { recursive: true });
  await mkdir(groupsDir, { recursive: true });
  const segmentBytes = opts.segmentBytes ?? 64 << 20;

  const segments: Segment[] = (await readdir(segmentsDir))
    .filter((f) => /^\d{20}\.log$/.test(f))
    .sort()
    .map((f) => ({ base: BigInt(f.slice(0, 20)), path: join(segmentsDir, f) }));
  if (segments.length === 0) segments.push({ base: 0n, path: join(segmentsDir, segmentName(0n)) });

  // Recover the tail: count whole frames of the last segment and cut a torn write from a crash.
  const active = segments[segments.length - 1]!;
  let writer: FileHandle = await open(active.path, 'a+');
  let activeSize = 0;
  let endOffset = active.base;
  {
    const buf = await readFile(active.path);
    const parsed = parseFrames(buf);
    endOffset += BigInt(parsed.messages.length);
    activeSize = parsed.consumed;
    if (parsed.consumed < buf.length) {
      log.warn(
        { segment: active.path, dropped: buf.length - parsed.consumed },
        'truncating torn tail of the bus log',
      );
      await writer.truncate(parsed.consumed);
    }
  }

  const appended = new EventEmitter();
  appended.setMaxListeners(0);
  let closed = false;
  const loops = new Set<Promise<void>>();

  const queue = new PublishQueue({
    maxRequestBytes: 16 << 20,
    timeoutMs: opts.publishTimeoutMs,
    send: async (messages) => {
      if (activeSize >= segmentBytes) {
        await writer.close();
        const seg = { base: endOffset, path: join(segmentsDir, segmentName(endOffset)) };
        segments.push(seg);
        writer = await open(seg.path, 'a+');
        activeSize = 0;
      }
      const data = Buffer.concat(messages.map(frame));
      await writer.write(data);
      await writer.datasync();
      activeSize += data.length;
      endOffset += BigInt(messages.length);
      appended.emit('append');
    },
  });

  const groupFile = (group: string) => join(groupsDir, `${encodeURIComponent(group)}.offset`);

  async function committedOffset(group: string): Promise<bigint> {
    try {
      return BigInt((await readFile(groupFile(group), 'utf8')).trim());
    } catch {
      return segments[0]!.base;
    }
  }

  async function commit(group: string, offset: bigint) {
    const tmp = `${groupFile(group)}.tmp`;
    const fh = await open(tmp, 'w');
    await fh.writeFile(offset.toString());
    await fh.sync();
    await fh.close();
    await rename(tmp, groupFile(group));
  }

  /** Deletes closed segments that every known group has consumed past. */
  async function compact() {
    const groups = (await readdir(groupsDir)).filter((f) => f.endsWith('.offset'));
    let min: bigint | undefined;
    for (const g of groups) {
      const off = BigInt((await readFile(join(groupsDir, g), 'utf8')).trim());
      if (min === undefined || off < min) min = off;
    }
    while (min !== undefined && segments.length > 1 && segments[1]!.base <= min) {
      const old = segments.shift()!;
      await rm(old.path, { force: true });
    }
  }

  /**
   * Reads messages from `cursor.at` on, at most up to what is durable. The cursor remembers the byte
   * position, so a consumer reads each frame once instead of rescanning its segment.
   */
  async function readFrom(cursor: Cursor): Promise<{ messages: DeliveredMessage[]; next: Cursor }> {
    let { segment, pos, at } = cursor;
    const oldest = segments[0]!;
    if (at < oldest.base) ({ segment, pos, at } = { segment: oldest, pos: 0, at: oldest.base }); // past retention
    const following = segments.find((s) => s.base > segment.base);
    if (following && at >= following.base)
      ({ segment, pos, at } = { segment: following, pos: 0, at: following.base });
    const fh = await open(segment.path, 'r');
    try {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      let buf = Buffer.alloc(0);
      const messages: DeliveredMessage[] = [];
      while (at < endOffset && messages.length < MAX_BATCH_MESSAGES) {
        const { bytesRead } = await fh.read(chunk, 0, READ_CHUNK, pos + buf.length);
        if (bytesRead === 0) break;
        buf = Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
        const parsed = parseFrames(buf);
        let used = 0;
        for (const [i, m] of parsed.messages.entries()) {
          if (at >= endOffset || messages.length >= MAX_BATCH_MESSAGES) break;
          if (at >= cursor.at) messages.push({ ...m, partition: 0, offset: at.toString() });
          at++;
          used = parsed.ends[i]!;
        }
        pos += used;
        buf = buf.subarray(used);
      }
      return { messages, next: { segment, pos, at } };
    } finally {
      await fh.close();
    }
  }

  /** Positions a new consumer at `offset`: one scan of the segment that holds it. */
  async function seek(offset: bigint): Promise<Cursor> {
    const segment = segments.findLast((s) => s.base <= offset) ?? segments[0]!;
    if (offset <= segment.base) return { segment, pos: 0, at: segment.base };
    const parsed = parseFrames(await readFile(segment.path));
    const n = Math.min(Number(offset - segment.base), parsed.ends.length);
    return { segment, pos: n > 0 ? parsed.ends[n - 1]! : 0, at: segment.base + BigInt(n) };
  }

  const nextAppend = () => new Promise<void>((resolve) => appended.once('append', resolve));

  return {
    kind: 'embedded',
    publish(messages) {
      if (closed) return Promise.reject(new BusUnavailableError('bus is shutting down'));
      return queue.publish(messages);
    },

    async subscribe(group: string, handler: BatchHandler) {
      let cursor = await seek(await committedOffset(group));
      let stopped = false;
      let failures = 0;
      const loop = (async () => {
        while (!stopped && !closed) {
          const wake = nextAppend();
          const { messages, next } =
            cursor.at < endOffset ? await readFrom(cursor) : { messages: [], next: cursor };
          if (messages.length === 0) {
            await wake;
            continue;
          }
          try {
            await handler({ partition: 0, messages });
            failures = 0;
          } catch (err) {
            // At-least-once: nothing is committed, the same messages are offered again after a pause.
            const delayMs = retryDelayMs(++failures);
            log.warn(
              { err, group, offset: cursor.at.toString(), delayMs },
              'batch not processed; retrying later',
            );
            await pause(delayMs, () => stopped || closed);
            continue;
          }
          cursor = next;
          await commit(group, cursor.at);
          await compact();
        }
      })();
      loops.add(loop);
      return {
        close: async () => {
          stopped = true;
          appended.emit('append');
          await loop;
          loops.delete(loop);
        },
      };
    },

    async lag(group: string) {
      return Number(endOffset - (await committedOffset(group)));
    },

    async close() {
      closed = true;
      await queue.drain();
      appended.emit('append');
      await Promise.all(loops);
      await writer.close();
    },
  };
}
