import type { IngestStats } from './ingest.ts';

const escape = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** The collector's counters in the Prometheus text exposition format (served at GET /metrics). */
export function renderPrometheus(stats: IngestStats): string {
  const lines: string[] = [];
  const family = (
    name: string,
    help: string,
    samples: [Record<string, string>, number][],
    type: 'counter' | 'gauge' = 'counter',
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, value] of samples) {
      const l = Object.entries(labels).map(([k, v]) => `${k}="${escape(v)}"`);
      lines.push(`${name}${l.length ? `{${l.join(',')}}` : ''} ${value}`);
    }
  };
  const bySignal = (counts: Record<string, number>) =>
    Object.entries(counts).map(([signal, n]) => [{ signal }, n] as [Record<string, string>, number]);
  family(
    'warden_ingest_records_accepted_total',
    'Records published to the bus (metrics: data points kept).',
    bySignal(stats.accepted),
  );
  family(
    'warden_ingest_records_rejected_total',
    'Records rejected with a reason (partial success).',
    bySignal(stats.rejected),
  );
  family(
    'warden_ingest_derived_sessions_total',
    'Events stored under a session id derived from trace or resource.',
    [[{}, stats.derivedSessions]],
  );
  family(
    'warden_ingest_records_dropped_total',
    "Records taken but not kept on purpose: an agent's own diagnostics, or copies of its log events in its traces.",
    Object.entries(stats.dropped).map(
      ([reason, n]) => [{ reason }, n ?? 0] as [Record<string, string>, number],
    ),
  );
  family(
    'warden_ingest_strings_repaired_total',
    'Strings that arrived as invalid UTF-8 or UTF-16 and were stored with U+FFFD.',
    [[{}, stats.repairedStrings]],
  );
  family('warden_ingest_secrets_masked_total', 'Secrets replaced by typed masks before reaching the bus.', [
    [{}, stats.maskedSecrets],
  ]);
  family(
    'warden_ingest_overloaded_total',
    'Exports answered "slow down" (429 / RESOURCE_EXHAUSTED) for the memory budget.',
    [[{}, stats.overloaded]],
  );
  family(
    'warden_ingest_inflight_bytes',
    'Request bytes (after decompression) held by exports in progress.',
    [[{}, stats.inflightBytes]],
    'gauge',
  );
  const usage = Object.entries(stats.usage);
  family(
    'warden_agent_tokens_total',
    'Tokens the agents reported in their metrics.',
    usage.flatMap(
      ([workspace, u]) =>
        [
          [{ workspace, type: 'input' }, u.inputTokens],
          [{ workspace, type: 'output' }, u.outputTokens],
          [{ workspace, type: 'other' }, u.otherTokens],
        ] as [Record<string, string>, number][],
    ),
  );
  family(
    'warden_agent_cost_usd_total',
    'Cost in USD the agents reported in their metrics.',
    usage.map(([workspace, u]) => [{ workspace }, u.costUsd] as [Record<string, string>, number]),
  );
  return `${lines.join('\n')}\n`;
}
