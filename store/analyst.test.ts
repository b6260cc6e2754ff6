import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Disposition, SessionState } from '../schemas/findings.ts';
import { openStore } from './index.ts';
import type { SessionListRow, SortKey, Store } from './index.ts';
import { eventId, makeEvent, makeFinding, makeSession, tempStoreConfig } from './test-fixtures.ts';

// Real ClickHouse (chDB): the analysts' lists, filters, keyset pages and cases.
let store: Store;
const NS = 1_767_262_800_000_000_000n;

/** Session `n` of a workspace, its time `n` minutes after the base, with its finding v1. */
function seedSession(n: number, overrides: Partial<SessionState> = {}) {
  const sessionId = `s-${String(n).padStart(3, '0')}`;
  const session = makeSession({
    sessionId,
    lastEventTimeUnixNano: String(NS + BigInt(n) * 60_000_000_000n),
    findingVersion: 1,
    ...overrides,
  });
  const finding = makeFinding(1, {
    findingId: eventId(`f/${session.workspace}/${sessionId}`),
    workspace: session.workspace,
    sessionId,
    verdict: session.verdict,
    severity: session.severity,
    title: `Title of ${sessionId}`,
    createdAtMs: 1_767_262_800_000 + n * 1000,
  });
  return { session, finding };
}

function disposition(findingId: string, sessionId: string, d: Partial<Disposition>, at: number): Disposition {
  return {
    dispositionId: `d-${findingId}-${at}`,
    findingId,
    workspace: 'acme',
    sessionId,
    status: 'new',
    analystVerdict: 'undetermined',
    assignee: '',
    reason: '',
    note: '',
    actor: 'alice',
    createdAtMs: at,
    ...d,
  };
}

const ids = (rows: SessionListRow[]) => rows.map((r) => r.session.sessionId);

beforeAll(async () => {
  store = await openStore(
    { ...(await tempStoreConfig({ WARDEN_EVENT_TTL_DAYS: '0' })) },
    pino({ level: 'silent' }),
  );
  const seeded = [
    seedSession(1, { verdict: 'benign', severity: 'info', score: 3 }),
    seedSession(2, { verdict: 'escalation', severity: 'critical', score: 95, techniques: ['T1041'] }),
    seedSession(3, { verdict: 'mistake', severity: 'medium', score: 50, userEmail: 'bob@acme.test' }),
    seedSession(4, { verdict: 'escalation', severity: 'high', score: 80, agent: 'claude-code' }),
    seedSession(5, { verdict: 'mistake', severity: 'high', score: 60, status: 'closed' }),
    seedSession(6, { workspace: 'globex', verdict: 'escalation', severity: 'critical', score: 99 }),
  ];
  await store.upsertSessions(seeded.map((s) => s.session));
  await store.insertFindings(seeded.map((s) => s.finding));
  const e = makeEvent(1, 's-003');
  await store.insertEvents([{ ...e, tool: { ...e.tool!, command: 'terraform destroy -auto-approve' } }]);
  const f2 = seeded[1]!.finding.findingId;
  await store.insertDispositions([
    disposition(f2, 's-002', { status: 'acknowledged', assignee: 'bob' }, 1_767_300_000_000),
    disposition(
      f2,
      's-002',
      { status: 'resolved', analystVerdict: 'true_positive', assignee: 'bob', reason: 'contained' },
      1_767_300_001_000,
    ),
  ]);
});
afterAll(() => store?.close());

describe('listSessions', () => {
  it('orders by risk (escalations, then mistakes, by severity) within the workspace only', async () => {
    const page = await store.listSessions({ workspace: 'acme' }, 'risk', { limit: 50 });
    expect(ids(page.rows)).toEqual(['s-002', 's-004', 's-005', 's-003', 's-001']);
    expect(page.next).toBeUndefined();
    expect(page.rows[0]!.title).toBe('Title of s-002');
    expect(page.rows[0]!.case).toMatchObject({ status: 'resolved', analystVerdict: 'true_positive' });
    expect(page.rows[1]!.case).toEqual({ status: 'new', analystVerdict: 'undetermined', assignee: '' });
  });

  it('pages with keyset cursors, in both sorts, without repeats or gaps', async () => {
    for (const sort of ['risk', 'recent'] as const) {
      const seen: string[] = [];
      let after: SortKey | undefined;
      do {
        const page = await store.listSessions({ workspace: 'acme' }, sort, { limit: 2, after });
        seen.push(...ids(page.rows));
        after = page.next;
      } while (after);
      const all = await store.listSessions({ workspace: 'acme' }, sort, { limit: 50 });
      expect(seen).toEqual(ids(all.rows));
    }
  });

  it('filters by verdict, severity, case status, state, user, agent, technique, text and time', async () => {
    const list = async (f: Omit<Parameters<Store['listSessions']>[0], 'workspace'>) =>
      ids((await store.listSessions({ workspace: 'acme', ...f }, 'recent', { limit: 50 })).rows);
    expect(await list({ verdicts: ['escalation'] })).toEqual(['s-004', 's-002']);
    expect(await list({ severities: ['high', 'critical'] })).toEqual(['s-005', 's-004', 's-002']);
    expect(await list({ caseStatuses: ['resolved'] })).toEqual(['s-002']);
    expect(await list({ caseStatuses: ['new'], verdicts: ['escalation'] })).toEqual(['s-004']);
    expect(await list({ state: 'closed' })).toEqual(['s-005']);
    expect(await list({ user: 'bob@acme.test' })).toEqual(['s-003']);
    expect(await list({ agent: 'claude-code' })).toEqual(['s-004']);
    expect(await list({ technique: 'T1041' })).toEqual(['s-002']);
    expect(await list({ text: 'TERRAFORM destroy' })).toEqual(['s-003']);
    expect(await list({ text: 'title of s-001' })).toEqual(['s-001']);
    // LIKE metacharacters are literals.
    expect(await list({ text: '%' })).toEqual([]);
    const start = Number((NS + 2n * 60_000_000_000n) / 1_000_000n);
    expect(await list({ startMs: start, endMs: start + 2 * 60_000 })).toEqual(['s-003', 's-002']);
  });

  it('treats injection-shaped values as literals', async () => {
    const page = await store.listSessions({ workspace: "acme' OR 1=1 --", agent: "x') OR ('1'='1" }, 'risk', {
      limit: 10,
    });
    expect(page.rows).toEqual([]);
  });
});

describe('findings, cases and timeline', () => {
  it('lists findings newest first with their case, filtered by analyst verdict and assignee', async () => {
    const all = await store.listFindings({ workspace: 'acme' }, { limit: 3 });
    expect(all.rows.map((r) => r.finding.sessionId)).toEqual(['s-005', 's-004', 's-003']);
    expect(all.next).toBeDefined();
    const rest = await store.listFindings({ workspace: 'acme' }, { limit: 3, after: all.next });
    expect(rest.rows.map((r) => r.finding.sessionId)).toEqual(['s-002', 's-001']);
    expect(rest.next).toBeUndefined();
    const tp = await store.listFindings(
      { workspace: 'acme', analystVerdicts: ['true_positive'], assignee: 'bob' },
      { limit: 10 },
    );
    expect(tp.rows.map((r) => r.finding.sessionId)).toEqual(['s-002']);
  });

  it('gets findings by id only within the workspace', async () => {
    const id = eventId('f/globex/s-006');
    expect(await store.getFindings('acme', [id])).toEqual([]);
    expect((await store.getFindings('globex', [id]))[0]?.finding.sessionId).toBe('s-006');
  });

  it('returns dispositions newest first, by finding or by session', async () => {
    const bySession = await store.dispositions('acme', { sessionId: 's-002' });
    expect(bySession.map((d) => d.status)).toEqual(['resolved', 'acknowledged']);
    const byFinding = await store.dispositions('acme', { findingIds: [bySession[0]!.findingId] });
    expect(byFinding).toEqual(bySession);
  });

  it('pages a timeline in session order', async () => {
    const events = Array.from({ length: 7 }, (_, i) => makeEvent(i, 'tl-1'));
    await store.insertEvents(events);
    const seen: string[] = [];
    let after: SortKey | undefined;
    do {
      const page = await store.sessionTimeline('acme', 'tl-1', { limit: 3, after });
      seen.push(...page.rows.map((e) => e.eventId));
      after = page.next;
    } while (after);
    expect(seen).toEqual((await store.sessionEvents('acme', 'tl-1')).map((e) => e.eventId));
    expect(seen).toHaveLength(7);
  });

  it('appends and lists the audit log newest first', async () => {
    await store.appendAudit([
      {
        auditId: 'a1',
        workspace: 'acme',
        atMs: 1_767_300_000_000,
        actor: 'alice',
        role: 'analyst',
        action: 'disposition.update',
        targetType: 'finding',
        targetId: 'f1',
        before: { status: 'new' },
        after: { status: 'acknowledged' },
        requestId: 'r1',
      },
      {
        auditId: 'a2',
        workspace: 'acme',
        atMs: 1_767_300_001_000,
        actor: 'bob',
        role: 'admin',
        action: 'finding.note',
        targetType: 'finding',
        targetId: 'f1',
        requestId: 'r2',
      },
    ]);
    const page = await store.listAudit({ workspace: 'acme' }, { limit: 10 });
    expect(page.rows.map((a) => a.auditId)).toEqual(['a2', 'a1']);
    expect(page.rows[1]).toMatchObject({ before: { status: 'new' }, after: { status: 'acknowledged' } });
    expect(page.rows[0]!.before).toBeUndefined();
    expect((await store.listAudit({ workspace: 'acme', actor: 'alice' }, { limit: 10 })).rows).toHaveLength(
      1,
    );
    expect((await store.listAudit({ workspace: 'globex' }, { limit: 10 })).rows).toEqual([]);
  });
});
