import type { ClickHouseClient } from '@clickhouse/client';

/**
 * How the store's list queries are assembled: WHERE clauses from constant SQL fragments with every value a
 * server-side `{name:Type}` parameter, keyset pagination on a total order that ends in a unique id (no
 * OFFSET: rows inserted while a client pages never shift what it has not seen yet), one page at a time.
 */

/** A sort key: the values of the ORDER BY columns of the last row a page returned. */
export type SortKey = (string | number)[];

export interface PageRequest {
  limit: number;
  /** Resume after this row (from a previous page's `next`). */
  after?: SortKey;
}

export interface Page<T> {
  rows: T[];
  /** Sort key of the last row when more rows follow; undefined at the end. */
  next?: SortKey;
}

export interface TimeRange {
  /** Inclusive, ms since the epoch. */
  startMs?: number;
  /** Exclusive. */
  endMs?: number;
}

export type Params = Record<string, unknown>;
export interface Clause {
  sql: string;
  params?: Params;
}

export const oneOf = (
  column: string,
  name: string,
  values: readonly string[] | undefined,
): Clause | undefined =>
  values?.length ? { sql: `${column} IN {${name}:Array(String)}`, params: { [name]: values } } : undefined;
export const equals = (column: string, name: string, value: string | undefined): Clause | undefined =>
  value === undefined ? undefined : { sql: `${column} = {${name}:String}`, params: { [name]: value } };

/** Half-open time range over a millisecond expression. */
export function timeRange(msColumn: string, r: TimeRange): Clause[] {
  const clauses: Clause[] = [];
  if (r.startMs !== undefined)
    clauses.push({ sql: `${msColumn} >= {startMs:Int64}`, params: { startMs: r.startMs } });
  if (r.endMs !== undefined) clauses.push({ sql: `${msColumn} < {endMs:Int64}`, params: { endMs: r.endMs } });
  return clauses;
}

/** A sort key that does not fit the query's order (a forged or stale cursor). */
export class SortKeyError extends RangeError {
  override readonly name = 'SortKeyError';
}

/** `(c1, c2, …) < (k1, k2, …)`: rows after the key in a descending (or ascending) order. */
export function keyset(
  columns: [string, string][],
  after: SortKey | undefined,
  op: '<' | '>',
): Clause | undefined {
  if (!after) return undefined;
  if (after.length !== columns.length) throw new SortKeyError('sort key does not match the order');
  const params: Params = {};
  const values = columns.map(([, type], i) => {
    const value = after[i]!;
    if (type.startsWith('Int') ? !/^-?\d{1,19}$/.test(String(value)) : typeof value !== 'string')
      throw new SortKeyError(`sort key value ${i} is not ${type}`);
    params[`k${i}`] = value;
    return `{k${i}:${type}}`;
  });
  return { sql: `(${columns.map(([c]) => c).join(', ')}) ${op} (${values.join(', ')})`, params };
}

export async function select<R>(
  client: ClickHouseClient,
  name: string,
  from: string,
  clauses: (Clause | undefined)[],
  tail: string,
  params: Params,
  row: (raw: unknown) => R,
): Promise<R[]> {
  const used = clauses.filter((c): c is Clause => c !== undefined);
  const where = used.length ? `WHERE ${used.map((c) => `(${c.sql})`).join(' AND ')}` : '';
  const rs = await client.query({
    query: `${from} ${where} ${tail}`,
    query_params: Object.assign({}, params, ...used.map((c) => c.params ?? {})) as Params,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: `warden:store:${name}` },
  });
  return (await rs.json()).map(row);
}

/** Fetches one row more than the page to learn whether another page follows. */
export function toPage<R>(rows: R[], limit: number, key: (r: R) => SortKey): Page<R> {
  if (rows.length <= limit) return { rows };
  const page = rows.slice(0, limit);
  return { rows: page, next: key(page[page.length - 1]!) };
}
