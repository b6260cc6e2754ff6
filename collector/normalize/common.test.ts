import { describe, expect, it } from 'vitest';
import {
  commandFromArgv,
  commandFromArguments,
  flattenAttributes,
  getBool,
  getInt,
  getNumber,
  getString,
  getText,
  parseTimestampNanos,
  truncateUtf8,
} from './common.ts';

describe('flattenAttributes', () => {
  it('keeps an attribute named __proto__ as an attribute of the flattened set', () => {
    const attrs = JSON.parse('{"__proto__":"x","a":"b"}') as Record<string, string>;
    const flat = flattenAttributes(attrs, { 'service.name': 'codex' });
    expect(Object.getPrototypeOf(flat)).toBe(Object.prototype);
    expect(Object.entries(flat)).toEqual([
      ['__proto__', 'x'],
      ['a', 'b'],
      ['resource.service.name', 'codex'],
    ]);
  });
});

describe('lenient attribute getters', () => {
  const attrs = {
    n: 412,
    s: '412',
    f: '1.5',
    bad: '41x',
    t: 'TRUE',
    b: false,
    empty: '',
    list: ['a'],
    nil: null,
  };

  it('read "412" and 412 alike', () => {
    expect(getNumber(attrs, 'n')).toBe(412);
    expect(getNumber(attrs, 's')).toBe(412);
    expect(getInt(attrs, 'f')).toBeUndefined();
    expect(getNumber(attrs, 'bad')).toBeUndefined();
    expect(getString(attrs, 'n')).toBe('412');
  });

  it('read booleans and their strings, and nothing else', () => {
    expect(getBool(attrs, 't')).toBe(true);
    expect(getBool(attrs, 'b')).toBe(false);
    expect(getBool(attrs, 'n')).toBeUndefined();
  });

  it('treat empty strings, lists and null as absent text', () => {
    expect(getString(attrs, 'empty')).toBe('');
    expect(getText(attrs, 'empty')).toBeUndefined();
    expect(getString(attrs, 'list')).toBeUndefined();
    expect(getString(attrs, 'nil')).toBeUndefined();
  });
});

describe('shell commands', () => {
  it('unwraps a shell -c script and quotes other argv', () => {
    expect(commandFromArgv(['bash', '-lc', 'echo hi && rm -rf /tmp/x'])).toBe('echo hi && rm -rf /tmp/x');
    expect(commandFromArgv(['/bin/sh', '-c', 'id'])).toBe('id');
    expect(commandFromArgv(['bash', '-lc', 'a', 'extra'])).toBe('bash -lc a extra');
    expect(commandFromArgv(['rm', '-rf', 'my dir', '$HOME', ''])).toBe(`rm -rf 'my dir' '$HOME' ''`);
  });

  it('finds command or cmd in JSON arguments, as a string or an argv', () => {
    expect(commandFromArguments('{"command":"ls -la"}')).toBe('ls -la');
    expect(commandFromArguments('{"cmd":["git","status"]}')).toBe('git status');
    expect(commandFromArguments({ command: ['bash', '-c', 'whoami'] })).toBe('whoami');
    expect(commandFromArguments('{"path":"a.txt"}')).toBeUndefined();
    expect(commandFromArguments('not json')).toBeUndefined();
  });
});

describe('timestamps and truncation', () => {
  it('parses RFC 3339 with sub-millisecond digits and offsets', () => {
    expect(parseTimestampNanos('2026-01-01T10:20:00.100Z')).toBe('1767262800100000000');
    expect(parseTimestampNanos('2026-01-01T10:20:00.123456789Z')).toBe('1767262800123456789');
    expect(parseTimestampNanos('2026-01-01T11:20:00+01:00')).toBe('1767262800000000000');
    expect(parseTimestampNanos('yesterday')).toBeUndefined();
  });

  it('cuts on a character boundary', () => {
    expect(truncateUtf8('aé', 2)).toEqual({ text: 'a', truncated: true });
    expect(truncateUtf8('abc', 3)).toEqual({ text: 'abc', truncated: false });
  });
});
