import { describe, expect, it } from 'vitest';
import { basename, gitInvocation, interpreterCall, languageOf, programKey } from './programs.ts';
import { parseShell } from './shell.ts';
import type { ShellCommand } from './types.ts';

const cmd = (command: string): ShellCommand => parseShell(command).pipelines[0]?.[0] as ShellCommand;

describe('program names', () => {
  it('takes basenames and lookup keys', () => {
    expect(basename('/usr/bin/curl')).toBe('curl');
    expect(basename('C:\\Windows\\powershell.exe')).toBe('powershell.exe');
    expect(programKey('PowerShell.exe')).toBe('powershell');
  });

  it.each([
    ['bash', 'shell'],
    ['dash', 'shell'],
    ['python', 'python'],
    ['python3.12', 'python'],
    ['pypy3', 'python'],
    ['node', 'node'],
    ['bun', 'node'],
    ['perl', 'perl'],
    ['ruby', 'ruby'],
    ['php', 'php'],
    ['pwsh', 'powershell'],
    ['IEX', 'powershell'],
    ['pythonista', undefined],
    ['make', undefined],
  ])('%s is %s', (name, language) => {
    expect(languageOf(name)).toBe(language);
  });
});

describe('interpreterCall', () => {
  it.each([
    ['bash -c "ls"', { language: 'shell', code: 'ls', readsStdin: false }],
    ['bash -euxo pipefail -c "ls"', { language: 'shell', code: 'ls', readsStdin: false }],
    ['sh', { language: 'shell', readsStdin: true }],
    ['bash -s -- --flag', { language: 'shell', readsStdin: true }],
    ['bash -i', { language: 'shell', readsStdin: true }],
    ['bash deploy.sh prod', { language: 'shell', script: 'deploy.sh', readsStdin: false }],
    ['python3 -', { language: 'python', readsStdin: true }],
    ['python3 -u tool.py -c x', { language: 'python', script: 'tool.py', readsStdin: false }],
    ['python3 -m http.server 80', { language: 'python', module: 'http.server', readsStdin: false }],
    ['python3 -Ic "print(1)"', { language: 'python', code: 'print(1)', readsStdin: false }],
    ['node -p "1+1"', { language: 'node', code: '1+1', readsStdin: false }],
    ['node --require ts-node/register app.ts', { language: 'node', script: 'app.ts', readsStdin: false }],
    ['deno eval "console.log(1)"', { language: 'node', code: 'console.log(1)', readsStdin: false }],
    ['deno run -A main.ts', { language: 'node', script: 'main.ts', readsStdin: false }],
    ['perl -Mstrict -lne "print" f', { language: 'perl', code: 'print', readsStdin: false }],
    ['perl -e a -e b', { language: 'perl', code: 'a\nb', readsStdin: false }],
    ['ruby -e "puts 1"', { language: 'ruby', code: 'puts 1', readsStdin: false }],
    ['php -r "echo 1;"', { language: 'php', code: 'echo 1;', readsStdin: false }],
    [
      'powershell -NoProfile -ExecutionPolicy Bypass -Command "Get-Process"',
      { language: 'powershell', code: 'Get-Process', readsStdin: false },
    ],
    ['powershell -enc AAAA', { language: 'powershell', encoded: 'AAAA', readsStdin: false }],
    ['pwsh -ec AAAA', { language: 'powershell', encoded: 'AAAA', readsStdin: false }],
    ['pwsh -File x.ps1', { language: 'powershell', script: 'x.ps1', readsStdin: false }],
    ['powershell -Command -', { language: 'powershell', readsStdin: true }],
    ['iex', { language: 'powershell', readsStdin: true }],
  ])('%s', (command, expected) => {
    expect(interpreterCall(cmd(command))).toEqual(expected);
  });

  it('is undefined for other programs', () => {
    expect(interpreterCall(cmd('ls -la'))).toBeUndefined();
  });
});

describe('gitInvocation', () => {
  it('skips global options', () => {
    expect(gitInvocation(cmd('git -C repo -c core.hooksPath=/x --no-pager push -f origin main'))).toEqual({
      subcommand: 'push',
      args: ['-f', 'origin', 'main'],
      configs: ['core.hooksPath=/x'],
    });
    expect(gitInvocation(cmd('git --version'))).toBeUndefined();
    expect(gitInvocation(cmd('hg push'))).toBeUndefined();
  });
});
