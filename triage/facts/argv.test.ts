import { describe, expect, it } from 'vitest';
import { hasOption, optionValues, parseArgs } from './argv.ts';

describe('parseArgs', () => {
  const curl = new Set(['o', 'd', 'X', 'H', 'data']);

  it('reads short clusters, attached and separate values, long options and operands', () => {
    const parsed = parseArgs(
      ['-sSLo', 'out', '-XPOST', '--data=a', '--data', 'b', '-H', 'h: v', 'https://x', '-'],
      { withValue: curl },
    );
    expect(parsed.options).toEqual([
      { name: 's' },
      { name: 'S' },
      { name: 'L' },
      { name: 'o', value: 'out' },
      { name: 'X', value: 'POST' },
      { name: 'data', value: 'a' },
      { name: 'data', value: 'b' },
      { name: 'H', value: 'h: v' },
    ]);
    expect(parsed.operands).toEqual(['https://x', '-']);
    expect(optionValues(parsed, 'data', 'd')).toEqual(['a', 'b']);
    expect(hasOption(parsed, 'L')).toBe(true);
    expect(hasOption(parsed, 'k')).toBe(false);
  });

  it('treats everything after -- as operands', () => {
    expect(parseArgs(['-f', '--', '-rf', 'x']).operands).toEqual(['-rf', 'x']);
  });

  it('stops at the first operand for wrappers and says where', () => {
    expect(
      parseArgs(['-u', 'root', '-E', 'rm', '-rf', '/'], { withValue: new Set(['u']), stopAtOperand: true }),
    ).toEqual({
      options: [{ name: 'u', value: 'root' }, { name: 'E' }],
      operands: [],
      end: 3,
    });
    expect(parseArgs(['-n', '--', 'cmd', '-x'], { stopAtOperand: true }).end).toBe(2);
  });

  it('copes with a value option at the end', () => {
    expect(parseArgs(['-o'], { withValue: curl }).options).toEqual([{ name: 'o' }]);
    expect(parseArgs(['--data'], { withValue: curl }).options).toEqual([{ name: 'data' }]);
    expect(parseArgs([]).end).toBe(0);
  });
});
