import { describe, expect, it } from 'vitest';
import { CONTROL_POINTS, CREDENTIAL_STORES } from './types.ts';
import { CONTROL_POINT_RULES, CREDENTIAL_RULES, DISPOSABLE_DIRS } from './path-rules.ts';

const segments = (path: string) => path.toLowerCase().split('/').filter(Boolean);
const credential = (path: string) => CREDENTIAL_RULES.find((r) => r.test(segments(path)))?.id;
const control = (path: string) => CONTROL_POINT_RULES.find((r) => r.test(segments(path)))?.id;

describe('path rules', () => {
  it('cover every credential store and control point of the schema', () => {
    expect(new Set(CREDENTIAL_RULES.map((r) => r.id))).toEqual(new Set(CREDENTIAL_STORES));
    expect(new Set(CONTROL_POINT_RULES.map((r) => r.id))).toEqual(new Set(CONTROL_POINTS));
  });

  it('match anywhere in a path, case-insensitively', () => {
    expect(credential('/mnt/backup/home/bob/.AWS/credentials')).toBe('aws');
    expect(credential('/Volumes/old/Users/ana/Library/Keychains/login.keychain-db')).toBe('keychain');
    expect(control('/srv/mirror/repo/.git/hooks/pre-commit')).toBe('git-hooks');
  });

  it('check agent credentials before agent config', () => {
    expect(credential('~/.codex/auth.json')).toBe('agent-credentials');
    expect(control('~/.codex/auth.json')).toBeUndefined();
    expect(control('~/.codex/config.toml')).toBe('agent-config');
  });

  it('anchor system paths at the root', () => {
    expect(credential('/etc/shadow')).toBe('shadow');
    expect(credential('backup/etc/shadow')).toBeUndefined();
    expect(control('/etc/sudoers.d/x')).toBe('sudoers');
    expect(control('docs/etc/sudoers')).toBeUndefined();
  });

  it('list build output directories in lower case', () => {
    expect([...DISPOSABLE_DIRS].every((d) => d === d.toLowerCase())).toBe(true);
    expect(DISPOSABLE_DIRS.has('node_modules')).toBe(true);
    expect(DISPOSABLE_DIRS.has('src')).toBe(false);
  });
});
