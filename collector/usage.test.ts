import { describe, expect, it } from 'vitest';
import type { OtlpMetricPoint } from './otlp/model.ts';
import { UsageCounters } from './usage.ts';

const point = (
  metricName: string,
  value: number,
  attrs: Record<string, string>,
  temporality: OtlpMetricPoint['temporality'],
): OtlpMetricPoint => ({
  resource: { attributes: { 'service.name': 'claude-code' } },
  metricName,
  unit: '',
  attributes: attrs,
  timeUnixNano: '1',
  value,
  temporality,
});

describe('usage counters', () => {
  it('adds delta points and counts only the growth of cumulative ones', () => {
    const usage = new UsageCounters();
    const kept = usage.record('acme', [
      point('claude_code.token.usage', 100, { type: 'input', 'session.id': 's1' }, 'cumulative'),
      point('claude_code.token.usage', 40, { type: 'output', 'session.id': 's1' }, 'delta'),
      point('claude_code.cost.usage', 0.25, { 'session.id': 's1' }, 'delta'),
      point('process.cpu.time', 9, {}, 'cumulative'),
    ]);
    expect(kept).toBe(3);
    usage.record('acme', [
      point('claude_code.token.usage', 160, { type: 'input', 'session.id': 's1' }, 'cumulative'),
      point('gen_ai.client.token.usage', 7, { 'gen_ai.token.type': 'output' }, 'delta'),
      point('gemini_cli.token.usage', 3, { type: 'thought' }, 'delta'),
    ]);
    expect(usage.snapshot()).toEqual({
      acme: { inputTokens: 160, outputTokens: 47, otherTokens: 3, costUsd: 0.25 },
    });
  });

  it('treats a cumulative series that went down as restarted', () => {
    const usage = new UsageCounters();
    usage.record('acme', [point('claude_code.token.usage', 500, { type: 'input' }, 'cumulative')]);
    usage.record('acme', [point('claude_code.token.usage', 20, { type: 'input' }, 'cumulative')]);
    expect(usage.snapshot().acme?.inputTokens).toBe(520);
  });
});
