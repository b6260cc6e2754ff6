import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, AlertDelivery } from '../schemas/alert-delivery.ts';
import {
  alertedSeverity,
  deliveryKey,
  claimText,
  insertAlertDeliveries,
  pagerDutyAlerts,
  resumableDeliveries,
  wonClaims,
} from './alert-deliveries.ts';
import type { NewAlertDelivery } from './alert-deliveries.ts';
import { openStore, SortKeyError } from './index.ts';
import type { SortKey, Store } from './index.ts';
import { tempStoreConfig } from './test-fixtures.ts';

// Real ClickHouse (chDB, one data dir for this file): the delivery log's writes and reads.
let store: Store;
const T0 = 1_767_262_800_000;

function alert(n: number, overrides: Partial<Alert> = {}): Alert {
  return {
    alertId: `alert-${n}`,
    workspace: 'acme',
    sessionId: 's-1',
    findingId: `finding-${n}`,
    verdict: 'escalation',
    severity: 'high',
    score: 90,
    title: `Finding ${n}`,
    rationale: 'read ~/.aws/credentials, then posted it to webhook.site',
    techniques: ['T1552.001'],
    user: 'dev@acme.test',
    agent: 'codex_cli_rs',
    source: 'codex',
    consoleUrl: 'http://127.0.0.1:8080/console/#/sessions/s-1',
    occurredAtMs: T0,
    ...overrides,
  };
}

function row(a: Alert, d: Partial<AlertDelivery>): NewAlertDelivery {
  return {
    workspace: a.workspace,
    sessionId: a.sessionId,
    findingId: a.findingId,
    alertId: a.alertId,
    sink: 'webhook',
    action: 'trigger',
    severity: a.severity,
    attempt: 0,
    outcome: 'pending',
    httpStatus: 0,
    error: '',
    targetHost: 'hooks.example.com',
    createdAtMs: T0,
    ...d,
  };
}

const pending = (a: Alert, d: Partial<AlertDelivery>, at: number): NewAlertDelivery => ({
  ...row(a, { ...d, createdAtMs: at, nextAttemptAtMs: at }),
  alert: a,
});

beforeAll(async () => {
  store = await openStore(await tempStoreConfig(), pino({ level: 'silent' }));
});
afterAll(async () => {
  await store?.close();
});

describe('alert delivery log on chDB', () => {
  it('is created by the migrations', async () => {
    const rs = await store.client.query({
      query: `SELECT name FROM system.tables WHERE database = currentDatabase() AND name = 'alert_deliveries_v1'`,
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ name: 'alert_deliveries_v1' }]);
  });

  it('knows the highest severity a session was alerted at; resolves and other sessions do not count', async () => {
    const high = alert(1, { sessionId: 'sev-1' });
    const critical = alert(2, { sessionId: 'sev-1', severity: 'critical' });
    expect(await alertedSeverity(store.client, 'acme', 'sev-1')).toBeUndefined();
    await insertAlertDeliveries(store.client, [pending(high, { sink: 'slack' }, T0)]);
    expect(await alertedSeverity(store.client, 'acme', 'sev-1')).toBe('high');
    // A failed trigger still counts: the session was alerted once (the issue: once per session).
    await insertAlertDeliveries(store.client, [
      row(critical, { sink: 'slack', attempt: 1, outcome: 'failed', httpStatus: 400, createdAtMs: T0 + 5 }),
    ]);
    expect(await alertedSeverity(store.client, 'acme', 'sev-1')).toBe('critical');
    expect(await alertedSeverity(store.client, 'globex', 'sev-1')).toBeUndefined();

    const resolveOnly = alert(3, { sessionId: 'sev-2', severity: 'critical' });
    await insertAlertDeliveries(store.client, [
      pending(resolveOnly, { sink: 'pagerduty', action: 'resolve' }, T0),
    ]);
    expect(await alertedSeverity(store.client, 'acme', 'sev-2')).toBeUndefined();
  });

  it('lists newest first in keyset pages that together hold every row exactly once', async () => {
    const a = alert(10, { sessionId: 'list-1' });
    const b = alert(11, { sessionId: 'list-1', severity: 'critical' });
    const rows: NewAlertDelivery[] = [
      // Three sinks' pending rows share created_at, alert_id and attempt: the cursor must still split them.
      pending(a, { sink: 'webhook' }, T0),
      pending(a, { sink: 'slack' }, T0),
      pending(a, { sink: 'pagerduty' }, T0),
      row(a, { sink: 'webhook', attempt: 1, outcome: 'retrying', httpStatus: 503, createdAtMs: T0 + 10 }),
      row(a, { sink: 'webhook', attempt: 2, outcome: 'delivered', httpStatus: 200, createdAtMs: T0 + 20 }),
      row(a, { sink: 'slack', attempt: 1, outcome: 'failed', httpStatus: 400, createdAtMs: T0 + 10 }),
      pending(b, { sink: 'webhook' }, T0 + 30),
      row(b, { sink: 'webhook', attempt: 1, outcome: 'delivered', httpStatus: 204, createdAtMs: T0 + 40 }),
      row(alert(12, { workspace: 'globex', sessionId: 'list-1' }), { createdAtMs: T0 + 50 }),
    ];
    await insertAlertDeliveries(store.client, rows);

    const all = await store.listAlertDeliveries(
      {
        workspace: 'acme',
        sessionId: 'list-1',
      },
      { limit: 100 },
    );
    expect(all.next).toBeUndefined();
    expect(all.rows).toHaveLength(8); // globex's row is not acme's
    const times = all.rows.map((d) => d.createdAtMs);
    expect(times).toEqual([...times].sort((x, y) => y - x));
    expect(all.rows[0]).toMatchObject({
      alertId: 'alert-11',
      outcome: 'delivered',
      httpStatus: 204,
      attempt: 1,
      severity: 'critical',
    });
    expect(all.rows[0]?.nextAttemptAtMs).toBeUndefined();
    expect(all.rows.find((d) => d.outcome === 'pending')?.nextAttemptAtMs).toBeGreaterThan(0);

    const paged: AlertDelivery[] = [];
    let cursor: SortKey | undefined;
    let pages = 0;
    do {
      const page = await store.listAlertDeliveries(
        {
          workspace: 'acme',
          sessionId: 'list-1',
        },
        { limit: 2, after: cursor },
      );
      expect(page.rows.length).toBeLessThanOrEqual(2);
      paged.push(...page.rows);
      cursor = page.next;
      pages++;
    } while (cursor);
    expect(pages).toBe(4);
    expect(paged).toEqual(all.rows);

    const failed = await store.listAlertDeliveries(
      {
        workspace: 'acme',
        outcome: 'failed',
      },
      { limit: 100 },
    );
    expect(failed.rows.every((d) => d.outcome === 'failed')).toBe(true);
    expect(failed.rows.some((d) => d.alertId === 'alert-10' && d.sink === 'slack')).toBe(true);
    const slack = await store.listAlertDeliveries(
      {
        workspace: 'acme',
        sessionId: 'list-1',
        sink: 'slack',
      },
      { limit: 100 },
    );
    expect(slack.rows.map((d) => [d.sink, d.outcome])).toEqual([
      ['slack', 'failed'],
      ['slack', 'pending'],
    ]);
    const byFinding = await store.listAlertDeliveries(
      {
        workspace: 'acme',
        findingId: 'finding-11',
      },
      { limit: 100 },
    );
    expect(byFinding.rows.map((d) => d.outcome)).toEqual(['delivered', 'pending']);
  });

  it('treats a forged sort key as literal values and refuses one of the wrong shape', async () => {
    // Well-formed but arbitrary: values are parameters, so it only moves the page start.
    const page = await store.listAlertDeliveries(
      { workspace: 'acme' },
      { limit: 10, after: [1, "x' OR 1=1 --", 'webhook', 'trigger', 0] },
    );
    expect(page.rows).toEqual([]);
    await expect(
      store.listAlertDeliveries({ workspace: 'acme' }, { limit: 10, after: ['now', 'a', 'b', 'c', 0] }),
    ).rejects.toBeInstanceOf(SortKeyError);
    const none = await store.listAlertDeliveries(
      { workspace: 'acme', sink: 'email' as never },
      { limit: 10 },
    );
    expect(none.rows).toEqual([]);
  });

  it('finds what a restart must resume: pending or retrying, recent, with the alert snapshot', async () => {
    const now = Date.now();
    const fresh = alert(20, { sessionId: 'resume-1', techniques: ['T1041', 'AML.T0051'] });
    const retrying = alert(21, { sessionId: 'resume-2' });
    const delivered = alert(22, { sessionId: 'resume-3' });
    const old = alert(23, { sessionId: 'resume-4' });
    const resolvedTrigger = alert(24, { sessionId: 'resume-5' });
    await insertAlertDeliveries(store.client, [
      pending(fresh, { sink: 'pagerduty' }, now - 60_000),
      pending(retrying, { sink: 'webhook' }, now - 50_000),
      row(retrying, {
        sink: 'webhook',
        attempt: 3,
        outcome: 'retrying',
        httpStatus: 503,
        createdAtMs: now - 40_000,
        nextAttemptAtMs: now + 30_000,
      }),
      pending(delivered, { sink: 'slack' }, now - 30_000),
      row(delivered, {
        sink: 'slack',
        attempt: 1,
        outcome: 'delivered',
        httpStatus: 200,
        createdAtMs: now - 29_000,
      }),
      pending(old, { sink: 'webhook' }, now - 25 * 3_600_000),
      pending(resolvedTrigger, { sink: 'pagerduty' }, now - 20_000),
      pending(resolvedTrigger, { sink: 'pagerduty', action: 'resolve' }, now - 10_000),
      pending(
        { ...resolvedTrigger, alertId: 'alert-25', sessionId: 'resume-6' },
        { sink: 'webhook' },
        now - 5_000,
      ),
      pending(
        { ...resolvedTrigger, alertId: 'alert-25', sessionId: 'resume-6' },
        { sink: 'pagerduty', action: 'resolve' },
        now - 4_000,
      ),
    ]);
    const resumable = async (nowMs: number, graceMs: number) =>
      (await resumableDeliveries(store.client, now - 24 * 3_600_000, { nowMs, graceMs })).filter((r) =>
        r.alert.sessionId.startsWith('resume-'),
      );
    const overdue = await resumable(now, 0);
    expect(overdue.map((r) => [r.alert.alertId, r.sink, r.action, r.attemptsMade, r.resolved])).toEqual([
      ['alert-20', 'pagerduty', 'trigger', 0, false],
      ['alert-24', 'pagerduty', 'trigger', 0, true],
      ['alert-24', 'pagerduty', 'resolve', 0, false],
      ['alert-25', 'webhook', 'trigger', 0, false], // a PagerDuty resolve does not cancel other sinks
      ['alert-25', 'pagerduty', 'resolve', 0, false],
    ]);
    expect(overdue[0]?.alert).toEqual(fresh);
    // The retrying one is due in 30 s: not overdue until then (plus the grace), when it is taken over.
    const later = await resumable(now + 31_000, 0);
    expect(later.find((r) => r.alert.alertId === 'alert-21')).toMatchObject({
      attemptsMade: 3,
      nextAttemptAtMs: now + 30_000,
    });
    // A grace longer than the rows' age: a live worker may still be on them.
    expect(await resumable(now, 120_000)).toEqual([]);
  });

  it("reports each PagerDuty alert of a session with its trigger's and resolve's latest step", async () => {
    const a = alert(30, { sessionId: 'pd-1' });
    const b = alert(31, { sessionId: 'pd-1', severity: 'critical' });
    await insertAlertDeliveries(store.client, [
      pending(a, { sink: 'pagerduty' }, T0),
      row(a, { sink: 'pagerduty', attempt: 1, outcome: 'delivered', httpStatus: 202, createdAtMs: T0 + 1 }),
      pending(a, { sink: 'webhook' }, T0),
      pending(b, { sink: 'pagerduty' }, T0 + 10),
      row(b, { sink: 'pagerduty', attempt: 1, outcome: 'delivered', httpStatus: 202, createdAtMs: T0 + 11 }),
      pending(b, { sink: 'pagerduty', action: 'resolve' }, T0 + 20),
      row(b, { sink: 'pagerduty', action: 'resolve', attempt: 1, outcome: 'retrying', createdAtMs: T0 + 21 }),
    ]);
    const states = await pagerDutyAlerts(store.client, 'acme', 'pd-1');
    expect(states).toEqual([
      { alert: a, trigger: 'delivered' },
      { alert: b, trigger: 'delivered', resolve: 'retrying' },
    ]);
    expect(await pagerDutyAlerts(store.client, 'acme', 'no-such-session')).toEqual([]);
  });

  it('tells claimants which claims they won: the earliest, ties broken by name', async () => {
    const now = Date.now();
    const a = alert(30, { sessionId: 'claim-1' });
    const b = alert(31, { sessionId: 'claim-2' });
    const claim = (x: Alert, instance: string, at: number) =>
      row(x, { outcome: 'retrying', error: claimText(instance), createdAtMs: at, nextAttemptAtMs: at });
    await insertAlertDeliveries(store.client, [
      claim(a, 'host-b:2', now - 100),
      claim(a, 'host-a:1', now - 50),
      claim(b, 'host-b:2', now - 20),
      claim(b, 'host-a:1', now - 20),
      // An old claim of another run does not count.
      claim(b, 'host-c:3', now - 60_000),
    ]);
    const since = now - 5_000;
    expect([...(await wonClaims(store.client, 'host-b:2', since, ['alert-30', 'alert-31']))]).toEqual([
      deliveryKey('alert-30', 'webhook', 'trigger'),
    ]);
    expect([...(await wonClaims(store.client, 'host-a:1', since, ['alert-30', 'alert-31']))]).toEqual([
      deliveryKey('alert-31', 'webhook', 'trigger'),
    ]);
    expect((await wonClaims(store.client, 'host-c:3', since, ['alert-30', 'alert-31'])).size).toBe(0);
  });
});
