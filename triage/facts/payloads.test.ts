import { describe, expect, it } from 'vitest';
import { base64Decoder, decodeBase64Text, findPayloads } from './payloads.ts';
import { parseShell } from './shell.ts';
import type { ShellCommand } from './types.ts';

/** Payloads of the first pipeline only (no recursion: that is the parser's job). */
const found = (command: string, outputExecuted = false) =>
  findPayloads(parseShell(command).pipelines[0] ?? [], outputExecuted).map((f) => [
    f.payload.kind,
    f.payload.text,
    f.shell,
    f.command,
  ]);
const cmd = (command: string) => parseShell(command).pipelines[0]?.[0] as ShellCommand;
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('findPayloads', () => {
  it('says which command carries the payload and whether it is shell', () => {
    expect(found('cat x | bash -c "wc -l"')).toEqual([['sh-c', 'wc -l', true, 1]]);
    expect(found('python3 -c "print(1)"')).toEqual([['python-c', 'print(1)', false, 0]]);
    expect(found('eval "a b" c')).toEqual([['eval', 'a b c', true, 0]]);
  });

  it('follows standard input through echo, printf, cat and here-documents', () => {
    expect(found('echo "ls -la" | sh')).toEqual([['eval', 'ls -la', true, 1]]);
    expect(found('printf "%s\\n" "id" | bash')).toEqual([['eval', 'id', true, 1]]);
    expect(found('cat <<EOF | python3\nprint(1)\nEOF')).toEqual([['heredoc', 'print(1)', false, 1]]);
    expect(found('node <<< "console.log(1)"')).toEqual([['heredoc', 'console.log(1)', false, 0]]);
    expect(found('cat script.sh | bash')).toEqual([]);
  });

  it('does not treat data given to a script as code', () => {
    expect(found('python3 tool.py <<EOF\nnot code\nEOF')).toEqual([]);
    expect(found('bash deploy.sh <<< "yes"')).toEqual([]);
  });

  it('decides whether decoded base64 runs as shell', () => {
    expect(found(`echo ${b64('id')} | base64 -d | sh`)).toEqual([['base64', 'id', true, 1]]);
    expect(found(`echo ${b64('id')} | base64 -d | python3`)).toEqual([['base64', 'id', false, 1]]);
    expect(found(`echo ${b64('id')} | base64 -d`)).toEqual([['base64', 'id', false, 1]]);
    expect(found(`echo ${b64('id')} | base64 -d`, true)).toEqual([['base64', 'id', true, 1]]);
  });

  it('skips empty payloads', () => {
    expect(found('bash -c ""')).toEqual([]);
    expect(found('eval')).toEqual([]);
  });
});

describe('base64Decoder', () => {
  it.each([
    ['base64 -d', true],
    ['base64 --decode', true],
    ['base64 -D', true],
    ['base64 -di', true],
    ['base64 -d -', true],
    ['base64 -d file.b64', false],
    ['base64 file', false],
    ['openssl base64 -d', true],
    ['openssl enc -d -a', true],
    ['openssl enc -d -a -in x.b64', false],
    ['basenc --base64 -d', true],
  ])('%s → %s', (command, expected) => {
    expect(base64Decoder(cmd(command))).toBe(expected);
  });
});

describe('decodeBase64Text', () => {
  it('decodes standard and URL-safe base64, ignoring whitespace', () => {
    expect(decodeBase64Text('aGVsbG8gd29ybGQ=')).toBe('hello world');
    expect(decodeBase64Text('aGVs\nbG8g d29y\tbGQ=')).toBe('hello world');
    expect(decodeBase64Text(Buffer.from('a?b>c').toString('base64url'))).toBe('a?b>c');
    expect(decodeBase64Text(Buffer.from('Get-Process', 'utf16le').toString('base64'), 'utf16le')).toBe(
      'Get-Process',
    );
  });

  it('refuses non-base64 and binary', () => {
    expect(decodeBase64Text('not base64!')).toBeUndefined();
    expect(decodeBase64Text('abc')).toBeUndefined();
    expect(decodeBase64Text(Buffer.from([0, 1, 2, 3, 255, 254, 7, 8]).toString('base64'))).toBeUndefined();
    expect(decodeBase64Text(Buffer.from('plain utf8 text').toString('base64'), 'utf16le')).toBeUndefined();
  });
});
