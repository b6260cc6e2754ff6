/**
 * What a file path is: where it lives (workspace, home, system, temp), whether it is a credential store or a
 * control point (a file whose change makes code run later), and whether it is disposable build output.
 * Paths are normalized first (`~`, `$HOME`, `/home/<user>`, `..`, the working directory), so `../../.ssh/id_rsa`
 * from `/home/alice/project` is the same key as `~/.ssh/id_rsa`.
 */
import { CONTROL_POINT_RULES, CREDENTIAL_RULES, DISPOSABLE_DIRS, type PathRule } from './path-rules.ts';
import type { PathFacts, PathScope } from './types.ts';

export interface PathContext {
  /** Working directory of the command (`workdir`, or after `cd`). */
  cwd?: string;
  /** The user's home directory, when known. */
  home?: string;
  /** The path is being written (`package.json` scripts only matter then). */
  written?: boolean;
}

const HOME_PREFIX =
  /^(?:~[A-Za-z0-9._-]*|\$HOME|\$\{HOME\}|%USERPROFILE%|\$env:(?:USERPROFILE|HOME))(?=\/|$)/i;
const USER_HOME = /^\/(?:home\/[^/]+|Users\/[^/]+|root)(?=\/|$)/;
const VARIABLE_PREFIXES: [RegExp, string][] = [
  [/^\$(?:\{XDG_CONFIG_HOME\}|XDG_CONFIG_HOME)(?=\/|$)/, '~/.config'],
  [/^\$(?:\{XDG_DATA_HOME\}|XDG_DATA_HOME)(?=\/|$)/, '~/.local/share'],
  [/^\$(?:\{XDG_CACHE_HOME\}|XDG_CACHE_HOME)(?=\/|$)/, '~/.cache'],
  [/^\$(?:\{(?:TMPDIR|TMP|TEMP)\}|TMPDIR|TMP|TEMP)(?=\/|$)/, '/tmp'],
  [/^(?:\$PWD|\$\{PWD\}|\$\(pwd\)|`pwd`)(?=\/|$)/, '.'],
];
const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;
const WORKSPACE_ROOTS = [
  '/workspace',
  '/workspaces',
  '/repo',
  '/src',
  '/app',
  '/code',
  '/project',
  '/projects',
];
const TEMP_ROOTS = ['/tmp', '/var/tmp', '/private/tmp', '/private/var/folders', '/var/folders', '/dev/shm'];
const SYSTEM_ROOTS = [
  '/etc',
  '/usr',
  '/bin',
  '/sbin',
  '/var',
  '/boot',
  '/lib',
  '/lib32',
  '/lib64',
  '/sys',
  '/proc',
  '/dev',
  '/opt',
  '/srv',
  '/run',
  '/snap',
  '/System',
  '/Library',
  '/Applications',
  '/private/etc',
  '/private/var',
  '/windows',
  '/program files',
];

export function classifyPath(path: string, ctx: PathContext = {}): PathFacts {
  const { key, scope, inner } = locate(path.trim(), ctx);
  const facts: PathFacts = { path, scope };
  const segments = key
    .toLowerCase()
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  const credential = firstMatch(CREDENTIAL_RULES, segments);
  if (credential !== undefined) facts.credentialStore = credential;
  const control = firstMatch(CONTROL_POINT_RULES, segments);
  if (control !== undefined && (control !== 'package-scripts' || ctx.written)) facts.controlPoint = control;
  if (scope !== 'system' && isDisposable(inner.toLowerCase().split('/'), scope)) facts.disposable = true;
  return facts;
}

function firstMatch<T extends string>(rules: readonly PathRule<T>[], segments: string[]): T | undefined {
  return rules.find((rule) => rule.test(segments))?.id;
}

function isDisposable(segments: string[], scope: PathScope): boolean {
  const base = segments.at(-1) ?? '';
  if (base.endsWith('.pyc') || base.endsWith('.pyo')) return true;
  return segments.some(
    (s) => DISPOSABLE_DIRS.has(s) || s.endsWith('.egg-info') || (scope === 'workspace' && s === 'tmp'),
  );
}

interface Located {
  key: string;
  scope: PathScope;
  /** The part below the scope's root (the workspace, home or temp directory). */
  inner: string;
}

/**
 * The path as a matching key (absolute when it can be: `~` expanded with the known home, joined to the working
 * directory, dots resolved; else relative or `~/…`) and its scope.
 */
function locate(raw: string, ctx: PathContext): Located {
  let path = raw.startsWith('file://') ? raw.slice(7) : raw;
  if (WINDOWS_DRIVE.test(path)) path = windowsToPosix(path);
  path = path.replace(HOME_PREFIX, '~');
  for (const [pattern, replacement] of VARIABLE_PREFIXES) path = path.replace(pattern, replacement);
  if (path === '.' || (!path.startsWith('/') && !path.startsWith('~') && !path.startsWith('$'))) {
    if (ctx.cwd !== undefined) path = `${ctx.cwd.replace(/\/+$/, '')}/${path}`;
  }
  const key = normalizeDots(expandHome(path, ctx.home));
  const home = homeKey(key, ctx.home);
  const workspace = workspaceRoot(ctx);
  if (workspace !== undefined && isUnder(key, workspace))
    return { key, scope: 'workspace', inner: key.slice(workspace.length) };
  if (home !== undefined) return { key, scope: 'home', inner: home.slice(1) };
  if (key.startsWith('$')) return { key, scope: 'unknown', inner: key };
  if (!key.startsWith('/')) return { key, scope: key.startsWith('..') ? 'unknown' : 'workspace', inner: key };
  const root = (roots: string[]) => roots.find((r) => isUnder(key.toLowerCase(), r.toLowerCase()));
  const workspaceDir = root(WORKSPACE_ROOTS);
  if (workspaceDir !== undefined) return { key, scope: 'workspace', inner: key.slice(workspaceDir.length) };
  const tempDir = root(TEMP_ROOTS);
  if (tempDir !== undefined) return { key, scope: 'temp', inner: key.slice(tempDir.length) };
  if (key === '/' || root(SYSTEM_ROOTS) !== undefined) return { key, scope: 'system', inner: key };
  return { key, scope: 'unknown', inner: key };
}

/** `C:\Users\bob\.ssh` → `/Users/bob/.ssh`, `C:\Windows\…` → `/windows/…`. */
function windowsToPosix(path: string): string {
  return path.slice(2).replace(/\\/g, '/');
}

function expandHome(path: string, home: string | undefined): string {
  if (home === undefined || !(path === '~' || path.startsWith('~/'))) return path;
  return home.replace(/\/+$/, '') + path.slice(1);
}

/** `~/…` for a path in a home directory (the known one, `/home/<user>`, `/Users/<user>`, `/root`). */
function homeKey(path: string, home: string | undefined): string | undefined {
  if (path === '~' || path.startsWith('~/')) return path;
  if (/^~[^/]/.test(path))
    return `~${path.slice(path.indexOf('/') === -1 ? path.length : path.indexOf('/'))}`;
  const known = home?.replace(/\/+$/, '');
  if (known !== undefined && known !== '' && isUnder(path, known)) return `~${path.slice(known.length)}`;
  const user = USER_HOME.exec(path);
  return user === null ? undefined : `~${path.slice(user[0].length)}`;
}

/** The working directory counts as the workspace unless it is `/`, a home directory itself or a system path. */
function workspaceRoot(ctx: PathContext): string | undefined {
  const cwd = ctx.cwd === undefined ? undefined : normalizeDots(expandHome(ctx.cwd, ctx.home));
  if (cwd === undefined || !cwd.startsWith('/') || cwd === '/') return undefined;
  if (homeKey(cwd, ctx.home) === '~') return undefined;
  if (SYSTEM_ROOTS.some((root) => isUnder(cwd, root))) return undefined;
  return cwd.replace(/\/+$/, '');
}

function isUnder(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Resolves `.` and `..` and repeated slashes; leading `..` of a relative path are kept. */
export function normalizeDots(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..' && out.length > 0 && out.at(-1) !== '..' && out.at(-1) !== '~') out.pop();
    else if (segment !== '..' || !absolute) out.push(segment);
  }
  const joined = out.join('/');
  return absolute ? `/${joined}` : joined === '' ? '.' : joined;
}
