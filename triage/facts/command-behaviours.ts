/**
 * Behaviours of one command that hide tracks, raise privileges, reach for secrets, persist or expose the
 * machine: history and log wiping, disabling security tools, kills, sudo, environment and credential
 * dumps, keychain access, archives of credential stores, crontab and scheduled tasks, file servers and
 * tunnels, container escapes, new users, preloaded libraries.
 */
import type { CommandEffects } from './file-effects.ts';
import { interpreterCall, programKey } from './programs.ts';
import type { PathFacts, ShellCommand } from './types.ts';

export type Classify = (path: string) => PathFacts;

/** `eval "$(ssh-agent -s)"`, `eval "$(pyenv init -)"`: tools printing their own shell setup, not constructed code. */
const ENVIRONMENT_SETUP =
  /^(?:\$\(|`)\s*(?:\S*\/)?(?:ssh-agent|gpg-agent|keychain|pyenv|rbenv|nodenv|jenv|goenv|plenv|direnv|brew|conda|micromamba|fnm|mise|rtx|asdf|starship|zoxide|minikube|opam|docker-machine|dircolors|lesspipe|luarocks|thefuck|fzf|atuin|register-python-argcomplete)\b[^$`()]*(?:\)|`)$/;
const HISTORY_FILE =
  /(?:^|\/)(?:\.(?:bash|zsh|sh|ksh|python|node_repl|mysql|psql|sqlite|lesshst|rediscli|irb|pry)_?history|\.zhistory|\.histfile|fish_history)$/;
const LOG_PATH = /^(?:\/private)?\/var\/(?:log|run\/utmp|adm)(?:\/|$)|(?:^|\/)Library\/Logs(?:\/|$)/;
const SIGNALS: Record<string, string> = {
  1: 'HUP',
  2: 'INT',
  3: 'QUIT',
  6: 'ABRT',
  9: 'KILL',
  10: 'USR1',
  12: 'USR2',
  15: 'TERM',
  18: 'CONT',
  19: 'STOP',
};
/** Host paths that hand a container the host: its root, the Docker socket, /etc, /proc, … */
const ESCAPE_SOURCE =
  /^(?:\/|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/etc|\/root|\/proc|\/sys|\/dev)\/?$/;
const HTTP_SERVER_MODULES = new Set(['http.server', 'SimpleHTTPServer', 'uploadserver', 'pyftpdlib']);
const FILE_SERVERS = new Set(['http-server', 'serve', 'updog', 'woof', 'miniserve', 'httpd']);

type Rule = (
  cmd: ShellCommand,
  key: string,
  effects: CommandEffects,
  classify: Classify,
) => boolean | string[];

const RULES: Record<string, Rule> = {
  eval: (cmd, key) =>
    (key === 'eval' && !ENVIRONMENT_SETUP.test(cmd.args.join(' '))) ||
    key === 'iex' ||
    key === 'invoke-expression' ||
    /^[$`]/.test(interpreterCall(cmd)?.code ?? ''),
  // Builtins and exports are in the catalogue; here: a program run with history off, and history files.
  'history-clear': (cmd, key, effects) =>
    assigns(cmd, /^(?:HISTFILE=\/dev\/null|HISTFILE=$|HISTSIZE=0|HISTFILESIZE=0|SAVEHIST=0)$/) ||
    [...effects.deletes, ...effects.truncates].some((path) => HISTORY_FILE.test(path)) ||
    (key === 'ln' &&
      cmd.args.includes('/dev/null') &&
      effects.writes.some((path) => HISTORY_FILE.test(path))),
  'log-tamper': (cmd, key, effects) =>
    [...effects.deletes, ...effects.truncates].some((path) => LOG_PATH.test(path)) ||
    (key === 'sed' && effects.writes.some((path) => LOG_PATH.test(path))) ||
    (key === 'find' &&
      LOG_PATH.test(cmd.args[0] ?? '') &&
      /-delete|-exec(?:dir)?\s+(?:rm|truncate|shred)/.test(cmd.args.join(' '))),
  kill: (cmd, key) => killBehaviours(cmd, key),
  // Run as another user through a wrapper (`sudo cmd`); `su` and `sudo -i` themselves are in the catalogue.
  'env-dump': (cmd, key, effects) =>
    (/^(?:get-childitem|gci|dir|ls)$/.test(key) && cmd.args.some((a) => /^env:/i.test(a))) ||
    effects.reads.some((path) => /^\/proc\/[^/]+\/environ$/.test(path)),
  'archive-sensitive': (_cmd, key, effects, classify) =>
    ['tar', 'zip', '7z', '7za', 'rar', 'cpio', 'ditto', 'gzip', 'bzip2', 'xz', 'zstd'].includes(key) &&
    effects.reads.some((path) => sensitiveTree(path, classify)),
  'scheduled-task': (cmd, key) => key === 'schtasks' && cmd.args.some((a) => /^[/-]create$/i.test(a)),
  'serve-files': (cmd, key) => {
    const call = interpreterCall(cmd);
    if (call?.module !== undefined && HTTP_SERVER_MODULES.has(call.module)) return true;
    if (call?.language === 'php' && cmd.args.includes('-S')) return true;
    if (call?.language === 'ruby' && cmd.args.includes('-run') && cmd.args.some((a) => /httpd/.test(a)))
      return true;
    return FILE_SERVERS.has(key) || (key === 'caddy' && cmd.args[0] === 'file-server');
  },
  'container-escape': (cmd, key) => escapesContainer(cmd, key),
  'user-add': (cmd, key) =>
    key === 'net' && cmd.args[0]?.toLowerCase() === 'user' && cmd.args.some((a) => /^\/add$/i.test(a)),
  // `echo > /dev/tcp/10.0.0.1/$port` in a loop: a port or host that varies is a scan, not a connection.
  'network-scan': (cmd) =>
    cmd.redirects.some((r) => /^\/dev\/(?:tcp|udp)\/[^/]*(?:\$[^/]*\/|\/.*\$)/.test(r.target)),
  // Wrapped (`torsocks curl …`); the anonymizers themselves are in the catalogue.
  'network-anonymizer': (cmd) => cmd.wrappers.some((w) => /^(?:torsocks|proxychains4?)$/.test(w)),
};

export function commandBehaviours(cmd: ShellCommand, effects: CommandEffects, classify: Classify): string[] {
  const key = programKey(cmd.name);
  const found: string[] = [...effects.behaviours];
  for (const [name, rule] of Object.entries(RULES)) {
    const result = rule(cmd, key, effects, classify);
    if (result === true) found.push(name);
    else if (Array.isArray(result)) found.push(...result);
  }
  return found;
}

/** `VAR=value cmd`, a bare assignment, or `export`/`declare` of it. */
function assigns(cmd: ShellCommand, pattern: RegExp): boolean {
  const env = Object.entries(cmd.env).map(([name, value]) => `${name}=${value}`);
  const exported = ['export', 'declare', 'typeset', 'setenv'].includes(cmd.name) ? cmd.args : [];
  return [...env, ...exported].some((assignment) => pattern.test(assignment));
}

/** `kill`, plus `kill:<SIGNAL>` (`kill -9` → `kill:KILL`; default TERM). Probes (`kill -0`) and lists are not kills. */
function killBehaviours(cmd: ShellCommand, key: string): string[] {
  if (!['kill', 'pkill', 'killall', 'killall5', 'taskkill', 'stop-process'].includes(key)) return [];
  let signal = key === 'taskkill' || key === 'stop-process' ? 'KILL' : 'TERM';
  for (let i = 0; i < cmd.args.length; i += 1) {
    const arg = cmd.args[i] ?? '';
    if (arg === '-l' || arg === '-L' || arg === '--list') return [];
    const value = ['-s', '-n', '--signal'].includes(arg)
      ? cmd.args[++i]
      : /^-(?:SIG)?([A-Z]+|\d+)$/.exec(arg)?.[1];
    if (value !== undefined) signal = value.replace(/^SIG/, '');
  }
  signal = SIGNALS[signal] ?? signal.toUpperCase();
  return signal === '0' ? [] : ['kill', `kill:${signal}`];
}

/** A credential store, a whole home directory or `/etc`. */
function sensitiveTree(path: string, classify: Classify): boolean {
  const facts = classify(path);
  if (facts.credentialStore !== undefined) return true;
  return /^(?:~|\$HOME|\$\{HOME\}|\/home\/[^/]+|\/Users\/[^/]+|\/root|\/etc|~\/\.config)\/?$/.test(
    path.trim(),
  );
}

function escapesContainer(cmd: ShellCommand, key: string): boolean {
  if (key === 'nsenter')
    return cmd.args.some((a, i) =>
      /^(?:-t|--target)$/.test(a) ? cmd.args[i + 1] === '1' : /^(?:--target=|-t)1$/.test(a),
    );
  if (key === 'chroot')
    return /^\/(?:host|proc\/1\/root)\/?$/.test(cmd.args.find((a) => !a.startsWith('-')) ?? '');
  if (
    !['docker', 'podman', 'nerdctl'].includes(key) ||
    !['run', 'create', 'exec'].includes(cmd.args[0] ?? '')
  )
    return false;
  const args = cmd.args.join(' ');
  if (
    /--privileged\b|--pid[= ]host\b|--cap-add[= ](?:SYS_ADMIN|ALL|SYS_PTRACE|SYS_MODULE)\b|(?:apparmor|seccomp)[=:]unconfined/.test(
      args,
    )
  ) {
    return true;
  }
  return cmd.args.some((a, i) => {
    const mount = /^(?:-v|--volume|--mount)$/.test(cmd.args[i - 1] ?? '')
      ? a
      : /^--(?:volume|mount)=(.*)$/.exec(a)?.[1];
    if (mount === undefined) return false;
    const source = /(?:^|,)(?:source|src)=([^,]+)/.exec(mount)?.[1] ?? mount.split(':')[0] ?? '';
    return ESCAPE_SOURCE.test(source);
  });
}
