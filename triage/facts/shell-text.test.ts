import { describe, expect, it } from 'vitest';
import { commandSubstitutions, decodeAnsiEscape, matchingParen } from './shell-text.ts';

describe('commandSubstitutions', () => {
  it.each([
    ['$(curl -s x)', ['curl -s x']],
    ['a `id` b $(whoami)', ['id', 'whoami']],
    ['<(sort a) >(tee b)', ['sort a', 'tee b']],
    ['$(echo "$(inner)")', ['echo "$(inner)"']],
    ['$((1+2)) \\$(not)', []],
    ['$(open', ['open']],
    ['plain', []],
  ])('%s', (text, expected) => {
    expect(commandSubstitutions(text)).toEqual(expected);
  });
});

describe('matchingParen', () => {
  it('skips quoted parentheses and nesting', () => {
    expect(matchingParen('(a (b) ")" c) d', 1)).toBe(12);
    expect(matchingParen("(a ')' b)", 1)).toBe(8);
    expect(matchingParen('(a', 1)).toBe(-1);
  });
});

describe('decodeAnsiEscape', () => {
  it.each([
    ['n', '\n', 1],
    ['x41', 'A', 3],
    ['x4', '\x04', 2],
    ['101', 'A', 3],
    ['u00e9', 'é', 5],
    ['U0001F600', '😀', 9],
    ['cA', '\x01', 2],
    ["'", "'", 1],
    ['q', '\\q', 1],
  ])('\\%s', (escape, text, length) => {
    expect(decodeAnsiEscape(escape, 0)).toEqual([text, length]);
  });
});
