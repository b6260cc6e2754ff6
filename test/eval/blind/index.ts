/**
 * Blind batches: labelled sessions for one family of behaviour, each written by someone who had not read
 * the triage engine, before the engine was changed for that family (`npm run eval -- --blind <name>`). Their
 * first-run scores, recorded in FIRST-RUNS.md, are the figures that say whether the engine generalizes.
 */
import type { LabelledSession } from '../corpus.ts';
import { DATAFLOW } from './dataflow.ts';
import { DENIALS } from './denials.ts';
import { HELDOUT } from './heldout.ts';
import { INFRA } from './infra.ts';
import { INTERPRETERS } from './interpreters.ts';
import { LOOKALIKES } from './lookalikes.ts';
import { MISTAKES } from './mistakes.ts';
import { SYSTEM } from './system.ts';
import { TACTICS } from './tactics.ts';

export const BLIND_BATCHES: Record<string, LabelledSession[]> = {
  denials: DENIALS,
  interpreters: INTERPRETERS,
  system: SYSTEM,
  infra: INFRA,
  dataflow: DATAFLOW,
  tactics: TACTICS,
  heldout: HELDOUT,
  mistakes: MISTAKES,
  lookalikes: LOOKALIKES,
};
