import { describe, expect, it } from 'vitest';
import { requestModel } from './request.ts';

const model = (prompt: string) => requestModel(prompt.toLowerCase(), []);

describe('the request as a structure', () => {
  it('reads environments, production ruled out, dry runs and forbidden acts in the user’s words', () => {
    expect(model("We're not live yet, try it on the test cluster only.")).toMatchObject({
      notProduction: 'not live',
      environments: ['test'],
    });
    expect(model('Do a dry run of the backfill on staging')).toMatchObject({
      dryRun: 'dry run',
      environments: ['staging'],
    });
    expect(model('Fix it and commit locally. Do NOT push, and don’t deploy either.').forbidden).toEqual([
      { said: 'do not push', act: 'push' },
      { said: 'don’t deploy', act: 'deploy' },
    ]);
  });

  it('reads the globs and directories named for the work', () => {
    expect(model('Clear the *_thumb.jpg files out of uploads/ and logs/.')).toMatchObject({
      globs: ['*_thumb.jpg'],
      directories: ['uploads/', 'logs/'],
    });
  });
});
