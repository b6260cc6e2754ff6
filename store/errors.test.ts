import { createServer as createHttpServer } from 'node:http';
import type { Server } from 'node:net';
import { createServer } from 'node:net';
import { ClickHouseLogLevel, createClient, parseError } from '@clickhouse/client';
import type { ClickHouseClient } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from './client.ts';
import type { StoreConfig } from './config.ts';
import { isRetryable } from './errors.ts';
import { tempStoreConfig } from './test-fixtures.ts';

/** The error a call rejects with (the test fails if it resolves). */
async function failure(call: () => Promise<unknown>): Promise<unknown> {
  try {
    await call();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

const quiet = { log: { level: ClickHouseLogLevel.OFF } };

describe('isRetryable on errors chDB really throws', () => {
  let ch: ClickHouseClient;
  let config: StoreConfig;
  const select = (query: string, settings = {}) =>
    failure(async () =>
      (await ch.query({ query, format: 'JSONEachRow', clickhouse_settings: settings })).json(),
    );
  beforeAll(async () => {
    config = await tempStoreConfig({ CLICKHOUSE_DATABASE: 'errs' });
    ch = await createClickHouse(config);
    await ch.command({
      query: `CREATE TABLE parts (k String, t DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY k
        SETTINGS parts_to_throw_insert = 2, parts_to_delay_insert = 100`,
    });
    await ch.command({ query: 'SYSTEM STOP MERGES parts' });
  });
  afterAll(async () => {
    await ch.close();
  });

  it('retries TOO_MANY_PARTS, TIMEOUT_EXCEEDED and MEMORY_LIMIT_EXCEEDED', async () => {
    const insert = (k: string) =>
      ch.insert({ table: 'parts', values: [{ k, t: '2026-01-01 00:00:00.000' }], format: 'JSONEachRow' });
    await insert('a');
    await insert('b');
    const tooManyParts = await failure(() => insert('c'));
    expect(tooManyParts).toMatchObject({ code: '252', type: 'TOO_MANY_PARTS' });
    expect(isRetryable(tooManyParts)).toBe(true);

    const timeout = await select('SELECT count() FROM numbers(100000000000)', { max_execution_time: 0.1 });
    expect(timeout).toMatchObject({ code: '159', type: 'TIMEOUT_EXCEEDED' });
    expect(isRetryable(timeout)).toBe(true);

    const memory = await select('SELECT groupArray(number) FROM numbers(10000000)', {
      max_memory_usage: '1000000',
    });
    expect(memory).toMatchObject({ code: '241', type: 'MEMORY_LIMIT_EXCEEDED' });
    expect(isRetryable(memory)).toBe(true);
  });

  it('does not retry errors about the query or the data', async () => {
    expect(isRetryable(await select('SELEC 1'))).toBe(false); // SYNTAX_ERROR
    const badEscape = await failure(() =>
      ch.insert({
        table: 'parts',
        values: [{ k: '\ud800', t: '2026-01-01 00:00:00.000' }],
        format: 'JSONEachRow',
      }),
    );
    expect(badEscape).toMatchObject({ type: 'CANNOT_PARSE_ESCAPE_SEQUENCE' });
    expect(isRetryable(badEscape)).toBe(false);
    const badRow = await failure(() =>
      ch.insert({ table: 'parts', values: [{ k: 'x', t: 'yesterday' }], format: 'JSONEachRow' }),
    );
    expect(badRow).toMatchObject({ code: '41', type: 'CANNOT_PARSE_DATETIME' });
    expect(isRetryable(badRow)).toBe(false);
    expect(isRetryable(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
  });

  it('retries faults of the deployment, which an operator fixes, rather than blame each record', async () => {
    expect(isRetryable(await select('SELECT * FROM nope'))).toBe(true); // UNKNOWN_TABLE
    expect(isRetryable(await select('SELECT * FROM nodb.nope'))).toBe(true); // UNKNOWN_DATABASE
  });

  it('retries on a chDB connection closed under a batch (shutdown, not bad data)', async () => {
    const other = await createClickHouse(config); // same data dir: a second session
    await other.close();
    const closed = await failure(() => other.query({ query: 'SELECT 1' }));
    expect(closed).toMatchObject({ message: 'ChdbConnection is closed' });
    expect(isRetryable(closed)).toBe(true);
  });
});

describe('isRetryable on errors the HTTP client really throws', () => {
  const servers: Server[] = [];
  const listen = async (server: Server) => {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const query = (url: string) =>
    failure(async () => {
      const client = createClient({ url, request_timeout: 300, ...quiet });
      try {
        return await (await client.query({ query: 'SELECT 1', format: 'JSONEachRow' })).json();
      } finally {
        await client.close();
      }
    });
  afterAll(() => servers.forEach((s) => s.close()));

  it('retries a refused connection, a reset, a timeout and a proxy error page', async () => {
    const closed = await listen(createServer());
    servers.pop()?.close(); // nothing listens there any more
    await new Promise((r) => setTimeout(r, 20));
    const refused = await query(closed);
    expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
    expect(isRetryable(refused)).toBe(true);

    const reset = await query(await listen(createServer((socket) => socket.destroy())));
    expect(isRetryable(reset)).toBe(true);

    const timeout = await query(await listen(createServer(() => undefined)));
    expect(timeout).toMatchObject({ message: 'Timeout error.' });
    expect(isRetryable(timeout)).toBe(true);

    const proxy = await query(
      await listen(createHttpServer((_req, res) => res.writeHead(502).end('Bad Gateway'))),
    );
    expect(isRetryable(proxy)).toBe(true);
  });

  it('reads exception text in the server format (`Code: N. DB::Exception: … (TYPE) (version …)`)', () => {
    const captured = [
      [
        "Code: 252. DB::Exception: Too many parts (300 with average size of 1.00 MiB) in table 'warden.agent_events_v1 (7c1d4a1e-0b1a-4f43-9d2c-0d4c1e1f2a3b)'. Merges are processing significantly slower than inserts. (TOO_MANY_PARTS) (version 24.8.4.13 (official build))",
        true,
      ],
      [
        'Code: 210. DB::NetException: Connection refused (clickhouse-1:9000). (NETWORK_ERROR) (version 24.8.4.13 (official build))',
        true,
      ],
      [
        'Code: 242. DB::Exception: Table is in readonly mode: replica_path=/clickhouse/tables/01/events/replicas/r1. (TABLE_IS_READ_ONLY) (version 24.8.4.13 (official build))',
        true,
      ],
      [
        'Code: 516. DB::Exception: default: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 24.8.4.13 (official build))',
        true, // the deployment's fault: wait for the fix
      ],
      [
        'Code: 81. DB::Exception: Database warden does not exist. (UNKNOWN_DATABASE) (version 24.8.4.13 (official build))',
        true,
      ],
      [
        "Code: 27. DB::Exception: Cannot parse input: expected '\"' before: 'x}': (while reading the value of key event_id): (at row 1): While executing ParallelParsingBlockInputFormat. (CANNOT_PARSE_INPUT_ASSERTION_FAILED) (version 24.8.4.13 (official build))",
        false,
      ],
    ] as const;
    for (const [text, retryable] of captured)
      expect([text, isRetryable(parseError(text))]).toEqual([text, retryable]);
  });
});
