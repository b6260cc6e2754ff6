import type { AttributeValue, OtlpMetricPoint } from './otlp/model.ts';

/** Token and cost counters an agent reports as metrics, per workspace (the only metrics Warden keeps). */
export interface UsageTotals {
  inputTokens: number;
  outputTokens: number;
  otherTokens: number;
  costUsd: number;
}

const TOKEN_METRICS = new Set([
  'claude_code.token.usage',
  'gemini_cli.token.usage',
  'gen_ai.client.token.usage',
  'codex.turn.token_usage',
]);
const COST_METRICS = new Set(['claude_code.cost.usage']);
const TOKEN_TYPE_KEYS = ['type', 'gen_ai.token.type', 'token_type'];
/** Cumulative series whose last value is remembered; beyond this the oldest is forgotten. */
const MAX_SERIES = 50_000;

const seriesKey = (workspace: string, p: OtlpMetricPoint) =>
  JSON.stringify([workspace, p.metricName, p.resource.attributes['service.name'] ?? null, p.attributes]);

function tokenBucket(attrs: Record<string, AttributeValue>): keyof UsageTotals {
  const type = TOKEN_TYPE_KEYS.map((k) => attrs[k]).find((v) => typeof v === 'string');
  if (type === 'input') return 'inputTokens';
  if (type === 'output') return 'outputTokens';
  return 'otherTokens';
}

export class UsageCounters {
  private readonly totals = new Map<string, UsageTotals>();
  private readonly lastCumulative = new Map<string, number>();

  /** Adds the points it recognises; returns how many it kept. */
  record(workspace: string, points: OtlpMetricPoint[]): number {
    let kept = 0;
    for (const p of points) {
      const bucket = COST_METRICS.has(p.metricName)
        ? 'costUsd'
        : TOKEN_METRICS.has(p.metricName)
          ? tokenBucket(p.attributes)
          : undefined;
      if (!bucket || !Number.isFinite(p.value)) continue;
      const delta =
        p.temporality === 'cumulative' ? this.cumulativeDelta(seriesKey(workspace, p), p.value) : p.value;
      const totals = this.totals.get(workspace) ?? {
        inputTokens: 0,
        outputTokens: 0,
        otherTokens: 0,
        costUsd: 0,
      };
      totals[bucket] += delta;
      this.totals.set(workspace, totals);
      kept++;
    }
    return kept;
  }

  snapshot(): Record<string, UsageTotals> {
    return Object.fromEntries([...this.totals].map(([ws, t]) => [ws, { ...t }]));
  }

  /** A cumulative point repeats the running total: count only its growth (a reset counts from zero). */
  private cumulativeDelta(key: string, value: number): number {
    const last = this.lastCumulative.get(key);
    this.lastCumulative.delete(key);
    this.lastCumulative.set(key, value);
    if (this.lastCumulative.size > MAX_SERIES) {
      this.lastCumulative.delete(this.lastCumulative.keys().next().value!);
    }
    return last === undefined || value < last ? value : value - last;
  }
}
