import { describe, expect, it } from 'vitest';
import { classifyPath, normalizeDots } from './paths.ts';

const scope = (path: string, ctx = {}) => classifyPath(path, ctx).scope;
const store = (path: string, ctx = {}) => classifyPath(path, ctx).credentialStore;
const control = (path: string, ctx = {}) => classifyPath(path, ctx).controlPoint;

describe('classifyPath: scope', () => {
  it.each([
    ['src/index.ts', 'workspace'],
    ['./package.json', 'workspace'],
    ['/workspace/app/main.go', 'workspace'],
    ['/repo/README.md', 'workspace'],
    ['/app/server.js', 'workspace'],
    ['../sibling/file', 'unknown'],
    ['~', 'home'],
    ['~/.bashrc', 'home'],
    ['$HOME/.config/x', 'home'],
    ['${HOME}/x', 'home'],
    ['~bob/notes', 'home'],
    ['/home/alice/x', 'home'],
    ['/Users/ana/Desktop/x', 'home'],
    ['/root/.ssh/id_rsa', 'home'],
    ['/tmp/build.sh', 'temp'],
    ['/var/tmp/x', 'temp'],
    ['$TMPDIR/x', 'temp'],
    ['/private/var/folders/ab/T/x', 'temp'],
    ['/dev/shm/x', 'temp'],
    ['/etc/hosts', 'system'],
    ['/usr/local/bin/tool', 'system'],
    ['/var/log/syslog', 'system'],
    ['/proc/1/environ', 'system'],
    ['/', 'system'],
    ['/System/Library/x', 'system'],
    ['/mnt/data/x', 'unknown'],
    ['$SOME_DIR/x', 'unknown'],
    ['C:\\Windows\\System32\\drivers\\etc\\hosts', 'system'],
    ['C:\\Users\\bob\\Documents\\x', 'home'],
  ])('%s is %s', (path, expected) => {
    expect(scope(path)).toBe(expected);
  });

  it('uses the working directory', () => {
    const ctx = { cwd: '/home/alice/project' };
    expect(scope('src/a.ts', ctx)).toBe('workspace');
    expect(scope('/home/alice/project/src/a.ts', ctx)).toBe('workspace');
    expect(scope('../other/x', ctx)).toBe('home');
    expect(scope('/home/alice/.bashrc', ctx)).toBe('home');
    expect(scope('$PWD/out.txt', ctx)).toBe('workspace');
  });

  it('does not treat a home directory or / as the workspace', () => {
    expect(scope('.ssh/id_rsa', { cwd: '/home/alice' })).toBe('home');
    expect(store('.ssh/id_rsa', { cwd: '/home/alice' })).toBe('ssh');
    expect(scope('etc/passwd', { cwd: '/' })).toBe('system');
  });

  it('resolves .. before deciding (escaping the workspace is not the workspace)', () => {
    const ctx = { cwd: '/home/alice/project' };
    expect(classifyPath('../.ssh/id_ed25519', ctx)).toMatchObject({ scope: 'home', credentialStore: 'ssh' });
    expect(classifyPath('src/../../../../etc/shadow', ctx)).toMatchObject({
      scope: 'system',
      credentialStore: 'shadow',
    });
    expect(classifyPath('node_modules/../src/a.ts', {}).disposable).toBeUndefined();
  });

  it('expands ~ with a known home', () => {
    expect(
      classifyPath('~/project/src/a.ts', { cwd: '/home/alice/project', home: '/home/alice' }).scope,
    ).toBe('workspace');
  });

  it('keeps the path as written', () => {
    expect(classifyPath('../.ssh/id_rsa', { cwd: '/home/a/p' }).path).toBe('../.ssh/id_rsa');
  });
});

describe('classifyPath: credential stores', () => {
  it.each([
    ['~/.ssh/id_rsa', 'ssh'],
    ['~/.ssh/id_ed25519', 'ssh'],
    ['/home/bob/.ssh/deploy.pem', 'ssh'],
    ['~/.ssh', 'ssh'],
    ['~/.ssh/*', 'ssh'],
    ['/etc/ssh/ssh_host_ed25519_key', 'ssh'],
    ['~/.aws/credentials', 'aws'],
    ['~/.aws/sso/cache/abc.json', 'aws'],
    ['~/.config/gcloud/application_default_credentials.json', 'gcloud'],
    ['~/.config/gcloud/credentials.db', 'gcloud'],
    ['~/.azure/msal_token_cache.json', 'azure'],
    ['~/.kube/config', 'kube'],
    ['/etc/kubernetes/admin.conf', 'kube'],
    ['/var/run/secrets/kubernetes.io/serviceaccount/token', 'kube'],
    ['~/.docker/config.json', 'docker'],
    ['~/.git-credentials', 'git-credentials'],
    ['~/.npmrc', 'npmrc'],
    ['.npmrc', 'npmrc'],
    ['~/.pypirc', 'pypirc'],
    ['~/.netrc', 'netrc'],
    ['~/.pgpass', 'pgpass'],
    ['~/.gnupg/private-keys-v1.d/x.key', 'gnupg'],
    ['~/Library/Keychains/login.keychain-db', 'keychain'],
    ['/tmp/copy.keychain', 'keychain'],
    ['~/.config/google-chrome/Default/Login Data', 'browser-profile'],
    ['~/Library/Application Support/Google/Chrome/Default/Cookies', 'browser-profile'],
    ['~/.mozilla/firefox/abc.default/logins.json', 'browser-profile'],
    ['/tmp/key4.db', 'browser-profile'],
    ['.env', 'dotenv'],
    ['apps/api/.env.production', 'dotenv'],
    ['.env.local', 'dotenv'],
    ['.envrc', 'dotenv'],
    ['~/.password-store/github.gpg', 'password-store'],
    ['~/.codex/auth.json', 'agent-credentials'],
    ['~/.claude/.credentials.json', 'agent-credentials'],
    ['~/.config/gh/hosts.yml', 'agent-credentials'],
    ['~/.gemini/oauth_creds.json', 'agent-credentials'],
    ['/etc/shadow', 'shadow'],
    ['/etc/gshadow', 'shadow'],
    ['/mnt/backup/home/bob/.aws/credentials', 'aws'],
  ])('%s is %s', (path, expected) => {
    expect(store(path)).toBe(expected);
  });

  it.each([
    '~/.ssh/known_hosts',
    '~/.ssh/config',
    '~/.aws/config',
    '~/.ssh/id_rsa.pub',
    '~/.ssh/authorized_keys',
    '.env.example',
    '.env.sample',
    '.env.template',
    'src/env.ts',
    'docs/auth.md',
    '/etc/passwd',
    'README.md',
    'Cookies.tsx',
  ])('%s is no credential store', (path) => {
    expect(store(path)).toBeUndefined();
  });
});

describe('classifyPath: control points', () => {
  it.each([
    ['/etc/crontab', 'crontab'],
    ['/etc/cron.d/backup', 'crontab'],
    ['/etc/cron.daily/logrotate', 'crontab'],
    ['/var/spool/cron/crontabs/root', 'crontab'],
    ['~/.bashrc', 'shell-rc'],
    ['~/.zshrc', 'shell-rc'],
    ['~/.profile', 'shell-rc'],
    ['~/.bash_profile', 'shell-rc'],
    ['/etc/profile.d/proxy.sh', 'shell-rc'],
    ['/etc/bash.bashrc', 'shell-rc'],
    ['~/.config/fish/config.fish', 'shell-rc'],
    ['~/.ssh/authorized_keys', 'authorized-keys'],
    ['/root/.ssh/authorized_keys2', 'authorized-keys'],
    ['.git/hooks/pre-commit', 'git-hooks'],
    ['/repo/.git/hooks/post-checkout', 'git-hooks'],
    ['.husky/pre-push', 'git-hooks'],
    ['.git/config', 'git-hooks'],
    ['~/.gitconfig', 'git-hooks'],
    ['.github/workflows/ci.yml', 'ci-workflow'],
    ['.github/actions/setup/action.yml', 'ci-workflow'],
    ['.gitlab-ci.yml', 'ci-workflow'],
    ['.circleci/config.yml', 'ci-workflow'],
    ['Jenkinsfile', 'ci-workflow'],
    ['~/.codex/config.toml', 'agent-config'],
    ['.codex/config.toml', 'agent-config'],
    ['~/.claude/settings.json', 'agent-config'],
    ['.claude/settings.local.json', 'agent-config'],
    ['.claude/hooks/pre.sh', 'agent-config'],
    ['~/.claude.json', 'agent-config'],
    ['.gemini/settings.json', 'agent-config'],
    ['~/.gemini/GEMINI.md', 'agent-config'],
    ['/etc/claude-code/managed-settings.json', 'agent-config'],
    ['.mcp.json', 'agent-config'],
    ['/etc/systemd/system/backdoor.service', 'systemd'],
    ['~/.config/systemd/user/agent.service', 'systemd'],
    ['/lib/systemd/system/ssh.service', 'systemd'],
    ['/etc/rc.local', 'systemd'],
    ['~/.config/autostart/x.desktop', 'systemd'],
    ['~/Library/LaunchAgents/com.evil.plist', 'launchd'],
    ['/Library/LaunchDaemons/com.evil.plist', 'launchd'],
    ['/etc/sudoers', 'sudoers'],
    ['/etc/sudoers.d/90-agent', 'sudoers'],
    ['/etc/ld.so.preload', 'ld-preload'],
  ])('%s is %s', (path, expected) => {
    expect(control(path)).toBe(expected);
  });

  it('counts package.json only when written, and not inside node_modules', () => {
    expect(control('package.json')).toBeUndefined();
    expect(control('package.json', { written: true })).toBe('package-scripts');
    expect(control('node_modules/x/package.json', { written: true })).toBeUndefined();
  });

  it('keeps credentials and agent config apart', () => {
    expect(classifyPath('~/.codex/auth.json').controlPoint).toBeUndefined();
    expect(classifyPath('~/.codex/sessions/2025/x.jsonl').controlPoint).toBeUndefined();
    expect(classifyPath('src/.claude-notes.md').controlPoint).toBeUndefined();
  });
});

describe('classifyPath: disposable output', () => {
  it.each([
    'dist',
    'dist/',
    'build/index.js',
    'out',
    'node_modules',
    'packages/web/node_modules/.cache',
    '.next/cache',
    'target/debug',
    'src/__pycache__/a.cpython-312.pyc',
    'a.pyc',
    '.pytest_cache',
    'coverage/lcov.info',
    'tmp/scratch.txt',
    'pkg.egg-info',
    '~/.cache/pip',
    '/tmp/build',
  ])('%s is disposable', (path) => {
    expect(classifyPath(path, {}).disposable).toBe(true);
  });

  it.each(['src', 'src/build.ts', '.', '~', '~/projects', '/usr/lib/node_modules', 'lib/output.ts'])(
    '%s is not disposable',
    (path) => {
      expect(classifyPath(path, {}).disposable).toBeUndefined();
    },
  );

  it('looks only below the workspace root (a project living under /x/build/ is not build output)', () => {
    expect(classifyPath('src/a.ts', { cwd: '/home/u/build/app' }).disposable).toBeUndefined();
    expect(classifyPath('dist', { cwd: '/home/u/build/app' }).disposable).toBe(true);
  });
});

describe('normalizeDots', () => {
  it.each([
    ['/a/b/../c/./d', '/a/c/d'],
    ['a//b/', 'a/b'],
    ['../../x', '../../x'],
    ['a/../..', '..'],
    ['/..', '/'],
    ['.', '.'],
    ['./', '.'],
  ])('%s → %s', (path, expected) => {
    expect(normalizeDots(path)).toBe(expected);
  });
});
