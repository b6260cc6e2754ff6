/**
 * `warden status`: the operator's one-screen view of a running Warden, from its API (GET /v1/status):
 * ingest rate, bus lag per triage worker, open sessions, dead letters, the latest flagged verdicts and the
 * store's size.
 */
import { apiJson, clientCommand, parseFlags, printable, queryApi } from './client.ts';
import type { Env } from './client.ts';

export const STATUS_USAGE = `usage: warden status [options]

Shows a running Warden's health: ingest rate, bus lag, open sessions, the latest verdicts, store size.

options:
  --api URL        query API            (default http://127.0.0.1:8080)
  --api-key KEY    an admin API key     (default: $WARDEN_API_KEY, else $WARDEN_DATA_DIR/api-key)
  --json           print the API's JSON answer as is
  -h, --help       this text`;

/** GET /v1/status (api/routes/status.ts), as far as this command reads it. */
export interface StatusView {
  workspace: string;
  generated_at: string;
  ingest: { events_last_5m: number; events_per_second: number; last_ingested_at: string | null };
  bus: {
    lag: number | null;
    workers: {
      instance: string;
      consumer_group: string;
      bus: string;
      lag: number;
      reported_at: string;
      events_per_second: number;
      batch_ms_avg: number;
      event_age_ms_p50: number;
      sessions_cached: number;
    }[];
  };
  sessions: { open: number; flagged_open: number; total: number };
  dead_letters: { open: number; total: number; open_by_stage: Partial<Record<string, number>> };
  /** Absent from servers older than the pre-action review. */
  reviews?: { allow: number; ask: number; deny: number; latency_ms_p50: number; latency_ms_p99: number };
  last_verdicts: {
    session_id: string;
    verdict: string;
    score: number;
    severity: string;
    title: string;
    last_event_at: string;
  }[];
  store: { bytes_on_disk: number; rows: number };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function ago(iso: string | null, nowMs: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  return s < 120
    ? `${s} s ago`
    : s < 7200
      ? `${Math.round(s / 60)} min ago`
      : `${Math.round(s / 3600)} h ago`;
}

/** The human-readable screen. */
export function renderStatus(api: string, s: StatusView, nowMs = Date.now()): string {
  const lines = [
    `Warden at ${api}, workspace ${s.workspace}`,
    `  ingest     ${int(s.ingest.events_last_5m)} events in the last 5 min (${s.ingest.events_per_second}/s), last stored ${ago(s.ingest.last_ingested_at, nowMs)}`,
  ];
  if (!s.bus.workers.length) {
    lines.push('  bus        no triage worker reported in the last 2 min: is triage running?');
  } else {
    lines.push(
      `  bus        consumer group lag ${int(s.bus.lag ?? 0)} messages, ${s.bus.workers.length} triage worker${s.bus.workers.length > 1 ? 's' : ''}`,
    );
    for (const w of s.bus.workers) {
      lines.push(
        `             ${printable(w.instance)} (${w.bus}, group ${printable(w.consumer_group)}): lag ${int(w.lag)}, ${w.events_per_second} events/s, batch ${w.batch_ms_avg} ms, event age p50 ${(w.event_age_ms_p50 / 1000).toFixed(1)} s, reported ${ago(w.reported_at, nowMs)}`,
      );
    }
  }
  const stages = Object.entries(s.dead_letters.open_by_stage).map(([stage, n]) => `${int(n ?? 0)} ${stage}`);
  lines.push(
    `  sessions   ${int(s.sessions.open)} open (${int(s.sessions.flagged_open)} flagged), ${int(s.sessions.total)} in all`,
    s.dead_letters.open
      ? `  dead       ${int(s.dead_letters.open)} open dead letters (${stages.join(', ')}): \`warden dead-letters\` lists them, \`warden dead-letters replay --all\` sends them again after a fix`
      : `  dead       no open dead letters (${int(s.dead_letters.total)} in all)`,
    `  store      ${bytes(s.store.bytes_on_disk)} on disk, ${int(s.store.rows)} rows`,
  );
  const r = s.reviews;
  if (r && r.allow + r.ask + r.deny > 0)
    lines.push(
      `  reviews    last hour: ${int(r.allow)} allowed, ${int(r.ask)} asked, ${int(r.deny)} denied; p50 ${r.latency_ms_p50} ms, p99 ${r.latency_ms_p99} ms`,
    );
  if (s.last_verdicts.length) {
    lines.push('  latest flagged sessions');
    for (const v of s.last_verdicts) {
      lines.push(
        `    ${v.verdict.toUpperCase().padEnd(10)} ${String(v.score).padStart(3)}  ${v.severity.padEnd(8)} ${printable(v.title) || '(no title)'}`,
        `               ${api}/console/#/sessions/${encodeURIComponent(v.session_id)}  (${ago(v.last_event_at, nowMs)})`,
      );
    }
  } else {
    lines.push('  latest flagged sessions: none');
  }
  return `${lines.join('\n')}\n`;
}

/** `warden status [--api URL] [--api-key KEY] [--json]`; returns the exit code. */
export function statusCommand(
  argv: string[],
  env: Env,
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<number> {
  return clientCommand('status', io, async () => {
    const json = argv.includes('--json');
    const given = parseFlags(
      argv.filter((a) => a !== '--json'),
      ['--api', '--api-key'] as const,
      STATUS_USAGE,
    );
    if (given === 'help') {
      io.out(`${STATUS_USAGE}\n`);
      return 0;
    }
    const target = await queryApi(given, env, STATUS_USAGE);
    const body = await apiJson<StatusView>(target, '/v1/status');
    io.out(json ? `${JSON.stringify(body, null, 2)}\n` : renderStatus(target.api, body));
    return 0;
  });
}
