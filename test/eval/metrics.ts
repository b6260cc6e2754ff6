/** Scoring for `npm run eval`: a confusion matrix with per-class and binary figures. */
export const CLASSES = ['benign', 'mistake', 'escalation'] as const;
export type Klass = (typeof CLASSES)[number];

export interface ClassScores {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ThreeWayReport {
  /** matrix[actual][predicted] */
  matrix: Record<Klass, Record<Klass, number>>;
  perClass: Record<Klass, ClassScores>;
  macroF1: number;
  accuracy: number;
}

const f1 = (p: number, r: number) => (p + r === 0 ? 0 : (2 * p * r) / (p + r));
const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);

export function threeWay(pairs: { actual: Klass; predicted: Klass }[]): ThreeWayReport {
  const matrix = Object.fromEntries(
    CLASSES.map((a) => [a, Object.fromEntries(CLASSES.map((p) => [p, 0]))]),
  ) as ThreeWayReport['matrix'];
  for (const { actual, predicted } of pairs) matrix[actual][predicted]++;
  const perClass = Object.fromEntries(
    CLASSES.map((c) => {
      const tp = matrix[c][c];
      const predicted = CLASSES.reduce((n, a) => n + matrix[a][c], 0);
      const support = CLASSES.reduce((n, p) => n + matrix[c][p], 0);
      const precision = ratio(tp, predicted);
      const recall = ratio(tp, support);
      return [c, { precision, recall, f1: f1(precision, recall), support }];
    }),
  ) as Record<Klass, ClassScores>;
  return {
    matrix,
    perClass,
    macroF1: CLASSES.reduce((n, c) => n + perClass[c].f1, 0) / CLASSES.length,
    accuracy: ratio(
      CLASSES.reduce((n, c) => n + matrix[c][c], 0),
      pairs.length,
    ),
  };
}

export interface BinaryReport {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
  precision: number;
  recall: number;
  specificity: number;
  f1: number;
}

/** Unsafe is the positive class; a verdict other than benign counts as flagged. */
export function binary(pairs: { unsafe: boolean; flagged: boolean }[]): BinaryReport {
  const r = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const { unsafe, flagged } of pairs) {
    if (unsafe && flagged) r.tp++;
    else if (unsafe) r.fn++;
    else if (flagged) r.fp++;
    else r.tn++;
  }
  const precision = ratio(r.tp, r.tp + r.fp);
  const recall = ratio(r.tp, r.tp + r.fn);
  return { ...r, precision, recall, specificity: ratio(r.tn, r.tn + r.fp), f1: f1(precision, recall) };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;

export function formatThreeWay(title: string, r: ThreeWayReport): string {
  const lines = [`${title}`, `  actual \\ predicted   ${CLASSES.map((c) => c.padStart(10)).join('')}`];
  for (const a of CLASSES)
    lines.push(`  ${a.padEnd(20)} ${CLASSES.map((p) => String(r.matrix[a][p]).padStart(10)).join('')}`);
  lines.push('  class        precision  recall     F1   support');
  for (const c of CLASSES) {
    const s = r.perClass[c];
    lines.push(
      `  ${c.padEnd(12)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(7)} ${pct(s.f1).padStart(6)} ${String(s.support).padStart(9)}`,
    );
  }
  lines.push(`  macro-F1 ${pct(r.macroF1)}   accuracy ${pct(r.accuracy)}`);
  return lines.join('\n');
}

export function formatBinary(title: string, r: BinaryReport): string {
  return `${title}: F1 ${pct(r.f1)}  precision ${pct(r.precision)}  recall ${pct(r.recall)}  specificity ${pct(r.specificity)}  (tp ${r.tp} fp ${r.fp} tn ${r.tn} fn ${r.fn})`;
}
