import { describe, expect, it } from 'vitest';
import type { AgentEvent } from '../schemas/agent-event.ts';
import { eventJson } from './hygiene.ts';

const event = (output: string, attributes: Record<string, string> = {}): AgentEvent =>
  ({
    schemaVersion: 1,
    eventId: 'e1',
    workspace: 'acme',
    sessionId: 's1',
    sessionIdDerived: false,
    timeUnixNano: '1767262800000000000',
    source: 'codex',
    sourceEvent: 'codex.tool_result',
    kind: 'tool_result',
    actor: {},
    agent: { name: 'codex_cli_rs' },
    result: { output },
    attributes,
  }) as AgentEvent;

describe('eventJson', () => {
  it('repairs lone surrogates anywhere in the event, keys too, and counts them', () => {
    const counts = { repaired: 0, masked: 0 };
    const e = event('before \ud800 after', { ['k\udc00']: 'v' });
    const json = eventJson(e, counts);
    expect(counts.repaired).toBe(2);
    expect(JSON.parse(json).result.output).toBe('before \uFFFD after');
    expect(Object.keys(JSON.parse(json).attributes)).toEqual(['k\uFFFD']);
    expect(e.result?.output).toBe('before \uFFFD after');
  });

  it('leaves well-formed text alone, a written-out "\\ud800" and real pairs included', () => {
    const counts = { repaired: 0, masked: 0 };
    const e = event('literal \\ud800 and a pair \ud83d\ude00');
    expect(eventJson(e, counts)).toBe(JSON.stringify(e));
    expect(counts.repaired).toBe(0);
  });
});
