import { describe, expect, it } from 'vitest';
import { normalizeLogRecord, normalizeSpan } from './index.ts';
import { ctx, eventOf, logRecord, span } from './test-support.ts';

describe('generic fallback', () => {
  it('keeps an unknown log record as other with all attributes and its body', () => {
    const record = logRecord(
      { 'event.name': 'aider.command', 'session.id': 's-1', command: '/run make deploy', retries: 2 },
      { 'service.name': 'aider', 'service.version': '0.80.0' },
      { body: 'ran command' },
    );
    const event = eventOf(normalizeLogRecord(record, ctx));
    expect(event).toMatchObject({
      source: 'generic',
      kind: 'other',
      sourceEvent: 'aider.command',
      sessionId: 's-1',
      sessionIdDerived: false,
      agent: { name: 'aider', version: '0.80.0' },
      attributes: {
        'event.name': 'aider.command',
        command: '/run make deploy',
        retries: '2',
        'log.body': 'ran command',
        'resource.service.name': 'aider',
      },
    });
  });

  it('names an unnamed record "log", falls back to the source as agent name and derives the session', () => {
    const event = eventOf(normalizeLogRecord(logRecord({}), ctx));
    expect(event).toMatchObject({ sourceEvent: 'log', agent: { name: 'generic' }, sessionIdDerived: true });
  });

  it('keeps unknown spans, recording a failure without changing the kind', () => {
    const [event] = normalizeSpan(
      span('POST /deploy', { 'http.method': 'POST' }, { status: { code: 2, message: 'HTTP 500' } }),
      ctx,
    );
    expect(eventOf(event)).toMatchObject({
      source: 'generic',
      kind: 'other',
      sourceEvent: 'POST /deploy',
      sessionId: 'trace:4bf92f3577b34da6a3ce929d0e0e4736',
      result: { success: false, error: 'HTTP 500' },
    });
  });
});
