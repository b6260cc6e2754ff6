import { describe, expect, it } from 'vitest';
import type { Bus, BusMessage } from '../bus/index.ts';
import { postOtlp, startTestCollector, openEmbeddedBus } from './helpers/pipeline.ts';

const sum = (name: string, value: object, attrs: Record<string, string>, temporality = 1) => ({
  name,
  sum: {
    aggregationTemporality: temporality,
    isMonotonic: true,
    dataPoints: [
      {
        ...value,
        timeUnixNano: '1767262800000000000',
        attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
      },
    ],
  },
});

describe('collector: metrics and load', () => {
  it('acknowledges metrics, keeps token and cost counters, and serves them at /metrics', async () => {
    const bus = await openEmbeddedBus('warden-metrics-');
    const collector = await startTestCollector(bus);
    try {
      const body = {
        resourceMetrics: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'claude-code' } }] },
            scopeMetrics: [
              {
                scope: { name: 'com.anthropic.claude_code' },
                metrics: [
                  sum('claude_code.token.usage', { asDouble: 1200 }, { type: 'input', 'session.id': 's1' }),
                  sum('claude_code.token.usage', { asDouble: 300 }, { type: 'output', 'session.id': 's1' }),
                  sum('claude_code.cost.usage', { asDouble: 0.42 }, { 'session.id': 's1' }),
                  sum('claude_code.session.count', { asInt: '1' }, {}),
                ],
              },
            ],
          },
        ],
      };
      const res = await postOtlp(collector.httpPort, '/v1/metrics', JSON.stringify(body));
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body.toString())).toEqual({});
      expect(collector.stats().usage).toEqual({
        acme: { inputTokens: 1200, outputTokens: 300, otherTokens: 0, costUsd: 0.42 },
      });
      const text = await (await fetch(`http://127.0.0.1:${collector.httpPort}/metrics`)).text();
      expect(text).toContain('warden_agent_tokens_total{workspace="acme",type="input"} 1200');
      expect(text).toContain('warden_agent_cost_usd_total{workspace="acme"} 0.42');
      expect(text).toContain('warden_ingest_records_accepted_total{signal="metrics"} 3');
    } finally {
      await collector.close();
      await bus.close();
    }
  });

  it('answers "slow down" (429 with Retry-After) when too many bytes are in flight, and recovers', async () => {
    // A bus that holds every publish until released: what a slow broker looks like from the collector.
    const held: (() => void)[] = [];
    const slowBus: Bus = {
      kind: 'embedded',
      publish: (_messages: BusMessage[]) => new Promise<void>((resolve) => held.push(resolve)),
      subscribe: () => Promise.reject(new Error('not used')),
      lag: () => Promise.reject(new Error('not used')),
      close: async () => {},
    };
    const collector = await startTestCollector(slowBus, { WARDEN_OTLP_MAX_INFLIGHT_BYTES: '4096' });
    try {
      const prompt = (n: number) =>
        JSON.stringify({
          resourceLogs: [
            {
              scopeLogs: [
                {
                  logRecords: [
                    {
                      timeUnixNano: String(n + 1),
                      attributes: [
                        { key: 'event.name', value: { stringValue: 'codex.user_prompt' } },
                        { key: 'conversation.id', value: { stringValue: 'load' } },
                        { key: 'prompt', value: { stringValue: 'x'.repeat(3000) } },
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        });
      const first = postOtlp(collector.httpPort, '/v1/logs', prompt(1));
      await expect.poll(() => held.length).toBe(1);
      const second = await postOtlp(collector.httpPort, '/v1/logs', prompt(2));
      expect(second.status).toBe(429);
      expect(second.headers.get('retry-after')).toBe('1');
      expect(JSON.parse(second.body.toString())).toMatchObject({
        code: 8,
        message: expect.stringMatching(/retry later/),
      });
      held.shift()!();
      expect((await first).status).toBe(200);
      const third = postOtlp(collector.httpPort, '/v1/logs', prompt(3));
      await expect.poll(() => held.length).toBe(1);
      held.shift()!();
      expect((await third).status).toBe(200);
    } finally {
      await collector.close();
    }
  });
});
