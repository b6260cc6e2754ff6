import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readmeBlock } from '../../scripts/readme-block.ts';
import { CONFORMANCE_BLOCK, LAST_RUN, renderCompatibility, shapeChanges } from './report.ts';
import type { ConformanceResults } from './results.ts';

describe('the conformance report', () => {
  it("README.md's compatibility table is the suite's last run", () => {
    const results = JSON.parse(readFileSync(LAST_RUN, 'utf8')) as ConformanceResults;
    // Compared with the table columns unaligned: the README is formatted (prettier), the rendering is not.
    const unaligned = (s: string | undefined) => s?.replace(/ *\| */g, '|').replace(/\|-+(?=\|)/g, '|-');
    expect(unaligned(readmeBlock(readFileSync('README.md', 'utf8'), CONFORMANCE_BLOCK))).toBe(
      unaligned(renderCompatibility(results)),
    );
    // What the table promises: every run of the pinned versions passed or is a known gap.
    expect(results.runs.filter((r) => r.failures.length)).toEqual([]);
  });

  it('names new and vanished event names and attributes, resource attributes aside', () => {
    const shape = (source_event: string, attribute_keys: string[]) => ({
      agent: 'codex_exec',
      agent_version: '1',
      source_event,
      attribute_keys,
    });
    expect(
      shapeChanges(
        [
          shape('codex.tool_result', ['arguments', 'output', 'resource.host.name']),
          shape('codex.sse_event', []),
        ],
        [shape('codex.tool_result', ['arguments', 'exit_code']), shape('codex.hook_run', ['hook'])],
      ),
    ).toEqual([
      'codex_exec: new event codex.hook_run',
      'codex_exec: event codex.sse_event no longer sent',
      'codex_exec: codex.tool_result has new attributes exit_code',
      'codex_exec: codex.tool_result no longer has output',
    ]);
  });
});
