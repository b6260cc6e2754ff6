/**
 * Where credentials live and which files make code run later, as rules over lower-cased path segments
 * (`~/.ssh/id_rsa` → `['~', '.ssh', 'id_rsa']`, `/etc/shadow` → `['etc', 'shadow']`). Rules match anywhere
 * in the path, so a copy of a home directory (`/mnt/backup/home/bob/.aws/credentials`) is still found.
 */
import type { ControlPoint, CredentialStore } from './types.ts';

export interface PathRule<T extends string> {
  id: T;
  test: (segments: string[]) => boolean;
}

type Part = string | RegExp;

const matches = (segment: string | undefined, part: Part) =>
  segment !== undefined && (typeof part === 'string' ? segment === part : part.test(segment));

/** The parts appear as consecutive segments anywhere in the path. */
const contains =
  (...parts: Part[]) =>
  (segments: string[]) =>
    segments.some((_, i) => parts.every((part, k) => matches(segments[i + k], part)));

/** The path starts with these segments (`/etc/…`). */
const under =
  (...parts: Part[]) =>
  (segments: string[]) =>
    parts.every((part, k) => matches(segments[k], part));

/** The last segment is one of these. */
const named =
  (...parts: Part[]) =>
  (segments: string[]) =>
    parts.some((part) => matches(segments.at(-1), part));

const any =
  (...tests: ((segments: string[]) => boolean)[]) =>
  (segments: string[]) =>
    tests.some((test) => test(segments));

/**
 * SSH: private keys and anything unrecognized in `.ssh` (and the directory as a whole) are secrets; public
 * keys, `known_hosts` and `config` are not (they name hosts, not keys); `authorized_keys` is a control point.
 */
const SSH_NOT_SECRET = new Set([
  'known_hosts',
  'known_hosts.old',
  'config',
  'authorized_keys',
  'authorized_keys2',
  'environment',
  'rc',
]);
function sshSecret(segments: string[]): boolean {
  const at = segments.indexOf('.ssh');
  if (at === -1) return under('etc', 'ssh', /^ssh_host_.*_key$/)(segments);
  const name = segments[at + 1];
  return name === undefined || !(SSH_NOT_SECRET.has(name) || name.endsWith('.pub'));
}

/** `.env`, `.env.local`, `.env.production`, `.envrc`; templates (`.env.example`) hold no secrets. */
const ENV_TEMPLATES = /^\.env\.(?:example|sample|template|dist|defaults|schema|tpl)$/;
const dotenv = (segments: string[]) => {
  const base = segments.at(-1) ?? '';
  return base === '.env' || base === '.envrc' || (base.startsWith('.env.') && !ENV_TEMPLATES.test(base));
};

const APP_SUPPORT = ['library', 'application support'] as const;

export const CREDENTIAL_RULES: readonly PathRule<CredentialStore>[] = [
  {
    id: 'agent-credentials',
    test: any(
      contains('.codex', 'auth.json'),
      contains('.claude', '.credentials.json'),
      contains('.config', 'gh', 'hosts.yml'),
      contains('.gemini', 'oauth_creds.json'),
      contains('.config', 'github-copilot'),
    ),
  },
  { id: 'ssh', test: sshSecret },
  // `~/.aws/config` holds profiles and regions; keys live in `credentials` and the SSO and CLI caches.
  { id: 'aws', test: any(named('.aws'), contains('.aws', 'credentials'), contains('.aws', /^(?:sso|cli)$/)) },
  { id: 'gcloud', test: any(contains('.config', 'gcloud'), named('application_default_credentials.json')) },
  { id: 'azure', test: contains('.azure') },
  {
    id: 'kube',
    test: any(
      contains('.kube', /^config/),
      named('.kube', 'kubeconfig', /\.kubeconfig$/),
      under('etc', 'kubernetes', /^(?:admin|kubelet|controller-manager|scheduler)\.conf$/),
      contains('secrets', 'kubernetes.io', 'serviceaccount'),
    ),
  },
  { id: 'docker', test: contains('.docker', 'config.json') },
  { id: 'git-credentials', test: any(named('.git-credentials'), contains('.config', 'git', 'credentials')) },
  { id: 'npmrc', test: named('.npmrc', '.yarnrc.yml') },
  { id: 'pypirc', test: named('.pypirc') },
  { id: 'netrc', test: named('.netrc', '_netrc') },
  { id: 'pgpass', test: named('.pgpass') },
  { id: 'gnupg', test: contains('.gnupg') },
  { id: 'keychain', test: any(contains('library', 'keychains'), named(/\.keychain(?:-db)?$/)) },
  {
    id: 'browser-profile',
    test: any(
      contains('.config', /^(?:google-chrome|chromium|bravesoftware|microsoft-edge|vivaldi|opera)$/),
      contains('.mozilla', 'firefox'),
      contains(
        ...APP_SUPPORT,
        /^(?:google|firefox|bravesoftware|microsoft edge|arc|vivaldi|com\.operasoftware\.opera)$/,
      ),
      contains('library', /^(?:cookies|safari)$/),
      contains('appdata', /^(?:local|roaming)$/, /^(?:google|mozilla|microsoft|bravesoftware)$/),
      named('login data', 'logins.json', 'key4.db', 'key3.db', 'cookies.sqlite', 'cookies.binarycookies'),
    ),
  },
  { id: 'dotenv', test: dotenv },
  { id: 'password-store', test: contains('.password-store') },
  // Commands typed with passwords and tokens on them (T1552.003).
  {
    id: 'shell-history',
    test: named(
      '.bash_history',
      '.zsh_history',
      '.sh_history',
      '.history',
      '.ksh_history',
      '.python_history',
      '.mysql_history',
      '.psql_history',
      '.node_repl_history',
      '.rediscli_history',
    ),
  },
  { id: 'shadow', test: under('etc', /^g?shadow-?$|^master\.passwd$/) },
];

const SHELL_RC = [
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.profile',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.zlogin',
  '.zlogout',
  '.cshrc',
  '.tcshrc',
  '.kshrc',
  '.shrc',
  '.mkshrc',
];

export const CONTROL_POINT_RULES: readonly PathRule<ControlPoint>[] = [
  { id: 'authorized-keys', test: named('authorized_keys', 'authorized_keys2') },
  {
    id: 'crontab',
    test: any(
      under('etc', /^(?:cron|anacrontab)/),
      under('var', 'spool', /^(?:cron|anacron)$/),
      under('usr', 'lib', 'cron', 'tabs'),
      under(/^(?:private)$/, 'var', 'at', 'tabs'),
      under('var', 'at', 'tabs'),
    ),
  },
  {
    id: 'shell-rc',
    test: any(
      named(...SHELL_RC),
      contains('.config', 'fish', /^(?:config\.fish|conf\.d)$/),
      under(
        'etc',
        /^(?:profile|profile\.d|bash\.bashrc|bashrc|zshrc|zsh|zprofile|zshenv|zlogin|environment)$/,
      ),
    ),
  },
  // Hooks, and git config, which can point hooks elsewhere or run commands (core.hooksPath, core.fsmonitor).
  {
    id: 'git-hooks',
    test: any(
      contains('.git', 'hooks'),
      contains('.husky'),
      named('.gitconfig'),
      (s) => s.at(-2) === '.git' && s.at(-1) === 'config',
      contains('.config', 'git', 'config'),
    ),
  },
  {
    id: 'ci-workflow',
    test: any(
      contains('.github', /^(?:workflows|actions)$/),
      contains('.circleci'),
      contains('.buildkite'),
      contains('.gitlab', 'ci'),
      named(
        '.gitlab-ci.yml',
        'jenkinsfile',
        'azure-pipelines.yml',
        '.travis.yml',
        'bitbucket-pipelines.yml',
        '.drone.yml',
      ),
    ),
  },
  // The agents' own settings: sandbox, approvals, hooks and MCP servers (credentials are matched first).
  {
    id: 'agent-config',
    test: any(
      (s) => {
        const i = s.indexOf('.codex');
        return i !== -1 && !/^(?:sessions|log|history\.jsonl|auth\.json)$/.test(s[i + 1] ?? '');
      },
      contains('.claude', /^(?:settings.*\.json|hooks)$/),
      named('.claude.json', '.mcp.json', /^managed-(?:settings|mcp)\.json$/),
      (s) => {
        const i = s.indexOf('.gemini');
        return i !== -1 && !/^(?:tmp|oauth_creds\.json)$/.test(s[i + 1] ?? '');
      },
      contains(/^\.(?:cursor|vscode)$/, 'mcp.json'),
      under('etc', /^(?:claude-code|codex|gemini-cli)$/),
      contains(...APP_SUPPORT, 'claudecode'),
    ),
  },
  {
    id: 'systemd',
    test: any(
      contains('systemd', /^(?:system|user)$/),
      under('etc', 'systemd'),
      contains('.config', /^(?:systemd|autostart)$/),
      under('etc', /^(?:init\.d|init|rc\.local|xdg)$/),
    ),
  },
  { id: 'launchd', test: contains('library', /^(?:launchagents|launchdaemons)$/) },
  { id: 'sudoers', test: under('etc', /^(?:sudoers|sudoers\.d|doas\.conf)$/) },
  { id: 'ld-preload', test: under('etc', /^ld\.so\.(?:preload|conf|conf\.d)$/) },
  { id: 'package-scripts', test: (s) => s.at(-1) === 'package.json' && !s.includes('node_modules') },
  // Code every interpreter start runs: Python's .pth files and (user|site)customize, macOS login windows
  // reopening applications, login hooks.
  {
    id: 'interpreter-startup',
    test: any(
      (s) => /\.pth$/.test(s.at(-1) ?? '') && s.some((p) => /^(?:site|dist)-packages$/.test(p)),
      named('usercustomize.py', 'sitecustomize.py'),
      named(/^com\.apple\.loginwindow\b.*\.plist$/),
    ),
  },
];

/**
 * System paths whose loss or change breaks the machine or its security: the root, boot, programs and
 * libraries, accounts and authentication, mounts, name resolution, the package database. Other system paths
 * (`/etc/apt/sources.list.d`, `/usr/share`, `/var/log`, `/opt`) are not critical in themselves.
 */
export const CRITICAL_SYSTEM_PATH =
  /^\/(?:$|(?:boot|bin|sbin|lib|lib32|lib64|usr\/(?:bin|sbin|lib|lib32|lib64|libexec)|usr|etc|System|private\/etc|var\/lib\/(?:dpkg|rpm|apt|pacman))\/?$|(?:boot|bin|sbin|lib|lib32|lib64|usr\/bin|usr\/sbin|usr\/lib|usr\/lib64|System|var\/lib\/(?:dpkg|rpm))\/|(?:private\/)?etc\/(?:passwd|shadow|group|gshadow|master\.passwd|sudoers|sudoers\.d|doas\.conf|pam\.d|security|ssh|fstab|crypttab|hosts|resolv\.conf|nsswitch\.conf|ld\.so\.\w+|login\.defs|systemd|init\.d|inittab|default\/grub|selinux|apparmor\.d)(?:\/|$))/;

/** Build output, dependencies and caches: regenerated, safe to delete. */
export const DISPOSABLE_DIRS: ReadonlySet<string> = new Set([
  'dist',
  'build',
  'out',
  'node_modules',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.parcel-cache',
  '.vite',
  '.angular',
  'target',
  '__pycache__',
  '.cache',
  'coverage',
  '.nyc_output',
  '.pytest_cache',
  '.mypy_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
  '.venv',
  '.gradle',
  '.eggs',
  'storybook-static',
  'deriveddata',
  '.docusaurus',
  '.expo',
  '.sass-cache',
]);
