import { describe, expect, it } from 'vitest';
import { renderStatus, statusCommand, type StatusView } from './status.ts';

const NOW = Date.parse('2026-11-24T06:00:00Z');
const view = (over: Partial<StatusView> = {}): StatusView => ({
  workspace: 'default',
  generated_at: '2026-11-24T06:00:00Z',
  ingest: { events_last_5m: 1234, events_per_second: 4.11, last_ingested_at: '2026-11-24T05:59:58Z' },
  bus: { lag: 0, workers: [] },
  sessions: { open: 3, flagged_open: 1, total: 45 },
  dead_letters: { open: 0, total: 0, open_by_stage: {} },
  last_verdicts: [],
  store: { bytes_on_disk: 12 * 1024 * 1024 + 300_000, rows: 45_678 },
  ...over,
});

describe('renderStatus', () => {
  it('says when no triage worker reports, and sizes the store in binary units', () => {
    const text = renderStatus('http://127.0.0.1:8080', view(), NOW);
    expect(text).toContain('1,234 events in the last 5 min (4.11/s), last stored 2 s ago');
    expect(text).toContain('no triage worker reported in the last 2 min: is triage running?');
    expect(text).toContain('3 open (1 flagged), 45 in all');
    expect(text).toContain('12.3 MiB on disk, 45,678 rows');
    expect(text).toContain('latest flagged sessions: none');
    expect(text).toContain('no open dead letters (0 in all)');
  });

  it('lists each worker with its lag and each flagged session with its console link', () => {
    const text = renderStatus(
      'https://warden.example.com',
      view({
        bus: {
          lag: 1500,
          workers: [
            {
              instance: 'triage-1:7',
              consumer_group: 'warden-triage',
              bus: 'kafka',
              lag: 1500,
              reported_at: '2026-11-24T05:59:50Z',
              events_per_second: 812.5,
              batch_ms_avg: 35.2,
              event_age_ms_p50: 2400,
              sessions_cached: 120,
            },
          ],
        },
        dead_letters: { open: 2, total: 3, open_by_stage: { decode: 1, store: 1 } },
        last_verdicts: [
          {
            session_id: 's/1',
            verdict: 'escalation',
            score: 95,
            severity: 'critical',
            title: 'Credentials sent out\u001b]0;pwned\u0007 to invoice\u202Efdp.exe',
            last_event_at: '2026-11-24T05:50:00Z',
          },
        ],
      }),
      NOW,
    );
    expect(text).toContain('consumer group lag 1,500 messages, 1 triage worker');
    expect(text).toContain(
      'triage-1:7 (kafka, group warden-triage): lag 1,500, 812.5 events/s, batch 35.2 ms, event age p50 2.4 s, reported 10 s ago',
    );
    expect(text).toContain('critical Credentials sent out⟨U+001B⟩]0;pwned⟨U+0007⟩ to invoice⟨U+202E⟩fdp.exe');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u001b\u0007\u202e]/);
    expect(text).toContain('dead       2 open dead letters (1 decode, 1 store)');
    expect(text).toContain('https://warden.example.com/console/#/sessions/s%2F1  (10 min ago)');
  });
});

describe('statusCommand', () => {
  it('explains a missing API key and bad usage', async () => {
    const err: string[] = [];
    const io = { out: () => {}, err: (s: string) => void err.push(s) };
    expect(await statusCommand([], { WARDEN_DATA_DIR: '/nonexistent-warden-dir' }, io)).toBe(1);
    expect(err.join('')).toContain('no API key: pass --api-key or set WARDEN_API_KEY');
    expect(await statusCommand(['--bogus'], {}, io)).toBe(2);
    expect(await statusCommand(['--api', 'ftp://x'], {}, io)).toBe(2);
  });
});
