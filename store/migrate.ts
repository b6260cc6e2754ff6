import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ClickHouseClient } from '@clickhouse/client';
import type pino from 'pino';
import { z } from 'zod';

/** The numbered, forward-only DDL files this module applies. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../schemas/migrations/', import.meta.url));

const FILE_NAME = /^(\d{4})_([a-z0-9]+(?:_[a-z0-9]+)*)\.sql$/;

export interface Migration {
  version: number;
  /** File name without `.sql`. */
  name: string;
  /** sha256 (hex) of the file with line endings normalized, so a CRLF checkout is not a "change". */
  checksum: string;
  statements: string[];
}

/** Thrown when the database and the migration files disagree; never retried. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** Reads and orders the migration files; a stray or duplicate-numbered `.sql` file is an error. */
export async function loadMigrations(dir: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations: Migration[] = [];
  for (const file of files) {
    const match = FILE_NAME.exec(file);
    if (!match) throw new MigrationError(`migration file name must be NNNN_verb_object.sql: ${file}`);
    const text = (await readFile(join(dir, file), 'utf8')).replace(/\r\n/g, '\n');
    const version = Number(match[1]);
    if (migrations.some((m) => m.version === version))
      throw new MigrationError(`two migration files share version ${version}`);
    const statements = splitStatements(text);
    if (!statements.length) throw new MigrationError(`migration has no statement: ${file}`);
    const checksum = createHash('sha256').update(text).digest('hex');
    migrations.push({ version, name: file.slice(0, -4), checksum, statements });
  }
  return migrations;
}

/**
 * Splits a file into statements at `;` outside quotes and comments. ClickHouse over HTTP takes one
 * statement per request, and comments may hold a `;` or an apostrophe (`-- ClickHouse's default`).
 * Comment-only pieces are dropped.
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  let start = 0;
  let code = false; // does the current piece hold anything but comments and blanks?
  for (let i = 0; i < sql.length; i++) {
    const c = sql[i];
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end === -1) throw new MigrationError('unterminated /* comment');
      i = end + 1;
    } else if (c === "'" || c === '"' || c === '`') {
      // Quoted: a backslash escapes the next char; a doubled quote is a literal quote.
      for (i++; i < sql.length && sql[i] !== c; i++) if (sql[i] === '\\') i++;
      if (i >= sql.length) throw new MigrationError(`unterminated ${c} quote`);
      if (sql[i + 1] === c) continue; // '' → the loop re-enters the same quoted text
      code = true;
    } else if (c === ';') {
      if (code) out.push(sql.slice(start, i).trim());
      start = i + 1;
      code = false;
    } else if (c !== undefined && !/\s/.test(c)) {
      code = true;
    }
  }
  if (code) out.push(sql.slice(start).trim());
  return out;
}

const AppliedRow = z.object({ version: z.number().int(), name: z.string(), checksum: z.string() });

async function appliedMigrations(client: ClickHouseClient): Promise<z.infer<typeof AppliedRow>[]> {
  const exists = await client.query({
    query: `SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'`,
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'warden:migrate:ledger' },
  });
  const [row] = await exists.json<{ n: string | number }>();
  if (!row || Number(row.n) === 0) return []; // 0001 creates the ledger: nothing applied yet
  const rs = await client.query({
    query: 'SELECT version, name, checksum FROM schema_migrations FINAL ORDER BY version',
    format: 'JSONEachRow',
    clickhouse_settings: { log_comment: 'warden:migrate:ledger' },
  });
  return (await rs.json()).map((r) => AppliedRow.parse(r));
}

/**
 * Applies the pending migrations in order and records each in `schema_migrations`; a second run
 * applies nothing. Refuses to run when an applied file's checksum changed (migrations are immutable:
 * add a new one instead). Each file's DDL is idempotent (`IF NOT EXISTS`), so a crash between its
 * statements and its ledger row is repaired by the next run.
 */
export async function migrate(
  client: ClickHouseClient,
  logger: pino.Logger,
  dir: string = MIGRATIONS_DIR,
): Promise<{ applied: string[] }> {
  const migrations = await loadMigrations(dir);
  const applied = new Map((await appliedMigrations(client)).map((m) => [m.version, m]));

  const changed = migrations.filter(
    (m) => applied.has(m.version) && applied.get(m.version)?.checksum !== m.checksum,
  );
  if (changed.length)
    throw new MigrationError(
      `applied migrations were edited (checksum changed): ${changed.map((m) => m.name).join(', ')}; ` +
        'migrations are forward-only: revert the edit and add a new migration',
    );
  const known = new Set(migrations.map((m) => m.version));
  const unknown = [...applied.values()].filter((m) => !known.has(m.version));
  if (unknown.length)
    logger.warn(
      { migrations: unknown.map((m) => m.name) },
      'database has migrations this build does not know',
    );

  const done: string[] = [];
  for (const m of migrations.filter((m) => !applied.has(m.version))) {
    const started = performance.now();
    for (const statement of m.statements)
      await client.command({
        query: statement,
        clickhouse_settings: { log_comment: `warden:migrate:${m.name}` },
      });
    await client.insert({
      table: 'schema_migrations',
      values: [{ version: m.version, name: m.name, checksum: m.checksum }],
      format: 'JSONEachRow',
      clickhouse_settings: { log_comment: 'warden:migrate:ledger' },
    });
    logger.info({ migration: m.name, ms: Math.round(performance.now() - started) }, 'migration applied');
    done.push(m.name);
  }
  return { applied: done };
}
