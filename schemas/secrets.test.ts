import { describe, expect, it } from 'vitest';
import { keyedFingerprint, locateSecrets, maskSecrets, maskToken, plainFingerprint } from './secrets.ts';

const fp = keyedFingerprint('unit-test-key-0123456789abcdef0123');
const GITHUB = 'ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';
const AWS_SECRET = 'k9Vd2+Hq7sLm0PzX3rT8wYb1NcE5uGf4JiKo6aQe';

describe('maskSecrets', () => {
  it('replaces each secret value, and only the value, with its typed mask', () => {
    const { text, masked } = maskSecrets(`GITHUB_TOKEN=${GITHUB} make release`, fp);
    expect(text).toBe(`GITHUB_TOKEN=${maskToken('github-token', fp(GITHUB))} make release`);
    expect(masked).toBe(1);
  });

  it('masks every occurrence, and gives the same secret the same fingerprint everywhere', () => {
    const { text } = maskSecrets(`a=${GITHUB}\nb=${GITHUB}`, fp);
    expect(text.split(maskToken('github-token', fp(GITHUB)))).toHaveLength(3);
    expect(text).not.toContain(GITHUB);
  });

  it('leaves text without secrets, and text already masked, as it is', () => {
    expect(maskSecrets('npm test && git status', fp)).toEqual({ text: 'npm test && git status', masked: 0 });
    const once = maskSecrets(`aws_secret_access_key = ${AWS_SECRET}`, fp).text;
    expect(maskSecrets(once, fp)).toEqual({ text: once, masked: 0 });
    expect(maskSecrets(`password=${maskToken('password-assignment', fp('x'))}`, fp).masked).toBe(0);
  });

  it('keeps JSON valid, even where a secret ends in an escape sequence', () => {
    const args = JSON.stringify({ command: `curl -H "Authorization: Bearer ${GITHUB}" https://x.invalid` });
    const masked = maskSecrets(args, fp).text;
    expect(JSON.parse(masked).command).toBe(
      `curl -H "Authorization: Bearer ${maskToken('github-token', fp(GITHUB))}" https://x.invalid`,
    );
    const escaped = JSON.stringify({ password: 'Tr0ub4dor"&3xyz', other: 'kept' });
    const out = maskSecrets(escaped, fp);
    expect(JSON.parse(out.text)).toEqual({ password: expect.stringMatching(/^\[secret:/), other: 'kept' });
    expect(out.text).not.toContain('Tr0ub4dor');
  });

  it('is a single shell word, so a masked command line splits where the original did', () => {
    const mask = maskSecrets(`mysql -u root -pS3cr3tPw db`, fp).text;
    expect(mask.split(' ')).toHaveLength(5);
  });
});

describe('locateSecrets', () => {
  it('reads masks back with the fingerprint they carry', () => {
    const mask = maskToken('aws-secret-key', '0123456789abcdef');
    expect(locateSecrets(`key = ${mask}`)).toEqual([
      { kind: 'aws-secret-key', fingerprint: '0123456789abcdef', start: 6, end: 6 + mask.length },
    ]);
  });

  it('keys fingerprints: another key or no key gives another fingerprint', () => {
    expect(fp(GITHUB)).toMatch(/^[0-9a-f]{16}$/);
    expect(fp(GITHUB)).toBe(keyedFingerprint('unit-test-key-0123456789abcdef0123')(GITHUB));
    expect(fp(GITHUB)).not.toBe(keyedFingerprint('another-key-0123456789abcdef012345')(GITHUB));
    expect(fp(GITHUB)).not.toBe(plainFingerprint(GITHUB));
  });
});
