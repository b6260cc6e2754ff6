import { describe, expect, it } from 'vitest';
import {
  dispositionToRow,
  eventToRow,
  findingToRow,
  millisToDateTime64,
  nanosToDateTime64,
  rowToDisposition,
  rowToEvent,
  rowToFinding,
  rowToSession,
  sessionToRow,
} from './rows.ts';
import type { Disposition } from '../schemas/findings.ts';
import { makeEvent, makeFinding, makeSession } from './test-fixtures.ts';

// Pure converter checks; the round trips through ClickHouse are in store.test.ts.
describe('time encodings', () => {
  it('writes exact UTC DateTime64 text', () => {
    expect(nanosToDateTime64('1767262807123456789')).toBe('2026-01-01 10:20:07.123456789');
    expect(nanosToDateTime64('5')).toBe('1970-01-01 00:00:00.000000005');
    expect(nanosToDateTime64('99999999999999999999')).toBe('2200-01-01 00:00:00.000000000'); // clamped
    expect(millisToDateTime64(1_000)).toBe('1970-01-01 00:00:01.000');
    expect(millisToDateTime64(1_767_262_807_042)).toBe('2026-01-01 10:20:07.042');
    expect(() => nanosToDateTime64('-1')).toThrow(RangeError);
    expect(() => millisToDateTime64(1.5)).toThrow(RangeError);
  });
});

describe('converters', () => {
  it('flattens an event into typed columns, its long texts once, and rebuilds it from them', () => {
    const event = makeEvent(3);
    const row = eventToRow(event);
    expect(row).toMatchObject({
      kind: 'tool_result',
      tool_name: 'shell',
      result_success: false,
      sequence: 3,
    });
    expect(row.event_json).not.toContain(event.result!.output!);
    expect(rowToEvent(row)).toEqual(event);
    // Rows written before the texts moved to their columns hold them in the JSON, and read the same.
    expect(rowToEvent({ event_json: JSON.stringify(event) })).toEqual(event);
    expect(() => rowToEvent({ event_json: '{"eventId":"nope"}' })).toThrow();
  });

  it('maps sessions and findings both ways, as ClickHouse returns them', () => {
    const s = makeSession({ userEmail: undefined, userId: 'u-1' });
    const row = sessionToRow(s);
    const { first_event_time: _a, last_event_time: _b, last_activity_at: _c, updated_at: _d, ...rest } = row;
    const read = {
      ...rest,
      first_event_time_ns: s.firstEventTimeUnixNano,
      last_event_time_ns: s.lastEventTimeUnixNano,
      last_activity_at_ms: String(s.lastActivityAtMs), // Int64 arrives quoted
      updated_at_ms: String(s.updatedAtMs),
    };
    const { userEmail: _e, ...expected } = s;
    expect(rowToSession(read)).toEqual(expected);

    const f = makeFinding(2);
    const { created_at: _f, ...frest } = findingToRow(f);
    expect(rowToFinding({ ...frest, created_at_ms: f.createdAtMs })).toEqual(f);

    const d: Disposition = {
      dispositionId: 'd-1',
      findingId: f.findingId,
      workspace: 'acme',
      sessionId: 's-1',
      status: 'acknowledged',
      analystVerdict: 'true_positive',
      assignee: 'ana',
      reason: 'confirmed',
      note: 'Talked to the developer.',
      actor: 'ana@acme.test',
      createdAtMs: 1_767_262_900_000,
    };
    const { created_at: _g, ...drest } = dispositionToRow(d);
    expect(rowToDisposition({ ...drest, created_at_ms: '1767262900000' })).toEqual(d);
  });

  it('rejects values ClickHouse would silently wrap or refuse', () => {
    expect(() => sessionToRow(makeSession({ score: 300 }))).toThrow();
    expect(() => sessionToRow(makeSession({ confidence: 1.5 }))).toThrow();
    expect(() => findingToRow(makeFinding(1, { findingId: '' }))).toThrow();
    expect(() => rowToSession({ ...sessionToRow(makeSession()), verdict: 'evil' })).toThrow();
  });
});
