import type { ClickHouseClient } from '@clickhouse/client';
import { z } from 'zod';
import type { DeadLetter, DeadLetterStage, DeadLetterStatus } from '../schemas/dead-letter.ts';
import { DEAD_LETTER_READ_COLUMNS, deadLetterToRow, rowToDeadLetter } from './rows.ts';
import { equals, keyset, select, toPage, type Page, type PageRequest } from './sql.ts';

/** A new failure of a record, before its history (first seen, attempts) is known. */
export type DeadLetterFailure = Omit<
  DeadLetter,
  'firstSeenAtMs' | 'lastSeenAtMs' | 'attempts' | 'status' | 'updatedAtMs'
>;

export interface DeadLetterFilter {
  workspace: string;
  status?: DeadLetterStatus;
  stage?: DeadLetterStage;
}

const TABLE = 'dead_letters_v1';

async function insert(client: ClickHouseClient, letters: DeadLetter[]): Promise<void> {
  if (!letters.length) return;
  await client.insert({
    table: TABLE,
    values: letters.map(deadLetterToRow),
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'warden:store:dead_letters' },
  });
}

/** Dead letters by id in one workspace (latest version of each); unknown ids are left out. */
export function getDeadLetters(
  client: ClickHouseClient,
  workspace: string,
  ids: string[],
): Promise<DeadLetter[]> {
  if (!ids.length) return Promise.resolve([]);
  return select(
    client,
    'get_dead_letters',
    `SELECT ${DEAD_LETTER_READ_COLUMNS} FROM ${TABLE} FINAL`,
    [
      { sql: 'workspace = {workspace:String}', params: { workspace } },
      { sql: 'dead_letter_id IN {ids:Array(String)}', params: { ids } },
    ],
    '',
    {},
    rowToDeadLetter,
  );
}

/**
 * Records failures: a record seen before keeps its first-seen time and counts one more attempt, and is open
 * again whatever a replay had made of it.
 */
export async function recordDeadLetters(
  client: ClickHouseClient,
  failures: DeadLetterFailure[],
  nowMs: number,
): Promise<DeadLetter[]> {
  const byWorkspace = new Map<string, string[]>();
  for (const f of failures)
    byWorkspace.set(f.workspace, [...(byWorkspace.get(f.workspace) ?? []), f.deadLetterId]);
  const known = new Map<string, DeadLetter>();
  for (const [workspace, ids] of byWorkspace)
    for (const d of await getDeadLetters(client, workspace, ids))
      known.set(`${workspace}\0${d.deadLetterId}`, d);
  const letters = failures.map((f): DeadLetter => {
    const before = known.get(`${f.workspace}\0${f.deadLetterId}`);
    return {
      ...f,
      firstSeenAtMs: before?.firstSeenAtMs ?? nowMs,
      lastSeenAtMs: nowMs,
      attempts: (before?.attempts ?? 0) + 1,
      status: 'open',
      updatedAtMs: Math.max(nowMs, (before?.updatedAtMs ?? 0) + 1),
    };
  });
  await insert(client, letters);
  return letters;
}

/** Marks dead letters replayed (they were sent back through the bus). */
export async function markReplayed(
  client: ClickHouseClient,
  letters: DeadLetter[],
  nowMs: number,
): Promise<void> {
  await insert(
    client,
    letters.map((d) => ({ ...d, status: 'replayed', updatedAtMs: Math.max(nowMs, d.updatedAtMs + 1) })),
  );
}

/** Dead letters of a workspace, most recently failed first. */
export async function listDeadLetters(
  client: ClickHouseClient,
  f: DeadLetterFilter,
  page: PageRequest,
): Promise<Page<DeadLetter>> {
  const order: [string, string][] = [
    ['last_seen_at_ms', 'Int64'],
    ['dead_letter_id', 'String'],
  ];
  const rows = await select(
    client,
    'list_dead_letters',
    `SELECT * FROM (SELECT ${DEAD_LETTER_READ_COLUMNS} FROM ${TABLE} FINAL WHERE workspace = {workspace:String})`,
    [equals('status', 'status', f.status), equals('stage', 'stage', f.stage), keyset(order, page.after, '<')],
    'ORDER BY last_seen_at_ms DESC, dead_letter_id DESC LIMIT {limit:UInt32}',
    { workspace: f.workspace, limit: page.limit + 1 },
    rowToDeadLetter,
  );
  return toPage(rows, page.limit, (d) => [d.lastSeenAtMs, d.deadLetterId]);
}

const CountRow = z.object({ stage: z.string(), open: z.coerce.number(), total: z.coerce.number() });

/** Open and total dead letters of a workspace, by stage. */
export async function deadLetterCounts(
  client: ClickHouseClient,
  workspace: string,
): Promise<{ open: number; total: number; openByStage: Partial<Record<DeadLetterStage, number>> }> {
  const rows = await select(
    client,
    'dead_letter_counts',
    `SELECT toString(stage) AS stage, countIf(status = 'open') AS open, count() AS total FROM ${TABLE} FINAL`,
    [{ sql: 'workspace = {workspace:String}', params: { workspace } }],
    'GROUP BY stage ORDER BY stage',
    {},
    (raw) => CountRow.parse(raw),
  );
  const openByStage: Partial<Record<DeadLetterStage, number>> = {};
  for (const r of rows) if (r.open) openByStage[r.stage as DeadLetterStage] = r.open;
  return {
    open: rows.reduce((n, r) => n + r.open, 0),
    total: rows.reduce((n, r) => n + r.total, 0),
    openByStage,
  };
}
