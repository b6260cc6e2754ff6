import { describe, expect, it } from 'vitest';
import { shannonEntropy } from './text.ts';

describe('shannonEntropy', () => {
  it('is 0 for empty or constant text and grows with variety', () => {
    expect(shannonEntropy('')).toBe(0);
    expect(shannonEntropy('aaaa')).toBe(0);
    expect(shannonEntropy('abab')).toBe(1);
    expect(shannonEntropy('abcdefgh')).toBe(3);
    expect(shannonEntropy('k9Vd2+Hq7sLm0PzX3rT8wYb1NcE5uGf4JiKo6aQe')).toBeGreaterThan(4.5);
    expect(shannonEntropy('passwordpassword')).toBeLessThan(3);
  });
});
