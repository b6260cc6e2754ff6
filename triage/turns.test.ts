import { describe, expect, it } from 'vitest';
import { Turns } from './turns.ts';

/** Work that runs until released, recording when it starts. */
function gate(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    work: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
    release,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('turns', () => {
  it('runs shared work side by side and exclusive work alone', async () => {
    const turns = new Turns();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const close = gate(log, 'close');
    const c = gate(log, 'c');
    const runs = [
      turns.shared(a.work),
      turns.shared(b.work),
      turns.exclusive(close.work),
      turns.shared(c.work), // arrives after the closer: waits for it
    ];
    await tick();
    expect(log).toEqual(['start a', 'start b']);
    a.release();
    await tick();
    expect(log).toEqual(['start a', 'start b', 'end a']);
    b.release();
    await tick();
    expect(log.slice(-2)).toEqual(['end b', 'start close']);
    close.release();
    await tick();
    expect(log.slice(-2)).toEqual(['end close', 'start c']);
    c.release();
    await Promise.all(runs);
  });

  it('frees its turn when the work fails', async () => {
    const turns = new Turns();
    await expect(turns.exclusive(() => Promise.reject(new Error('store down')))).rejects.toThrow(
      'store down',
    );
    await expect(turns.shared(async () => 1)).resolves.toBe(1);
  });
});
