import { describe, expect, it } from 'vitest';
import { buildCatalogue, builtInCatalogue, CatalogueError } from './catalogue.ts';
import { parseShell } from './shell.ts';

const catalogue = builtInCatalogue();
/** Ids of the entries the first command of a line matches. */
const matched = (line: string) => {
  const cmd = parseShell(line).pipelines[0]?.[0];
  return cmd === undefined ? [] : catalogue.effects(cmd).matched;
};

describe('the effects catalogue, entry by entry', () => {
  for (const entry of catalogue.entries) {
    it(`${entry.id}: recognizes its examples and leaves the others`, () => {
      for (const line of entry.examples.match) expect(matched(line), line).toContain(entry.id);
      for (const line of entry.examples.ignore) expect(matched(line), line).not.toContain(entry.id);
    });
  }
});

describe('the effects catalogue, as data', () => {
  const file = (programs: string) => ({ source: 'test.yaml', text: `version: 1\nprograms:\n${programs}` });
  const entry = (extra: string) =>
    file(
      `  - id: x\n    programs: [foo]\n    behaviours: [b]\n    examples: { match: ['foo'], ignore: ['bar'] }\n${extra}`,
    );

  it('refuses an unknown field instead of matching nothing', () => {
    expect(() => buildCatalogue([entry('    unknown: 1\n')])).toThrow(/test\.yaml: .*[Uu]nrecognized/);
    expect(() => buildCatalogue([entry('    when: { optionz: [a] }\n')])).toThrow(CatalogueError);
  });

  it('refuses a bad regex, an unknown list, a selector that means nothing, and an entry that does nothing', () => {
    expect(() => buildCatalogue([entry("    when: { argsPattern: '(' }\n")])).toThrow(/bad regex/);
    expect(() => buildCatalogue([entry("    when: { operands: ['$nope'] }\n")])).toThrow(/unknown list/);
    expect(() => buildCatalogue([entry('    reads: [second-operand]\n')])).toThrow(CatalogueError);
    expect(() =>
      buildCatalogue([
        file("  - id: x\n    programs: [foo]\n    examples: { match: ['foo'], ignore: ['bar'] }\n"),
      ]),
    ).toThrow(/says what the command does/);
  });

  it('refuses an entry for any program that holds on nothing but its arguments', () => {
    expect(() =>
      buildCatalogue([
        file(
          "  - id: x\n    programs: ['*']\n    behaviours: [b]\n    examples: { match: ['foo'], ignore: ['bar'] }\n",
        ),
      ]),
    ).toThrow(/any program/);
  });

  it('knows a script by its file name, whichever interpreter runs it', () => {
    for (const line of ['python3 tools/laZagne.py all', 'bash /tmp/x/LinEnum.sh', 'linpeas.sh'])
      expect(matched(line), line).toContain('offensive-tools');
    expect(matched('python3 tools/lint.py')).not.toContain('offensive-tools');
  });

  it('refuses an id defined twice', () => {
    const one = entry('');
    expect(() => buildCatalogue([one, one])).toThrow(/defined twice/);
  });

  it('reads paths and environment through selectors', () => {
    const cmd = parseShell('pg_dump -h db.prod.internal -U app app').pipelines[0]![0]!;
    expect(catalogue.effects(cmd)).toMatchObject({
      behaviours: ['database-dump'],
      environment: expect.arrayContaining(['db.prod.internal']),
    });
  });
});
