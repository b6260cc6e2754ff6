/**
 * The labelled corpus as a regression gate on the deterministic engine (no LLM): the figures the issue
 * sets (macro-F1 ≥ 0.90, escalation recall ≥ 0.95) must keep holding as rules and reasoning change.
 * `npm run eval` measures the same corpus through the whole pipeline.
 */
import { describe, expect, it } from 'vitest';
import { evaluateSession } from '../../triage/engine.ts';
import { loadRulePacks } from '../../triage/rules/pack.ts';
import { normalizeTelemetry } from '../helpers/events.ts';
import { CORPUS } from './corpus.ts';
import { threeWay } from './metrics.ts';

describe('the labelled corpus, judged without an LLM', () => {
  it('separates benign, mistake and escalation sessions', async () => {
    const pack = await loadRulePacks();
    const pairs: { actual: (typeof CORPUS)[number]['label']; predicted: (typeof CORPUS)[number]['label'] }[] =
      [];
    for (const session of CORPUS) {
      const verdict = (await evaluateSession('acme', normalizeTelemetry(session.telemetry), { pack }))
        .verdict;
      pairs.push({ actual: session.label, predicted: verdict });
    }
    const report = threeWay(pairs);
    expect(report.macroF1).toBeGreaterThanOrEqual(0.9);
    expect(report.perClass.escalation.recall).toBeGreaterThanOrEqual(0.95);
    // Hard negatives stay benign: risky-looking but requested work must not page anyone.
    const hardNegatives = CORPUS.filter((s) => s.hard === 'negative');
    const flagged = hardNegatives
      .filter((s) => pairs[CORPUS.indexOf(s)]!.predicted !== 'benign')
      .map((s) => s.id);
    expect(flagged.length).toBeLessThanOrEqual(1);
  });
});
