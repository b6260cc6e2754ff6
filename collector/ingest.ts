import type { Logger } from 'pino';
import { BusRejectedError, BusUnavailableError, type BusPublisher } from '../bus/types.ts';
import { CollectorError } from './errors.ts';
import { DecodeError, type BodyEncoding } from './otlp/decode.ts';
import { prepareExport, type Signal } from './prepare.ts';
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
  usage: ReturnType<UsageCounters['snapshot']>;
}

export interface Ingest {
  /** Decodes, normalizes and publishes one export request; resolves only after the bus has it durably. */
  export(signal: Signal, body: Uint8Array, encoding: BodyEncoding, workspace: string): Promise<ExportOutcome>;
  /** Admission control on bytes in flight; returns the release function. Throws OVERLOADED when full. */
  admit(bytes: number): () => void;
  stats(): IngestStats;
}

const MAX_REASONS_IN_ANSWER = 5;

export function createIngest(deps: { bus: BusPublisher; logger: Logger; maxInflightBytes: number }): Ingest {
  const log = deps.logger.child({ component: 'ingest' });
  const usage = new UsageCounters();
  const counts = {
    accepted: { traces: 0, logs: 0, metrics: 0 },
    rejected: { traces: 0, logs: 0, metrics: 0 },
    derivedSessions: 0,
  };
  let inflight = 0;

  return {
    async export(signal, body, encoding, workspace) {
      let prepared;
      try {
        prepared = prepareExport(signal, body, encoding, workspace);
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
