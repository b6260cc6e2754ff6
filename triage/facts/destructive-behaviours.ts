/**
 * Behaviours of one command that destroy or weaken things: recursive force deletes, git history rewrites,
 * dropped databases, wiped disks, world-writable and setuid permissions, package publishing.
 */
import { hasOption, parseArgs } from './argv.ts';
import type { CommandEffects } from './file-effects.ts';
import { gitInvocation, interpreterCall, programKey } from './programs.ts';
import type { ShellCommand } from './types.ts';

/** SQL or database-client text that drops, truncates or empties data. */
export const DESTRUCTIVE_SQL =
  /\b(?:DROP\s+(?:DATABASE|SCHEMA|TABLE|COLLECTION)\b|TRUNCATE\s+(?:TABLE\s+)?[\w."`[]|DELETE\s+FROM\s+[\w."`[\]]+\s*(?:;|$))|\bdropDatabase\s*\(|\.drop(?:Collection)?\s*\(\s*\)|\bFLUSH(?:ALL|DB)\b/im;
const DB_CLIENTS = new Set(
  'psql mysql mariadb sqlite3 sqlite mongo mongosh redis-cli sqlcmd clickhouse-client clickhouse cockroach duckdb cqlsh snowsql bq usql pgcli mycli litecli turso'.split(
    ' ',
  ),
);
/** Framework commands that drop or reset a database (`rails db:drop`, `prisma migrate reset`, …). */
const DB_RESET_TASKS =
  /^(?:db:drop|db:reset|db:wipe|migrate:fresh|migrate:reset|flush|reset_db|reset|--force-reset)$/;
const DB_TOOLS = new Set([
  'rails',
  'rake',
  'prisma',
  'sequelize',
  'supabase',
  'django-admin',
  'artisan',
  'manage.py',
]);
const DISK_DEVICE =
  /^\/dev\/(?:sd[a-z]|nvme\d|hd[a-z]|vd[a-z]|xvd[a-z]|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d)/;
export function destructiveBehaviours(cmd: ShellCommand, effects: CommandEffects): string[] {
  const found: string[] = [];
  const key = programKey(cmd.name);
  if (key === 'rm') {
    const parsed = parseArgs(cmd.args);
    if (hasOption(parsed, 'r', 'R', 'recursive') && hasOption(parsed, 'f', 'force'))
      found.push('rm-recursive-force');
  }
  if (key === 'chmod') found.push(...chmodBehaviours(cmd.args));
  found.push(...gitBehaviours(cmd));
  if (dropsDatabase(cmd, key)) found.push('drop-database');
  if (wipesDisk(cmd, key, effects)) found.push('disk-wipe');
  return found;
}

/** `777`, `o+w`, `a=rwx` → world-writable; `4755`, `u+s` → setuid; `2755`, `g+s` → setgid. */
function chmodBehaviours(args: string[]): string[] {
  const mode = parseArgs(args, { withValue: new Set(['reference']) }).operands[0] ?? '';
  const found: string[] = [];
  if (/^[0-7]{3,4}$/.test(mode)) {
    if (Number(mode.at(-1)) & 2) found.push('chmod-world-writable');
    if (mode.length === 4 && Number(mode[0]) & 4) found.push('setuid');
    if (mode.length === 4 && Number(mode[0]) & 2) found.push('setgid');
    return found;
  }
  for (const clause of mode.split(',')) {
    const match = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause);
    if (match === null || match[2] === '-') continue;
    const [, who = '', , perms = ''] = match;
    if (perms.includes('w') && (who.includes('o') || who.includes('a'))) found.push('chmod-world-writable');
    // `+s` with no one named applies to user and group alike.
    if (perms.includes('s') && (who === '' || /[ua]/.test(who))) found.push('setuid');
    if (perms.includes('s') && (who === '' || /[ga]/.test(who))) found.push('setgid');
  }
  return [...new Set(found)];
}

const GIT_PUSH_VALUES = new Set(['o', 'push-option', 'repo', 'receive-pack', 'exec']);

function gitBehaviours(cmd: ShellCommand): string[] {
  const git = gitInvocation(cmd);
  if (git === undefined) return [];
  const found: string[] = [];
  const configs = git.subcommand === 'config' ? [git.args.join(' ')] : [];
  for (const setting of [...git.configs, ...configs]) {
    const lower = setting.toLowerCase();
    const sets = !/--(?:get|unset|list|get-all|unset-all)\b|(?:^|\s)-l\b/.test(lower);
    if (sets && /\bcore\.hookspath(?:=|\s+)\S/.test(lower)) found.push('git-hookspath');
    if (sets && /\bcore\.(?:fsmonitor|sshcommand)(?:=|\s+)\S|\balias\.\S+[= ]\s*!/.test(lower))
      found.push('git-config-exec');
  }
  const parsed = parseArgs(git.args, { withValue: GIT_PUSH_VALUES });
  switch (git.subcommand) {
    case 'push': {
      const refspecs = parsed.operands.slice(1);
      if (
        hasOption(parsed, 'f', 'force', 'force-with-lease', 'force-if-includes', 'mirror') ||
        refspecs.some((r) => r.startsWith('+'))
      ) {
        found.push('git-force-push');
      }
      if (hasOption(parsed, 'd', 'delete') || refspecs.some((r) => r.startsWith(':')))
        found.push('git-history-rewrite');
      break;
    }
    case 'filter-branch':
    case 'filter-repo':
      found.push('git-history-rewrite');
      break;
    case 'reflog':
      if (git.args[0] === 'expire' || git.args[0] === 'delete') found.push('git-history-rewrite');
      break;
    case 'update-ref':
      if (hasOption(parsed, 'd')) found.push('git-history-rewrite');
      break;
    case 'reset':
      if (hasOption(parsed, 'hard')) found.push('git-reset-hard');
      break;
    case 'clean':
      if (hasOption(parsed, 'f', 'force')) found.push('git-clean');
      break;
  }
  return found;
}

function dropsDatabase(cmd: ShellCommand, key: string): boolean {
  if (key === 'dropdb' || (key === 'mysqladmin' && cmd.args.includes('drop'))) return true;
  const tool = DB_TOOLS.has(key) ? key : interpreterCall(cmd)?.script?.split('/').pop();
  if (tool !== undefined && DB_TOOLS.has(tool) && cmd.args.some((arg) => DB_RESET_TASKS.test(arg)))
    return true;
  if (!DB_CLIENTS.has(key)) return false;
  const input = cmd.redirects.filter((r) => r.op.includes('<<')).map((r) => r.target);
  return DESTRUCTIVE_SQL.test([...cmd.args, ...input].join('\n'));
}

function wipesDisk(cmd: ShellCommand, key: string, effects: CommandEffects): boolean {
  // Wiping programs are in the catalogue; here: any write straight to a disk device (`dd of=/dev/sda`).
  return effects.writes.some((path) => DISK_DEVICE.test(path));
}
