import type { Logger } from 'pino';
import { BusRejectedError, BusUnavailableError, type BusPublisher } from '../bus/types.ts';
import type { IngestPrincipal } from '../schemas/ingest-tokens.ts';
import { CollectorError } from './errors.ts';
import { DecodeError, type BodyEncoding } from './otlp/decode.ts';
import type { DropReason } from './normalize/index.ts';
import type { Preparer } from './prepare-pool.ts';
import type { Signal } from './prepare.ts';
import { UsageCounters } from './usage.ts';

export { SIGNALS, type Signal } from './prepare.ts';

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
  /** Records taken but not kept on purpose, by why: an agent's own diagnostics, copies of its log events. */
  dropped: Partial<Record<DropReason, number>>;
  /** Strings that arrived as invalid UTF-8 or UTF-16 and were stored with U+FFFD. */
  repairedStrings: number;
  /** Secrets replaced by masks before reaching the bus. */
  maskedSecrets: number;
  /** Exports answered "slow down" because too many bytes were in flight. */
  overloaded: number;
  /** Request bytes (after decompression) held by exports in progress. */
  inflightBytes: number;
  usage: ReturnType<UsageCounters['snapshot']>;
}

/**
 * One export's share of the collector's memory budget: the receiver takes the bytes it reads (after
 * decompression, as they arrive) and releases them all when the export is answered.
 */
export interface Admission {
  /** Throws OVERLOADED when these bytes would put the collector over its budget. */
  take(bytes: number): void;
  release(): void;
}

export interface Ingest {
  /** Decodes, normalizes and publishes one export request; resolves only after the bus has it durably. */
  export(
    signal: Signal,
    body: Uint8Array,
    encoding: BodyEncoding,
    principal: IngestPrincipal,
  ): Promise<ExportOutcome>;
  /** A new export's admission; the receiver must release it once the export is answered. */
  admission(): Admission;
  stats(): IngestStats;
}

const MAX_REASONS_IN_ANSWER = 5;

export function createIngest(deps: {
  bus: BusPublisher;
  logger: Logger;
  maxInflightBytes: number;
  preparer: Preparer;
}): Ingest {
  const log = deps.logger.child({ component: 'ingest' });
  const usage = new UsageCounters();
  const counts = {
    accepted: { traces: 0, logs: 0, metrics: 0 },
    rejected: { traces: 0, logs: 0, metrics: 0 },
    derivedSessions: 0,
    dropped: {} as Partial<Record<DropReason, number>>,
    repairedStrings: 0,
    maskedSecrets: 0,
    overloaded: 0,
  };
  let inflight = 0;

  return {
    async export(signal, body, encoding, principal) {
      const { workspace } = principal;
      let prepared;
      try {
        prepared = await deps.preparer.prepare(signal, body, encoding, principal, Date.now());
      } catch (err) {
        if (err instanceof DecodeError)
          throw new CollectorError('DECODE_FAILED', err.message, undefined, { cause: err });
        throw err;
      }
      const { messages, reasons } = prepared;
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
      counts.accepted[signal] +=
        signal === 'metrics' ? usage.record(workspace, prepared.metricPoints) : prepared.accepted;
      counts.rejected[signal] += reasons.length;
      counts.derivedSessions += prepared.derived;
      for (const [why, n] of Object.entries(prepared.dropped) as [DropReason, number][])
        counts.dropped[why] = (counts.dropped[why] ?? 0) + n;
      counts.repairedStrings += prepared.text.repaired;
      counts.maskedSecrets += prepared.text.masked;
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

    admission() {
      let held = 0;
      return {
        take(bytes) {
          // An export alone is always admitted (its size is bounded by the receiver's limit); beside others,
          // it may not take the collector past its budget.
          if (inflight > held && inflight + bytes > deps.maxInflightBytes) {
            counts.overloaded++;
            throw new CollectorError(
              'OVERLOADED',
              `collector has ${inflight} request bytes in flight (limit ${deps.maxInflightBytes}); retry later`,
              1,
            );
          }
          inflight += bytes;
          held += bytes;
        },
        release() {
          inflight -= held;
          held = 0;
        },
      };
    },

    stats: () => ({
      accepted: { ...counts.accepted },
      rejected: { ...counts.rejected },
      derivedSessions: counts.derivedSessions,
      dropped: { ...counts.dropped },
      repairedStrings: counts.repairedStrings,
      maskedSecrets: counts.maskedSecrets,
      overloaded: counts.overloaded,
      inflightBytes: inflight,
      usage: usage.snapshot(),
    }),
  };
}
