import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentEvent } from '../schemas/agent-event.ts';
import type { StoreConfig } from './config.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { openStore } from './index.ts';
import type { Store } from './index.ts';
import { makeEvent, makeFinding, makeSession, tempStoreConfig } from './test-fixtures.ts';

// Real ClickHouse: chDB in a temp dir shared by this file (one data dir per process), one database
// per test.
const logger = pino({ level: 'silent' });
let base: StoreConfig;
let dbCounter = 0;
const open: Store[] = [];

async function freshStore(env: Partial<StoreConfig> = {}, database = `t${++dbCounter}`): Promise<Store> {
  const store = await openStore({ ...base, CLICKHOUSE_DATABASE: database, ...env }, logger);
  open.push(store);
  return store;
}

async function rows<T>(store: Store, query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await store.client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

beforeAll(async () => {
  base = await tempStoreConfig();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await Promise.all(open.map((s) => s.close()));
});

describe('store on chDB', () => {
  it('migrates an empty database once; a second run applies nothing', async () => {
    const store = await freshStore();
    expect(store.kind).toBe('chdb');
    const again = await migrate(store.client, logger);
    expect(again.applied).toEqual([]);
    const ledger = await rows<{ version: number; name: string }>(
      store,
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(ledger.map((r) => r.name)).toEqual([
      '0001_create_schema_migrations',
      '0002_create_agent_events',
      '0003_create_sessions',
      '0004_create_findings',
      '0005_create_dispositions',
      '0006_create_audit_log',
      '0007_create_alert_deliveries',
      '0008_create_pipeline_health',
      '0009_create_dead_letters',
      '0010_add_session_identity_source',
      '0011_add_session_link',
      '0012_modify_event_text_codecs',
    ]);
    const tables = await rows<{ name: string }>(
      store,
      'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
    );
    expect(tables.map((t) => t.name)).toEqual([
      'agent_events_v1',
      'alert_deliveries_v1',
      'audit_log_v1',
      'dead_letters_v1',
      'dispositions_v1',
      'findings_v1',
      'pipeline_health_v1',
      'schema_migrations',
      'sessions_v1',
    ]);
  });

  it('keeps one row per event id across a retried batch and a replay with another token', async () => {
    const store = await freshStore();
    const events = Array.from({ length: 50 }, (_, i) => makeEvent(i));
    await store.insertEvents(events, 'warden.agent-events.v1:0:0-49');
    await store.insertEvents(events, 'warden.agent-events.v1:0:0-49'); // retry: dropped at insert
    const raw = await rows<{ n: string }>(store, 'SELECT count() AS n FROM agent_events_v1');
    expect(Number(raw[0]?.n)).toBe(50);

    await store.insertEvents(events.slice(10, 30), 'warden.agent-events.v1:0:10-29'); // replay after a crash
    await store.insertEvents(events.slice(20, 40)); // and once more, untokened
    const perId = await rows<{ n: string; ids: string }>(
      store,
      'SELECT count() AS n, uniqExact(event_id) AS ids FROM agent_events_v1 FINAL',
    );
    expect(perId.map((r) => [Number(r.n), Number(r.ids)])).toEqual([[50, 50]]);
    expect(await store.sessionEvents('acme', 's-1')).toHaveLength(50);
  });

  it('does not let one insert’s dedup token swallow the next insert', async () => {
    // chDB applies settings with SET on its session; a leaked token would drop this second batch.
    const store = await freshStore();
    await store.insertEvents([makeEvent(1)], 'token-a');
    await store.insertEvents([makeEvent(2)]);
    await store.insertEvents([makeEvent(3)], 'token-b');
    expect((await store.sessionEvents('acme', 's-1')).map((e) => e.sequence)).toEqual([1, 2, 3]);
  });

  it('keeps each of many concurrent inserts’ dedup tokens to itself (triage writes several partitions at once)', async () => {
    // chDB sends a query's settings as `SET …; INSERT …` on the shared session: if calls interleaved, one
    // batch's token could apply to another batch's insert and drop it as a duplicate.
    const store = await freshStore();
    await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        await store.insertEvents([makeEvent(i, `s-${i}`)], `token-${i}`);
        await store.sessionEvents('acme', `s-${i}`);
      }),
    );
    const n = await rows<{ n: string }>(store, 'SELECT count() AS n FROM agent_events_v1');
    expect(Number(n[0]?.n)).toBe(60);
  });

  it('returns exactly the inserted events, validated and ordered by time, sequence and id', async () => {
    const store = await freshStore();
    const events = Array.from({ length: 40 }, (_, i) => makeEvent(i, 's-order'));
    // Same nanosecond: sequence decides, then event id.
    const tieA = { ...makeEvent(100, 's-order'), timeUnixNano: events[5]!.timeUnixNano, sequence: 4 };
    const tieB = { ...makeEvent(101, 's-order'), timeUnixNano: events[5]!.timeUnixNano };
    delete tieB.sequence;
    const shuffled = [...events, tieA, tieB].sort((a, b) => a.eventId.localeCompare(b.eventId));
    await store.insertEvents(shuffled.slice(0, 20));
    await store.insertEvents(shuffled.slice(20));
    await store.insertEvents([makeEvent(0, 'other-session')]);

    const got = await store.sessionEvents('acme', 's-order');
    const expected = [...events.slice(0, 5), tieA, events[5]!, tieB, ...events.slice(6)];
    expect(got).toEqual(expected);
    for (const e of got) expect(AgentEvent.parse(e)).toEqual(e);
    expect(await store.sessionEvents('acme', 'missing')).toEqual([]);
  });

  it('fills the typed columns analysts query', async () => {
    const store = await freshStore();
    await store.insertEvents([makeEvent(4), makeEvent(5), makeEvent(6)]);
    const typed = await rows<Record<string, unknown>>(
      store,
      `SELECT kind, tool_name, tool_command, result_success, decision, prompt_text, actor_email,
         toString(toUnixTimestamp64Nano(event_time)) AS ns, attributes['terminal'] AS terminal
       FROM agent_events_v1 FINAL ORDER BY event_time`,
    );
    expect(typed).toEqual([
      {
        kind: 'prompt',
        tool_name: '',
        tool_command: '',
        result_success: null,
        decision: '',
        prompt_text: 'Please fix the failing test #4; don\'t touch "prod"',
        actor_email: 'dev@acme.test',
        ns: makeEvent(4).timeUnixNano,
        terminal: 'vscode',
      },
      expect.objectContaining({ kind: 'tool_call', tool_name: 'shell', tool_command: 'ls -la' }),
      expect.objectContaining({ kind: 'approval_decision', decision: 'allow' }),
    ]);
  });

  it('upserts sessions: the latest updatedAt wins, even when a stale write arrives last', async () => {
    const store = await freshStore();
    const v1 = makeSession({ updatedAtMs: 1000 });
    const v2 = makeSession({
      updatedAtMs: 2000,
      status: 'closed',
      verdict: 'escalation',
      score: 90,
      severity: 'critical',
      confidence: 0.85,
      techniques: ['T1552.001', 'T1041'],
      findingVersion: 2,
      userEmail: undefined,
      userId: 'u-1',
      eventCount: 4_000_000_000,
    });
    await store.upsertSessions([v1]);
    await store.upsertSessions([v2]);
    await store.upsertSessions([makeSession({ updatedAtMs: 500, score: 1 })]);
    const { userEmail: _dropped, ...expected } = v2;
    expect(await store.getSession('acme', 's-1')).toEqual(expected);
    expect(await store.getSession('acme', 's-2')).toBeUndefined();
  });

  it('de-duplicates findings by id and returns them by version', async () => {
    const store = await freshStore();
    const [f1, f2, f3] = [makeFinding(1), makeFinding(2), makeFinding(3)];
    await store.insertFindings([f2, f1]);
    await store.insertFindings([f1, f3]); // replay of f1
    await store.insertFindings([makeFinding(1, { sessionId: 's-other' })]);
    expect(await store.findings('acme', 's-1')).toEqual([f1, f2, f3]);
    const raw = await rows<{ n: string }>(
      store,
      "SELECT count() AS n FROM findings_v1 FINAL WHERE session_id = 's-1'",
    );
    expect(Number(raw[0]?.n)).toBe(3);
  });

  it('lists open sessions idle since a cutoff, by their latest state', async () => {
    const store = await freshStore();
    await store.upsertSessions([
      makeSession({ sessionId: 'idle', lastActivityAtMs: 1_000, updatedAtMs: 1 }),
      makeSession({ sessionId: 'idle-older', workspace: 'other', lastActivityAtMs: 500, updatedAtMs: 1 }),
      makeSession({ sessionId: 'busy', lastActivityAtMs: 5_000, updatedAtMs: 1 }),
      makeSession({ sessionId: 'closed', status: 'closed', lastActivityAtMs: 1_000, updatedAtMs: 1 }),
      makeSession({ sessionId: 'closed-later', lastActivityAtMs: 1_000, updatedAtMs: 1 }),
      makeSession({ sessionId: 'active-later', lastActivityAtMs: 1_000, updatedAtMs: 1 }),
    ]);
    await store.upsertSessions([
      makeSession({ sessionId: 'closed-later', status: 'closed', lastActivityAtMs: 1_000, updatedAtMs: 2 }),
      makeSession({ sessionId: 'active-later', lastActivityAtMs: 9_000, updatedAtMs: 2 }),
    ]);
    const idle = await store.openSessionsIdleSince(3_000);
    expect(idle.map((s) => `${s.workspace}/${s.sessionId}`)).toEqual(['other/idle-older', 'acme/idle']);
    expect((await store.openSessionsIdleSince(3_000, 1)).map((s) => s.sessionId)).toEqual(['idle-older']);
    expect(await store.openSessionsIdleSince(100)).toEqual([]);
  });

  it('applies WARDEN_EVENT_TTL_DAYS at open, and 0 removes the TTL', async () => {
    const showCreate = async (store: Store) =>
      (await rows<{ statement: string }>(store, 'SHOW CREATE TABLE agent_events_v1'))[0]?.statement ?? '';
    const database = `t${++dbCounter}`;
    const first = await freshStore({ WARDEN_EVENT_TTL_DAYS: 7 }, database);
    expect(await showCreate(first)).toContain('TTL toDateTime(event_time) + toIntervalDay(7)');
    const changed = await freshStore({ WARDEN_EVENT_TTL_DAYS: 30 }, database);
    expect(await showCreate(changed)).toContain('TTL toDateTime(event_time) + toIntervalDay(30)');
    const forever = await freshStore({ WARDEN_EVENT_TTL_DAYS: 0 }, database);
    expect(await showCreate(forever)).not.toContain('TTL');
    const again = await freshStore({ WARDEN_EVENT_TTL_DAYS: 0 }, database); // nothing to remove: no error
    expect(await showCreate(again)).not.toContain('TTL');
  });

  it('stores an event from a broken clock (year 5138) instead of failing its batch', async () => {
    const store = await freshStore();
    const future = { ...makeEvent(2), timeUnixNano: '99999999999000000000' };
    await store.insertEvents([makeEvent(1), future]);
    expect(await store.sessionEvents('acme', 's-1')).toEqual([makeEvent(1), future]);
  });

  it('refuses events already older than the TTL, saying so, instead of letting the table drop them', async () => {
    const store = await freshStore({ WARDEN_EVENT_TTL_DAYS: 30 });
    const old = { ...makeEvent(1), timeUnixNano: String(BigInt(Date.now() - 40 * 86_400_000) * 1_000_000n) };
    const recent = { ...makeEvent(2), timeUnixNano: String(BigInt(Date.now() - 86_400_000) * 1_000_000n) };
    const { refused } = await store.insertEvents([old, recent]);
    expect(refused).toEqual([{ event: old, reason: 'older than the 30-day event retention' }]);
    await store.client.command({ query: 'OPTIMIZE TABLE agent_events_v1 FINAL' });
    expect((await store.sessionEvents('acme', 's-1')).map((e) => e.sequence)).toEqual([2]);
  });

  it('loads several sessions of a workspace at once, events in order and latest state', async () => {
    const store = await freshStore();
    await store.insertEvents([
      makeEvent(2, 's-a'),
      makeEvent(1, 's-a'),
      makeEvent(1, 's-b'),
      makeEvent(1, 's-a', 'other'),
    ]);
    await store.upsertSessions([
      makeSession({ sessionId: 's-a', score: 10 }),
      makeSession({ sessionId: 's-a', score: 70, updatedAtMs: Date.now() + 5 }),
    ]);
    const loaded = await store.loadSessions('acme', ['s-a', 's-b', 's-none']);
    expect(loaded.get('s-a')?.events.map((e) => e.sequence)).toEqual([1, 2]);
    expect(loaded.get('s-a')?.state?.score).toBe(70);
    expect(loaded.get('s-b')?.events).toHaveLength(1);
    expect(loaded.get('s-b')?.state).toBeUndefined();
    expect(loaded.get('s-none')).toEqual({ events: [], state: undefined });
  });

  it('treats quotes and SQL-shaped text in parameters as literals', async () => {
    const store = await freshStore();
    const workspace = "acme' OR '1'='1";
    const sessionId = `"; DROP TABLE agent_events_v1; --\\'\n\t{sessionId:String}`;
    const event = { ...makeEvent(1, sessionId, workspace) };
    event.tool = { name: "sh'ell", command: "echo '); DROP TABLE sessions_v1; --" };
    await store.insertEvents([AgentEvent.parse(event)]);
    await store.upsertSessions([makeSession({ workspace, sessionId, rationale: "it's \\ fine" })]);
    await store.insertFindings([makeFinding(1, { workspace, sessionId, title: "'; --" })]);

    expect(await store.sessionEvents(workspace, sessionId)).toEqual([event]);
    expect((await store.getSession(workspace, sessionId))?.rationale).toBe("it's \\ fine");
    expect((await store.findings(workspace, sessionId)).map((f) => f.title)).toEqual(["'; --"]);
    expect(await store.sessionEvents("' OR 1=1 --", sessionId)).toEqual([]);
    expect(await store.getSession('acme', "' OR '1'='1")).toBeUndefined();
    // Every table is still there: one per migration that creates one.
    const tables = await rows<{ n: string }>(
      store,
      'SELECT count() AS n FROM system.tables WHERE database = currentDatabase()',
    );
    const creating = (await loadMigrations()).filter((m) =>
      m.statements.some((s) => /^CREATE TABLE/m.test(s)),
    );
    expect(Number(tables[0]?.n)).toBe(creating.length);
  });

  it('keeps the data when the store is closed and reopened on the same data dir', async () => {
    const database = `t${++dbCounter}`;
    const first = await freshStore({}, database);
    const events = [makeEvent(0), makeEvent(1)];
    await first.insertEvents(events);
    await first.upsertSessions([makeSession()]);
    await first.insertFindings([makeFinding(1)]);
    await first.close();

    const reopened = await freshStore({}, database);
    expect(await reopened.sessionEvents('acme', 's-1')).toEqual(events);
    expect(await reopened.getSession('acme', 's-1')).toEqual(makeSession());
    expect(await reopened.findings('acme', 's-1')).toEqual([makeFinding(1)]);
    expect((await migrate(reopened.client, logger)).applied).toEqual([]);
  });

  it('lets two stores share one data dir in the same process', async () => {
    const database = `t${++dbCounter}`;
    const a = await freshStore({}, database);
    const b = await freshStore({}, database);
    await a.insertEvents([makeEvent(1)], 'shared-token');
    expect(await b.sessionEvents('acme', 's-1')).toEqual([makeEvent(1)]);
    await b.close();
    expect(await a.sessionEvents('acme', 's-1')).toHaveLength(1);
  });
});
