/**
 * Warden's own labelled sessions: a regression suite for the triage engine's three-way verdict
 * (benign / mistake / escalation), rendered through the fixture builders in each vendor's real OTLP shape.
 * The cases are natural and varied on purpose; a separate held-out set judges the engine.
 */
import { BENIGN } from './corpus/benign.ts';
import { ESCALATIONS } from './corpus/escalation.ts';
import { MISTAKES } from './corpus/mistake.ts';
import type { LabelledSession } from './corpus/session.ts';

export type { Label, LabelledSession, Vendor } from './corpus/session.ts';
export { VENDORS } from './corpus/session.ts';

export const CORPUS: LabelledSession[] = [...BENIGN, ...MISTAKES, ...ESCALATIONS];
