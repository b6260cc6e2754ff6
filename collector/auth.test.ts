import { describe, expect, it } from 'vitest';
import { createIngestAuth, parseIngestTokens } from './auth.ts';

describe('ingest tokens', () => {
  it('maps bearer tokens to workspaces and refuses anything else', () => {
    const auth = createIngestAuth(
      parseIngestTokens('tok-acme-0123456789abcdef=acme, b64token+/xyz0123456789===globex'),
    );
    expect(auth.workspaceFor('Bearer tok-acme-0123456789abcdef')).toBe('acme');
    expect(auth.workspaceFor('bearer   b64token+/xyz0123456789==')).toBe('globex');
    expect(auth.workspaceFor('Bearer tok-acme-0123456789abcdeF')).toBeUndefined();
    expect(auth.workspaceFor('tok-acme-0123456789abcdef')).toBeUndefined();
    expect(auth.workspaceFor('Basic dG9rOng=')).toBeUndefined();
    expect(auth.workspaceFor(undefined)).toBeUndefined();
    expect(auth.workspaceFor('Bearer ')).toBeUndefined();
  });

  it('names the bad entry without echoing the token', () => {
    expect(() => parseIngestTokens('short=acme')).toThrow('entry 1: tokens must be at least 16 characters');
    expect(() =>
      parseIngestTokens('tok-acme-0123456789abcdef=acme,secret-token-0123456789=bad workspace'),
    ).toThrow(/^entry 2 must be token=workspace/);
    try {
      parseIngestTokens('secret-token-0123456789=bad workspace');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-token');
    }
  });
});
