import { randomUUID } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import { ANALYST_VERDICTS, DISPOSITION_STATUSES } from '../schemas/findings.ts';
import type { AuditEntry, CaseState, Disposition, Finding } from '../schemas/findings.ts';
import type { FindingWithCase, Store } from '../store/index.ts';
import type { ApiPrincipal } from './config.ts';
import { wellFormed } from './params.ts';
import { ApiProblem } from './problem.ts';
import { caseView } from './views.ts';

/** Statuses that close a case; closing needs a reason. */
const CLOSING = new Set(['resolved', 'suppressed']);

export const DispositionChange = z
  .object({
    status: z.enum(DISPOSITION_STATUSES).optional(),
    analyst_verdict: z.enum(ANALYST_VERDICTS).optional(),
    assignee: wellFormed(z.string().max(128))
      .nullable()
      .optional()
      .openapi({ description: 'null or "" unassigns' }),
    reason: wellFormed(z.string().trim().max(256))
      .optional()
      .openapi({ description: 'required when the status closes the case (resolved, suppressed)' }),
    note: wellFormed(z.string().max(10_000)).optional(),
    expected_case_updated_at: z.iso.datetime({ offset: true }).nullable().optional().openapi({
      description:
        "the case's `updated_at` as you read it (null: no disposition yet); if it changed since, the answer is 409 and nothing is written",
    }),
  })
  .refine(({ expected_case_updated_at: _, ...d }) => Object.values(d).some((v) => v !== undefined), {
    message: 'give at least one of status, analyst_verdict, assignee, reason, note',
  })
  .refine((d) => !d.status || !CLOSING.has(d.status) || !!d.reason, {
    message: 'closing a case (resolved, suppressed) needs a reason',
    path: ['reason'],
  });
export type DispositionChange = z.infer<typeof DispositionChange>;

/**
 * Called after a disposition is stored, with the case as it was before (alerts resolve PagerDuty incidents
 * when a case becomes closed as a false positive).
 */
export type DispositionListener = (
  finding: Finding,
  disposition: Disposition,
  previous: CaseState,
) => Promise<void>;

/**
 * Records one disposition per finding: the new case state (unspecified fields keep their value) plus the
 * reason and note. The audit entries are written first, so no change is ever stored unaudited; should the
 * change then fail to be stored, a `….failed` entry says so.
 */
export async function recordDispositions(
  store: Store,
  principal: ApiPrincipal,
  requestId: string,
  targets: FindingWithCase[],
  change: DispositionChange,
  action: 'disposition.update' | 'finding.note',
  nowMs = Date.now(),
): Promise<{ dispositions: Disposition[]; cases: Map<string, CaseState> }> {
  const dispositions: Disposition[] = [];
  const audit: AuditEntry[] = [];
  const cases = new Map<string, CaseState>();
  for (const { finding, case: before } of targets) {
    const expected = change.expected_case_updated_at;
    if (
      expected !== undefined &&
      (expected === null ? undefined : Date.parse(expected)) !== before.updatedAtMs
    )
      throw new ApiProblem(
        409,
        `the case of finding ${finding.findingId} changed since you read it (now ${before.status}, updated ${before.updatedAtMs === undefined ? 'never' : new Date(before.updatedAtMs).toISOString()}): reload it and try again`,
      );
    const after: CaseState = {
      status: change.status ?? before.status,
      analystVerdict: change.analyst_verdict ?? before.analystVerdict,
      assignee: change.assignee === undefined ? before.assignee : (change.assignee ?? ''),
      updatedAtMs: nowMs,
    };
    const d: Disposition = {
      dispositionId: randomUUID(),
      findingId: finding.findingId,
      workspace: principal.workspace,
      sessionId: finding.sessionId,
      status: after.status,
      analystVerdict: after.analystVerdict,
      assignee: after.assignee,
      reason: change.reason ?? '',
      note: change.note ?? '',
      actor: principal.actor,
      createdAtMs: nowMs,
    };
    dispositions.push(d);
    cases.set(finding.findingId, after);
    audit.push({
      auditId: randomUUID(),
      workspace: principal.workspace,
      atMs: nowMs,
      actor: principal.actor,
      role: principal.role,
      action,
      targetType: 'finding',
      targetId: finding.findingId,
      before: caseView(before),
      after: { ...caseView(after), reason: d.reason || null, note: d.note || null },
      requestId,
    });
  }
  if (!dispositions.length) return { dispositions, cases };
  await store.appendAudit(audit);
  try {
    await store.insertDispositions(dispositions);
  } catch (err) {
    // The audit log must not claim a change that was not stored: say that it failed.
    const failedAt = Math.max(Date.now(), nowMs + 1);
    const failed = audit.map((a) => ({
      ...a,
      auditId: randomUUID(),
      atMs: failedAt,
      action: `${action}.failed`,
      after: undefined,
    }));
    await store.appendAudit(failed).catch(() => undefined);
    throw err;
  }
  return { dispositions, cases };
}

/** The findings with these ids, or a 404 naming the first unknown one. */
export async function findingsOr404(store: Store, workspace: string, ids: string[]) {
  const found = await store.getFindings(workspace, ids);
  const missing = ids.find((id) => !found.some((f) => f.finding.findingId === id));
  if (missing !== undefined) throw new ApiProblem(404, `no finding ${missing}`);
  return found;
}
