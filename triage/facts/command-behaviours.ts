/**
 * Behaviours of one command that hide tracks, raise privileges, reach for secrets, persist or expose the
 * machine: history and log wiping, disabling security tools, kills, sudo, environment and credential
 * dumps, keychain access, archives of credential stores, crontab and scheduled tasks, file servers and
 * tunnels, container escapes, new users, preloaded libraries.
 */
import { hasOption, optionValues, parseArgs } from './argv.ts';
import type { CommandEffects } from './file-effects.ts';
import { gitInvocation, interpreterCall, programKey, SSH_VALUE_OPTIONS } from './programs.ts';
import type { PathFacts, ShellCommand } from './types.ts';

export type Classify = (path: string) => PathFacts;

/** `eval "$(ssh-agent -s)"`, `eval "$(pyenv init -)"`: tools printing their own shell setup, not constructed code. */
const ENVIRONMENT_SETUP =
  /^(?:\$\(|`)\s*(?:\S*\/)?(?:ssh-agent|gpg-agent|keychain|pyenv|rbenv|nodenv|jenv|goenv|plenv|direnv|brew|conda|micromamba|fnm|mise|rtx|asdf|starship|zoxide|minikube|opam|docker-machine|dircolors|lesspipe|luarocks|thefuck|fzf|atuin|register-python-argcomplete)\b[^$`()]*(?:\)|`)$/;
const HISTORY_FILE =
  /(?:^|\/)(?:\.(?:bash|zsh|sh|ksh|python|node_repl|mysql|psql|sqlite|lesshst|rediscli|irb|pry)_?history|\.zhistory|\.histfile|fish_history)$/;
const LOG_PATH = /^(?:\/private)?\/var\/(?:log|run\/utmp|adm)(?:\/|$)|(?:^|\/)Library\/Logs(?:\/|$)/;
const SECURITY_TOOL =
  /^(?:auditd|falco|falcon-sensor|crowdstrike|csagent|osqueryd?|wazuh-agent|ossec|clamav-daemon|clamd|sysmon|sentinel(?:one|-agent)?|cbagent|carbonblack|cylancesvc|apparmor|selinux|firewalld|ufw|fail2ban|elastic-agent|elastic-endpoint|tetragon|tracee|sysdig|aide|rkhunter|xagt|mdatp|wdavdaemon|santad?|rsyslog|syslog|systemd-journald|auditbeat)(?:\.service)?$/i;
const SECURITY_VENDOR = /crowdstrike|falcon|santa|sentinel|carbonblack|osquery|jamf|defender|wdav/i;
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
const KEYCHAIN_ACTIONS =
  /^(?:find-generic-password|find-internet-password|dump-keychain|export|unlock-keychain)$/;
const ADMIN_GROUPS = /(?:^|,)(?:sudo|wheel|admin|root|docker|adm)(?:,|$)/;
/** Host paths that hand a container the host: its root, the Docker socket, /etc, /proc, … */
const ESCAPE_SOURCE =
  /^(?:\/|\/var\/run\/docker\.sock|\/run\/docker\.sock|\/etc|\/root|\/proc|\/sys|\/dev)\/?$/;
const HTTP_SERVER_MODULES = new Set(['http.server', 'SimpleHTTPServer', 'uploadserver', 'pyftpdlib']);
const FILE_SERVERS = new Set(['http-server', 'serve', 'updog', 'woof', 'miniserve', 'httpd']);
const TUNNELS = new Set(['ngrok', 'lt', 'localtunnel', 'frpc', 'tmole', 'chisel', 'pinggy']);

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
  'history-clear': (cmd, key, effects) =>
    (key === 'history' &&
      (cmd.args.includes('-c') || (cmd.args.includes('-w') && cmd.args.includes('/dev/null')))) ||
    (key === 'unset' && cmd.args.includes('HISTFILE')) ||
    (key === 'set' && cmd.args.join(' ') === '+o history') ||
    assigns(cmd, /^(?:HISTFILE=\/dev\/null|HISTFILE=$|HISTSIZE=0|HISTFILESIZE=0|SAVEHIST=0)$/) ||
    [...effects.deletes, ...effects.truncates].some((path) => HISTORY_FILE.test(path)) ||
    (key === 'ln' &&
      cmd.args.includes('/dev/null') &&
      effects.writes.some((path) => HISTORY_FILE.test(path))),
  'log-tamper': (cmd, key, effects) =>
    [...effects.deletes, ...effects.truncates].some((path) => LOG_PATH.test(path)) ||
    (key === 'sed' && effects.writes.some((path) => LOG_PATH.test(path))) ||
    (key === 'journalctl' && cmd.args.some((arg) => arg.startsWith('--vacuum'))) ||
    (key === 'auditctl' && cmd.args.includes('-D')) ||
    (key === 'wevtutil' && /^(?:cl|clear-log)$/i.test(cmd.args[0] ?? '')) ||
    /^(?:clear-eventlog|remove-eventlog)$/.test(key) ||
    (key === 'find' &&
      LOG_PATH.test(cmd.args[0] ?? '') &&
      /-delete|-exec(?:dir)?\s+(?:rm|truncate|shred)/.test(cmd.args.join(' '))),
  'disable-security-tool': (cmd, key) => disablesSecurity(cmd, key),
  kill: (cmd, key) => killBehaviours(cmd, key),
  sudo: (cmd, key) =>
    cmd.wrappers.some((w) => w === 'sudo' || w === 'doas' || w === 'pkexec') ||
    ['sudo', 'doas', 'pkexec', 'su', 'runuser'].includes(key),
  'env-dump': (cmd, key, effects) =>
    key === 'env' ||
    (key === 'printenv' && parseArgs(cmd.args).operands.length === 0) ||
    ((key === 'set' || key === 'export') && (cmd.args.length === 0 || cmd.args.join(' ') === '-p')) ||
    ((key === 'declare' || key === 'typeset') && cmd.args.every((a) => /^-[px]+$/.test(a))) ||
    (key === 'compgen' && (cmd.args.includes('-e') || cmd.args.includes('-v'))) ||
    (key === 'ps' && cmd.args.some((a) => /^[a-z]*e[a-z]*$/.test(a))) ||
    (/^(?:get-childitem|gci|dir|ls)$/.test(key) && cmd.args.some((a) => /^env:/i.test(a))) ||
    effects.reads.some((path) => /^\/proc\/[^/]+\/environ$/.test(path)),
  'archive-sensitive': (_cmd, key, effects, classify) =>
    ['tar', 'zip', '7z', '7za', 'rar', 'cpio'].includes(key) &&
    effects.reads.some((path) => sensitiveTree(path, classify)),
  'keychain-access': (cmd, key) =>
    (key === 'security' && KEYCHAIN_ACTIONS.test(cmd.args[0] ?? '')) ||
    (key === 'secret-tool' && /^(?:lookup|search)$/.test(cmd.args[0] ?? '')) ||
    key === 'kwallet-query',
  'credential-dump': (cmd, key) => dumpsCredentials(cmd, key),
  'crontab-edit': (cmd, key) => {
    if (key !== 'crontab') return false;
    const parsed = parseArgs(cmd.args, { withValue: new Set(['u']) });
    return hasOption(parsed, 'e', 'r') || !hasOption(parsed, 'l');
  },
  'scheduled-task': (cmd, key) =>
    key === 'at' ||
    key === 'batch' ||
    (key === 'systemd-run' && cmd.args.some((a) => a.startsWith('--on-'))) ||
    (key === 'launchctl' && /^(?:load|bootstrap|submit|enable)$/.test(cmd.args[0] ?? '')) ||
    (key === 'schtasks' && cmd.args.some((a) => /^[/-]create$/i.test(a))) ||
    (key === 'systemctl' && cmd.args.includes('enable')),
  'ssh-key-add': (_cmd, key) => key === 'ssh-copy-id',
  'serve-files': (cmd, key) => {
    const call = interpreterCall(cmd);
    if (call?.module !== undefined && HTTP_SERVER_MODULES.has(call.module)) return true;
    if (call?.language === 'php' && cmd.args.includes('-S')) return true;
    if (call?.language === 'ruby' && cmd.args.includes('-run') && cmd.args.some((a) => /httpd/.test(a)))
      return true;
    return FILE_SERVERS.has(key) || (key === 'caddy' && cmd.args[0] === 'file-server');
  },
  tunnel: (cmd, key) =>
    TUNNELS.has(key) ||
    (key === 'cloudflared' && cmd.args.some((a) => a === 'tunnel' || a.startsWith('--url'))) ||
    (key === 'bore' && cmd.args[0] === 'local') ||
    (key === 'tailscale' && cmd.args[0] === 'funnel') ||
    (key === 'ssh' && hasOption(parseArgs(cmd.args, { withValue: SSH_VALUE_OPTIONS }), 'R', 'D')),
  'container-escape': (cmd, key) => escapesContainer(cmd, key),
  'user-add': (cmd, key) =>
    ['useradd', 'adduser', 'chpasswd', 'sysadminctl'].includes(key) ||
    (key === 'usermod' &&
      ADMIN_GROUPS.test(
        optionValues(parseArgs(cmd.args, { withValue: new Set(['G', 'g']) }), 'G', 'g').join(','),
      )) ||
    (key === 'gpasswd' && cmd.args.includes('-a')) ||
    (key === 'passwd' && cmd.args.some((a) => !a.startsWith('-'))) ||
    (key === 'dscl' && cmd.args.includes('-create')) ||
    (key === 'net' && cmd.args[0]?.toLowerCase() === 'user' && cmd.args.some((a) => /^\/add$/i.test(a))),
  'ld-preload': (cmd) => assigns(cmd, /^(?:LD_PRELOAD|LD_AUDIT|DYLD_INSERT_LIBRARIES)=./),
  'network-anonymizer': (cmd, key) =>
    key === 'tor' || cmd.wrappers.some((w) => /^(?:torsocks|proxychains4?)$/.test(w)),
};

export function commandBehaviours(cmd: ShellCommand, effects: CommandEffects, classify: Classify): string[] {
  const key = programKey(cmd.name);
  const found: string[] = [];
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

function disablesSecurity(cmd: ShellCommand, key: string): boolean {
  const [first = '', second = ''] = cmd.args;
  if (key === 'setenforce') return /^(?:0|permissive)$/i.test(first);
  if (key === 'ufw') return cmd.args.includes('disable');
  if (key === 'systemctl')
    return /^(?:stop|disable|mask|kill)$/.test(first) && cmd.args.slice(1).some((u) => SECURITY_TOOL.test(u));
  if (key === 'service') return SECURITY_TOOL.test(first) && /^(?:stop|disable)$/.test(second);
  if (key === 'spctl') return cmd.args.some((a) => /^--(?:master|global)-disable$/.test(a));
  if (key === 'csrutil') return cmd.args.includes('disable');
  if (key === 'iptables' || key === 'ip6tables') return cmd.args.some((a) => a === '-F' || a === '--flush');
  if (key === 'nft') return first === 'flush' && second === 'ruleset';
  if (key === 'auditctl') return first === '-e' && second === '0';
  if (key === 'aa-teardown' || key === 'aa-disable') return true;
  if (key === 'sysctl')
    return cmd.args.some((a) => /^kernel\.(?:randomize_va_space|yama\.ptrace_scope)=0$/.test(a));
  if (key === 'set-mppreference') return cmd.args.some((a) => /^-Disable/i.test(a));
  if (key === 'launchctl')
    return /^(?:unload|bootout|remove|disable)$/.test(first) && SECURITY_VENDOR.test(cmd.args.join(' '));
  if (key === 'pkill' || key === 'killall') return killTargets(cmd).some((t) => SECURITY_TOOL.test(t));
  return false;
}

function killTargets(cmd: ShellCommand): string[] {
  return parseArgs(cmd.args, { withValue: new Set(['s', 'signal', 'u', 'U', 'g', 'G', 'P', 't']) }).operands;
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

const CREDENTIAL_COMMANDS: Record<string, (args: string[]) => boolean> = {
  gh: (a) => a[0] === 'auth' && (a[1] === 'token' || a.includes('--show-token') || a.includes('-t')),
  aws: (a) =>
    a[0] === 'configure' &&
    (a[1] === 'export-credentials' || (a[1] === 'get' && /secret|key|token/i.test(a[2] ?? ''))),
  gcloud: (a) => a.some((t) => /^print-(?:access|identity)-token$/.test(t)),
  az: (a) => a[0] === 'account' && a[1] === 'get-access-token',
  kubectl: (a) =>
    (a[0] === 'config' && a[1] === 'view' && a.includes('--raw')) ||
    (a[0] === 'get' && /^secrets?$/.test(a[1] ?? '')),
  op: (a) => a[0] === 'read' || (a[0] === 'item' && a[1] === 'get'),
  vault: (a) => a[0] === 'read' || (a[0] === 'kv' && a[1] === 'get'),
  pass: (a) => a[0] === 'show' || (a.length === 1 && !a[0]?.startsWith('-')),
  bw: (a) => a[0] === 'get',
  lpass: (a) => a[0] === 'show',
  heroku: (a) => a[0] === 'auth:token',
};

function dumpsCredentials(cmd: ShellCommand, key: string): boolean {
  if (key.startsWith('docker-credential-')) return cmd.args[0] === 'get';
  const git = gitInvocation(cmd);
  if (git !== undefined)
    return /^credential(?:-\w+)?$/.test(git.subcommand) && /^(?:fill|get)$/.test(git.args[0] ?? '');
  return CREDENTIAL_COMMANDS[key]?.(cmd.args) ?? false;
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
