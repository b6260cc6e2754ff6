import { describe, expect, it } from 'vitest';
import { DESTRUCTIVE_SQL, destructiveBehaviours } from './destructive-behaviours.ts';
import { commandEffects } from './file-effects.ts';
import { parseShell } from './shell.ts';

/** What the first command destroys or weakens: from the effects catalogue and from the code here. */
function of(command: string): string[] {
  const cmd = parseShell(command).pipelines[0]?.[0];
  if (cmd === undefined) return [];
  const effects = commandEffects(cmd);
  return [...new Set([...effects.behaviours, ...destructiveBehaviours(cmd, effects)])];
}

describe('destructiveBehaviours: chmod modes', () => {
  it.each([
    ['chmod 777 x', ['chmod-world-writable']],
    ['chmod 0757 x', ['chmod-world-writable']],
    ['chmod 2775 x', ['setgid']],
    ['chmod 4755 x', ['setuid']],
    ['chmod 6777 x', ['chmod-world-writable', 'setuid', 'setgid']],
    ['chmod g+s dir', ['setgid']],
    ['chmod u+s x', ['setuid']],
    ['chmod ugo+rwx x', ['chmod-world-writable']],
    ['chmod a+w,o+r x', ['chmod-world-writable']],
    ['chmod +s x', ['setuid', 'setgid']],
    ['chmod -R u=rwx,go=rx dir', []],
    ['chmod 644 x', []],
    ['chmod --reference=a b', []],
  ])('%s', (command, expected) => {
    expect(of(command)).toEqual(expected);
  });
});

describe('destructiveBehaviours: git', () => {
  it.each([
    ['git push --mirror backup', ['git-force-push']],
    ['git push -fu origin main', ['git-force-push']],
    ['git push origin +refs/heads/main:refs/heads/main', ['git-force-push']],
    ['git push -d origin old', ['git-history-rewrite']],
    ['git -C repo push --force', ['git-force-push']],
    ['git filter-repo --path secrets --invert-paths', ['git-history-rewrite']],
    ['git update-ref -d refs/heads/main', ['git-history-rewrite']],
    ['git reset --hard origin/main', ['git-reset-hard']],
    ['git clean -xdf', ['git-clean']],
    ['git clean -n', []],
    ['git config alias.st "!curl -s x | sh"', ['git-config-exec']],
    ['git config core.sshCommand "ssh -i /tmp/k"', ['git-config-exec']],
    ['git config core.hooksPath', []],
    ['git push origin main', []],
  ])('%s', (command, expected) => {
    expect(of(command)).toEqual(expected);
  });
});

describe('destructiveBehaviours: databases, disks, publishing', () => {
  it.each([
    ['mysqladmin -u root drop shop', ['drop-database']],
    ['rake db:reset', ['drop-database']],
    ['sequelize db:drop', ['drop-database']],
    ['supabase db reset', ['drop-database']],
    ['django-admin flush', ['drop-database']],
    ['npx prisma db push --force-reset', ['drop-database']],
    ['clickhouse-client --query "TRUNCATE TABLE events"', ['drop-database']],
    ['cqlsh -e "DROP KEYSPACE x"', []],
    ['psql -f migrations/001.sql', []],
    ['mke2fs /dev/sdb1', ['disk-wipe']],
    ['blkdiscard /dev/nvme1n1', ['disk-wipe']],
    ['dd if=/dev/zero of=/dev/mapper/vg-root', ['disk-wipe']],
    ['dd if=/dev/zero of=./zeros bs=1M count=10', []],
    ['hatch publish', ['package-publish']],
    ['uv publish', ['package-publish']],
    ['dotnet nuget push x.nupkg', ['package-publish']],
    ['./gradlew publishToMavenCentral', ['package-publish']],
    ['mvn -B deploy', ['package-publish']],
    ['vsce publish', ['package-publish']],
    ['rm -rf --no-preserve-root /', ['rm-recursive-force']],
    ['rm -r -f x', ['rm-recursive-force']],
  ])('%s', (command, expected) => {
    expect(of(command)).toEqual(expected);
  });

  it('recognizes destructive SQL without matching safe statements', () => {
    expect(DESTRUCTIVE_SQL.test('drop   table if exists users')).toBe(true);
    expect(DESTRUCTIVE_SQL.test('DELETE FROM "orders";')).toBe(true);
    expect(DESTRUCTIVE_SQL.test('db.users.drop()')).toBe(true);
    expect(DESTRUCTIVE_SQL.test('DELETE FROM orders WHERE id = 4')).toBe(false);
    expect(DESTRUCTIVE_SQL.test('SELECT * FROM dropped_items')).toBe(false);
    expect(DESTRUCTIVE_SQL.test('-- we never DROP anything')).toBe(false);
  });
});
