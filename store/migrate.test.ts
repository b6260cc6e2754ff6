import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouseClient } from '@clickhouse/client';
import { createClickHouse } from './client.ts';
import { loadMigrations, migrate, MIGRATIONS_DIR, MigrationError, splitStatements } from './migrate.ts';
import { tempStoreConfig } from './test-fixtures.ts';

const logger = pino({ level: 'silent' });

describe('splitStatements', () => {
  it('splits at semicolons outside quotes and comments, dropping comment-only pieces', () => {
    const sql = [
      "-- header; with a semicolon and ClickHouse's apostrophe",
      '/* block; comment */',
      "CREATE TABLE a (x String COMMENT 'it''s; fine', y String DEFAULT 'a\\';b') ENGINE = Memory;",
      'SELECT "we;ird", `b;ack` -- trailing; comment',
      ';',
      '-- tail comment only',
    ].join('\n');
    expect(splitStatements(sql)).toEqual([
      "-- header; with a semicolon and ClickHouse's apostrophe\n/* block; comment */\n" +
        "CREATE TABLE a (x String COMMENT 'it''s; fine', y String DEFAULT 'a\\';b') ENGINE = Memory",
      'SELECT "we;ird", `b;ack` -- trailing; comment',
    ]);
  });

  it('rejects unterminated quotes and comments', () => {
    expect(() => splitStatements("SELECT 'oops")).toThrow(MigrationError);
    expect(() => splitStatements('SELECT 1 /* oops')).toThrow(MigrationError);
  });
});

describe('loadMigrations', () => {
  it('reads the shipped migrations in order, each opening with a comment of intent', async () => {
    const migrations = await loadMigrations();
    expect(migrations.map((m) => m.version)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const m of migrations) {
      const text = await readFile(join(MIGRATIONS_DIR, `${m.name}.sql`), 'utf8');
      expect(text.startsWith('-- Intent: ')).toBe(true);
      expect(m.checksum).toMatch(/^[0-9a-f]{64}$/);
    }
  });

  it('rejects badly named and duplicate-numbered files; ignores CRLF line endings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-mig-'));
    await writeFile(join(dir, '0001_create_x.sql'), 'SELECT 1;\n');
    const [lf] = await loadMigrations(dir);
    await writeFile(join(dir, '0001_create_x.sql'), 'SELECT 1;\r\n');
    expect((await loadMigrations(dir))[0]?.checksum).toBe(lf?.checksum);
    await writeFile(join(dir, '0001_create_y.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toThrow(/share version 1/);
    const bad = await mkdtemp(join(tmpdir(), 'warden-mig-'));
    await writeFile(join(bad, '1_Create.sql'), 'SELECT 1;');
    await expect(loadMigrations(bad)).rejects.toThrow(/NNNN_verb_object/);
  });
});

describe('migrate on chDB', () => {
  let client: ClickHouseClient;
  beforeAll(async () => {
    client = await createClickHouse(await tempStoreConfig({ CLICKHOUSE_DATABASE: 'mig' }));
  });
  afterAll(async () => {
    await client.close();
  });

  it('applies pending files only, and refuses to run when an applied file changed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'warden-mig-'));
    await cp(MIGRATIONS_DIR, dir, { recursive: true });
    const shipped = (await loadMigrations()).length;
    expect((await migrate(client, logger, dir)).applied).toHaveLength(shipped);
    expect((await migrate(client, logger, dir)).applied).toEqual([]);

    await writeFile(
      join(dir, '0099_create_notes.sql'),
      '-- Intent: test\nCREATE TABLE IF NOT EXISTS notes_v1 (x UInt8) ENGINE = MergeTree ORDER BY x;',
    );
    expect((await migrate(client, logger, dir)).applied).toEqual(['0099_create_notes']);

    const file = join(dir, '0003_create_sessions.sql');
    await writeFile(file, (await readFile(file, 'utf8')) + '\n-- an innocent edit\n');
    await expect(migrate(client, logger, dir)).rejects.toThrow(/0003_create_sessions/);

    const rs = await client.query({
      query: 'SELECT version FROM schema_migrations FINAL ORDER BY version',
      format: 'JSONEachRow',
    });
    expect((await rs.json<{ version: number }>()).map((r) => r.version)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 99,
    ]);
  });
});
