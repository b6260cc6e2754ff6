import { describe, expect, it } from 'vitest';
import { unwrap } from './wrappers.ts';

const run = (words: string[], assignable = words.map((w) => /^[A-Za-z_]\w*=/.test(w))) => {
  const { start, wrappers, env } = unwrap(words, assignable);
  return { program: words[start], wrappers, env };
};

describe('unwrap', () => {
  it.each([
    [['sudo', '-u', 'bob', '-H', 'npm', 'i'], 'npm', ['sudo']],
    [['sudo', '--user=bob', 'npm'], 'npm', ['sudo']],
    [['env', '-u', 'X', '-i', 'A=1', 'node'], 'node', ['env']],
    [['timeout', '--signal=KILL', '10', 'curl'], 'curl', ['timeout']],
    [['timeout', '-k', '5', '30', 'make'], 'make', ['timeout']],
    [['nice', '-10', 'make'], 'make', ['nice']],
    [['ionice', '-c', '3', 'rsync'], 'rsync', ['ionice']],
    [['xargs', '-0', '-n1', '-P', '8', 'gzip'], 'gzip', ['xargs']],
    [['xargs', '-I', '{}', 'mv', '{}', 'x'], 'mv', ['xargs']],
    [['chrt', '-f', '99', 'stress'], 'stress', ['chrt']],
    [['taskset', '0x3', 'node'], 'node', ['taskset']],
    [['strace', '-f', '-o', 'log', 'ls'], 'ls', ['strace']],
    [['/usr/bin/sudo', 'ls'], 'ls', ['sudo']],
    [['uvx', '--from', 'x', 'ruff'], 'ruff', ['uvx']],
    [['bundle', 'exec', 'rake'], 'rake', ['bundle exec']],
    [['conda', 'run', '-n', 'env', 'python'], 'python', ['conda run']],
    [['sudo', 'nohup', 'nice', 'stdbuf', '-oL', 'cmd'], 'cmd', ['sudo', 'nohup', 'nice', 'stdbuf']],
  ])('%j → %s', (words, program, wrappers) => {
    expect(run(words)).toMatchObject({ program, wrappers });
  });

  it('records assignments in front, and those given to env or sudo', () => {
    expect(run(['A=1', 'B=x=y', 'sudo', 'C=3', 'env', 'D=4', 'cmd'])).toEqual({
      program: 'cmd',
      wrappers: ['sudo', 'env'],
      env: { A: '1', B: 'x=y', C: '3', D: '4' },
    });
    expect(run(['A=1', 'cmd'], [false, false])).toMatchObject({ program: 'A=1', env: {} });
  });

  it('keeps a wrapper with nothing to wrap as the program', () => {
    expect(run(['sudo', '-s'])).toMatchObject({ program: 'sudo', wrappers: [] });
    expect(run(['env', 'X=1'])).toMatchObject({ program: 'env', wrappers: [] });
    expect(run(['nohup'])).toMatchObject({ program: 'nohup', wrappers: [] });
    expect(run(['command', '-v', 'git'])).toMatchObject({ program: 'command', wrappers: [] });
    expect(run([])).toMatchObject({ program: undefined, wrappers: [] });
  });
});
