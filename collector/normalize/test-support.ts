/** Test-only builders for decoded OTLP records, shaped like `collector/otlp/decode.ts` output. */
import type { AgentEvent } from '../../schemas/agent-event.ts';
import type { Attributes, OtlpLogRecord, OtlpSpan } from '../otlp/model.ts';
import type { Normalized } from './envelope.ts';

export const ctx = { workspace: 'acme-prod' };

export function logRecord(
  attributes: Attributes,
  resource: Attributes = {},
  overrides: Partial<OtlpLogRecord> = {},
): OtlpLogRecord {
  return {
    resource: { attributes: resource },
    scope: { name: 'test.scope', version: '' },
    timeUnixNano: '1767262800100000000',
    observedTimeUnixNano: '1767262800200000000',
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes,
    traceId: '',
    spanId: '',
    eventName: '',
    ...overrides,
  };
}

export function span(name: string, attributes: Attributes, overrides: Partial<OtlpSpan> = {}): OtlpSpan {
  return {
    resource: { attributes: { 'service.name': 'test-agent' } },
    scope: { name: 'test.scope', version: '' },
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    spanId: '7a085853722dc6d2',
    parentSpanId: '00f067aa0ba902b7',
    name,
    kind: 1,
    startTimeUnixNano: '1767262802100000000',
    endTimeUnixNano: '1767262803400000000',
    attributes,
    events: [],
    status: { code: 0, message: '' },
    ...overrides,
  };
}

/**
 * The event of a successful normalization (of a record that yields exactly one); fails the test with the
 * reason otherwise.
 */
export function eventOf(result: Normalized | Normalized[] | undefined): AgentEvent {
  if (Array.isArray(result)) {
    if (result.length !== 1) throw new Error(`${result.length} results, not one`);
    return eventOf(result[0]);
  }
  if (result === undefined) throw new Error('no result');
  if (result.ok !== true) throw new Error(`not an event: ${result.reason}`);
  return result.event;
}

export function eventsOf(results: Normalized[]): AgentEvent[] {
  return results.map(eventOf);
}
