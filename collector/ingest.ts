import type { Logger } from 'pino';
import { agentEventKey, type AgentEvent } from '../schemas/agent-event.ts';
import { BusRejectedError, BusUnavailableError, type BusMessage, type BusPublisher } from '../bus/types.ts';
import { CollectorError } from './errors.ts';
import { normalizeLogRecord, normalizeSpan, type Normalized } from './normalize/index.ts';
import {
  DecodeError,
  decodeExportLogsRequest,
  decodeExportMetricsRequest,
  decodeExportTraceRequest,
  type BodyEncoding,
} from './otlp/decode.ts';
import { UsageCounters } from './usage.ts';

export const SIGNALS = ['traces', 'logs', 'metrics'] as const;
export type Signal = (typeof SIGNALS)[number];

/** What the export answer reports: OTLP `partial_success` when `rejected > 0` or a warning is set. */
export interface ExportOutcome {
  rejected: number;
  errorMessage: string;
}

export interface IngestStats {
  accepted: Record<Signal, number>;
  rejected: Record<Signal, number>;
  /** Records stored under a session id derived from their trace or resource (they carried none). */
  derivedSessions: number;
  usage: ReturnType<UsageCounters['snapshot']>;
}

export interface Ingest {
  /** Decodes, normalizes and publishes one export request; resolves only after the bus has it durably. */
  export(signal: Signal, body: Uint8Array, encoding: BodyEncoding, workspace: string): Promise<ExportOutcome>;
  /** Admission control on bytes in flight; returns the release function. Throws OVERLOADED when full. */
  admit(bytes: number): () => void;
  stats(): IngestStats;
}

/** Leaves room for the Kafka record overhead under the broker's 1 MB default message size. */
const MAX_EVENT_BYTES = 900_000;
const MAX_REASONS_IN_ANSWER = 5;

/** A normalizer's rejection, prefixed with where the record sat in the request. */
const located = (path: string | undefined, n: Normalized): Normalized =>
  n.ok || !path ? n : { ok: false, reason: `${path}: ${n.reason}` };

/**
 * GenAI `execute_tool` spans carry no conversation id, while the chat and agent spans of the same trace
 * do: within one request, a span whose session had to be derived from its trace joins that conversation.
 */
function joinTraceSessions(results: Normalized[]): Normalized[] {
  const conversationOfTrace = new Map<string, string>();
  for (const r of results) {
    if (r.ok && !r.event.sessionIdDerived && r.event.traceId)
      conversationOfTrace.set(r.event.traceId, r.event.sessionId);
  }
  if (conversationOfTrace.size === 0) return results;
  for (const r of results) {
    if (!r.ok || !r.event.sessionIdDerived || !r.event.traceId) continue;
    const conversation = conversationOfTrace.get(r.event.traceId);
    if (conversation && r.event.sessionId === `trace:${r.event.traceId}`) r.event.sessionId = conversation;
  }
  return results;
}

const isDerivedSessionId = (id: string) => id.startsWith('trace:') || id.startsWith('resource:');

export function createIngest(deps: { bus: BusPublisher; logger: Logger; maxInflightBytes: number }): Ingest {
  const log = deps.logger.child({ component: 'ingest' });
  const usage = new UsageCounters();
  const counts = {
    accepted: { traces: 0, logs: 0, metrics: 0 },
    rejected: { traces: 0, logs: 0, metrics: 0 },
    derivedSessions: 0,
  };
  let inflight = 0;

  function decode(signal: Signal, body: Uint8Array, encoding: BodyEncoding, workspace: string) {
    try {
      switch (signal) {
        case 'logs': {
          const b = decodeExportLogsRequest(body, encoding);
          const results = b.records.map((r) => located(r.path, normalizeLogRecord(r, { workspace })));
          return { results, rejections: b.rejections };
        }
        case 'traces': {
          const b = decodeExportTraceRequest(body, encoding);
          const results = b.records.flatMap((s) =>
            normalizeSpan(s, { workspace }).map((n) => located(s.path, n)),
          );
          return { results: joinTraceSessions(results), rejections: b.rejections };
        }
        case 'metrics': {
          const b = decodeExportMetricsRequest(body, encoding);
          counts.accepted.metrics += usage.record(workspace, b.records);
          return { results: [] as Normalized[], rejections: b.rejections };
        }
      }
    } catch (err) {
      if (err instanceof DecodeError)
        throw new CollectorError('DECODE_FAILED', err.message, undefined, { cause: err });
      throw err;
    }
  }

  return {
    async export(signal, body, encoding, workspace) {
      const { results, rejections } = decode(signal, body, encoding, workspace);
      const reasons = rejections.map((r) => r.reason);
      const messages: BusMessage[] = [];
      const events: AgentEvent[] = [];
      for (const r of results) {
        if (!r.ok) {
          reasons.push(r.reason);
          continue;
        }
        const value = Buffer.from(JSON.stringify(r.event), 'utf8');
        if (value.length > MAX_EVENT_BYTES) {
          reasons.push(
            `${r.event.sourceEvent} event ${r.event.eventId}: ${value.length} bytes exceeds ${MAX_EVENT_BYTES}`,
          );
          continue;
        }
        messages.push({ key: agentEventKey(r.event), value });
        events.push(r.event);
      }
      try {
        await deps.bus.publish(messages);
      } catch (err) {
        if (err instanceof BusUnavailableError) {
          throw new CollectorError(
            'BUS_UNAVAILABLE',
            `${err.message}; nothing was stored, retry later`,
            err.retryAfterSeconds,
            {
              cause: err,
            },
          );
        }
        if (err instanceof BusRejectedError)
          throw new CollectorError('INTERNAL', err.message, undefined, { cause: err });
        throw err;
      }
      counts.accepted[signal] += events.length;
      counts.rejected[signal] += reasons.length;
      counts.derivedSessions += events.filter((e) => isDerivedSessionId(e.sessionId)).length;
      if (reasons.length)
        log.warn(
          { workspace, signal, rejected: reasons.length, reasons: reasons.slice(0, 20) },
          'rejected records',
        );
      const shown = reasons.slice(0, MAX_REASONS_IN_ANSWER).join('; ');
      const more =
        reasons.length > MAX_REASONS_IN_ANSWER ? ` (and ${reasons.length - MAX_REASONS_IN_ANSWER} more)` : '';
      return {
        rejected: reasons.length,
        errorMessage: reasons.length ? `${reasons.length} rejected: ${shown}${more}` : '',
      };
    },

    admit(bytes) {
      if (inflight > 0 && inflight + bytes > deps.maxInflightBytes) {
        throw new CollectorError('OVERLOADED', `collector has ${inflight} bytes in flight; retry later`, 1);
      }
      inflight += bytes;
      let released = false;
      return () => {
        if (!released) inflight -= bytes;
        released = true;
      };
    },

    stats: () => ({
      accepted: { ...counts.accepted },
      rejected: { ...counts.rejected },
      derivedSessions: counts.derivedSessions,
      usage: usage.snapshot(),
    }),
  };
}
