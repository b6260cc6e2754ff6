import { describe, expect, it } from 'vitest';
import { createIngestAuth, parseIngestTokens } from './ingest-tokens.ts';

describe('ingest tokens', () => {
  it('maps bearer tokens to workspaces and refuses anything else', () => {
    const auth = createIngestAuth(
      parseIngestTokens('tok-acme-0123456789abcdef=acme, b64token+/xyz0123456789===globex'),
    );
    expect(auth.principalFor('Bearer tok-acme-0123456789abcdef')).toEqual({ workspace: 'acme' });
    expect(auth.principalFor('bearer   b64token+/xyz0123456789==')).toEqual({ workspace: 'globex' });
    expect(auth.principalFor('Bearer tok-acme-0123456789abcdeF')).toBeUndefined();
    expect(auth.principalFor('tok-acme-0123456789abcdef')).toBeUndefined();
    expect(auth.principalFor('Basic dG9rOng=')).toBeUndefined();
    expect(auth.principalFor(undefined)).toBeUndefined();
    expect(auth.principalFor('Bearer ')).toBeUndefined();
  });

  it('maps a token issued to one person to that person', () => {
    const auth = createIngestAuth(
      parseIngestTokens('tok-dana-0123456789abcdef=acme:dana@example.com,tok-lee-0123456789abcdef=acme:lee'),
    );
    expect(auth.principalFor('Bearer tok-dana-0123456789abcdef')).toEqual({
      workspace: 'acme',
      user: 'dana@example.com',
    });
    expect(auth.principalFor('Bearer tok-lee-0123456789abcdef')).toEqual({ workspace: 'acme', user: 'lee' });
    expect(() => parseIngestTokens('tok-dana-0123456789abcdef=acme:dana smith')).toThrow(/entry 1 must be/);
    expect(() => parseIngestTokens('tok-dana-0123456789abcdef=acme:a:b')).toThrow(/entry 1 must be/);
  });

  it('names the bad entry without echoing the token', () => {
    expect(() => parseIngestTokens('short=acme')).toThrow('entry 1: tokens must be at least 16 characters');
    expect(() =>
      parseIngestTokens('tok-acme-0123456789abcdef=acme,secret-token-0123456789=bad workspace'),
    ).toThrow(/^entry 2 must be token=workspace\[:user\]/);
    try {
      parseIngestTokens('secret-token-0123456789=bad workspace');
    } catch (err) {
      expect((err as Error).message).not.toContain('secret-token');
    }
  });
});
