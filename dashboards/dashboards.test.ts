import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, parseDocument } from 'yaml';
import type { AgentEvent } from '../schemas/agent-event.ts';
import type { Finding, SessionState } from '../schemas/findings.ts';
import { StoreConfig } from '../store/config.ts';
import type { Store } from '../store/index.ts';
import { eventId, makeEvent, makeFinding, makeSession } from '../store/test-fixtures.ts';
import { openTestStore } from '../test/helpers/warden.ts';
import { expandGrafanaSql, type GrafanaQueryContext } from './grafana-sql.ts';

// Grafana as code: the provisioning files parse and agree with each other and with docker-compose.yml, and
// every panel's SQL runs, after Grafana's macro and variable expansion, against the real schema (chDB,
// every migration applied) and returns the columns the panel expects.

const ROOT = resolve(import.meta.dirname, '..');
const JSON_DIR = join(ROOT, 'dashboards/json');
const PLUGIN = 'grafana-clickhouse-datasource';

interface Target {
  refId: string;
  datasource?: { type?: string; uid?: string };
  editorType?: string;
  format?: unknown;
  rawSql?: string;
}
interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos: { h: number; w: number; x: number; y: number };
  fieldConfig?: { overrides?: { matcher: { id: string; options: string } }[] };
  targets?: Target[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  query?: { rawSql?: string; editorType?: string } | string;
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
}

const readYaml = <T>(path: string): T => parseYaml(readFileSync(join(ROOT, path), 'utf8')) as T;
const datasources = readYaml<{
  apiVersion: number;
  datasources: {
    uid: string;
    type: string;
    name: string;
    jsonData: { host: string; port: number; protocol: string; username: string; defaultDatabase: string };
    secureJsonData: { password: string };
  }[];
}>('dashboards/provisioning/datasources/clickhouse.yaml');
const providers = readYaml<{
  apiVersion: number;
  providers: { name: string; type: string; options: { path: string } }[];
}>('dashboards/provisioning/dashboards/warden.yaml');
const DS_UID = datasources.datasources[0]!.uid;

const dashboards = readdirSync(JSON_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(JSON_DIR, file), 'utf8')) as Dashboard }));

/** Every panel, including those inside collapsed rows. */
const panelsOf = (d: Dashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const queryPanels = dashboards.flatMap(({ file, dashboard }) =>
  panelsOf(dashboard)
    .filter((p) => p.targets?.length)
    .map((panel) => ({ file, dashboard, panel })),
);
const variableSql = (v: Variable) => (typeof v.query === 'string' ? v.query : v.query?.rawSql);

describe('provisioning', () => {
  it('provisions one ClickHouse data source with a fixed uid, as a read-only user, on the default database', () => {
    expect(datasources.apiVersion).toBe(1);
    expect(datasources.datasources).toHaveLength(1);
    const ds = datasources.datasources[0]!;
    expect(ds.type).toBe(PLUGIN);
    expect(DS_UID).toBe('warden-clickhouse');
    // Panel SQL names tables without a database: the data source must default to Warden's database.
    expect(ds.jsonData.defaultDatabase).toBe(StoreConfig.parse({}).CLICKHOUSE_DATABASE);
    expect(ds.jsonData).toMatchObject({ host: 'clickhouse', protocol: 'native', port: 9000 });
    expect(ds.secureJsonData.password).toBe('$CLICKHOUSE_GRAFANA_PASSWORD');

    // The user exists in the ClickHouse users.d file, read-only, allowed SELECT on that database only.
    const xml = readFileSync(join(ROOT, 'dashboards/clickhouse/users.d/grafana-readonly.xml'), 'utf8');
    const user = new RegExp(`<${ds.jsonData.username}>([\\s\\S]*?)</${ds.jsonData.username}>`).exec(
      xml.replace(/<!--[\s\S]*?-->/g, ''),
    )?.[1];
    expect(user, `user ${ds.jsonData.username} in users.d`).toBeDefined();
    const profile = /<profile>(\w+)<\/profile>/.exec(user!)?.[1];
    const profileBody = new RegExp(`<${profile}>([\\s\\S]*?)</${profile}>`).exec(xml)?.[1] ?? '';
    expect(profileBody).toMatch(/<readonly>[12]<\/readonly>/);
    expect(profileBody).toMatch(/<max_execution_time>[\s\S]*<changeable_in_readonly\/>/);
    expect(user).toContain('<password from_env="CLICKHOUSE_GRAFANA_PASSWORD"/>');
    const grants = [...user!.matchAll(/<query>([^<]*)<\/query>/g)].map((m) => m[1]!.trim());
    expect(grants).toEqual([`GRANT SELECT ON ${ds.jsonData.defaultDatabase}.*`]);
  });

  it('loads the dashboards from the folder docker-compose.yml mounts dashboards/json at', () => {
    expect(providers.apiVersion).toBe(1);
    expect(providers.providers).toHaveLength(1);
    const provider = providers.providers[0]!;
    expect(provider.type).toBe('file');
    const compose = parseDocument(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), {
      merge: true,
    }).toJS() as { services: Record<string, { volumes?: string[] }> };
    const mounts = (compose.services.grafana?.volumes ?? []).map((v) => v.split(':'));
    expect(mounts).toContainEqual(['./dashboards/json', provider.options.path, 'ro']);
    expect(mounts).toContainEqual(['./dashboards/provisioning', '/etc/grafana/provisioning', 'ro']);
  });
});

describe('dashboard structure', () => {
  it('finds the dashboards', () => {
    expect(dashboards.map((d) => d.file)).toEqual(['warden-overview.json', 'warden-pipeline.json']);
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboards)(
    '$file: unique panel ids, the provisioned data source everywhere, SQL targets',
    ({ dashboard }) => {
      expect(dashboard.uid).toMatch(/^[a-z0-9-]{1,40}$/);
      const panels = panelsOf(dashboard);
      const ids = panels.map((p) => p.id);
      expect(new Set(ids).size, `panel ids ${ids.join(',')}`).toBe(ids.length);
      for (const p of panels) {
        expect(p.gridPos.x + p.gridPos.w, `"${p.title}" fits the 24-column grid`).toBeLessThanOrEqual(24);
        if (p.type === 'row') continue;
        expect(p.datasource, `"${p.title}" data source`).toEqual({ type: PLUGIN, uid: DS_UID });
        // One query per panel: the SQL tests below run it.
        expect(p.targets?.length, `"${p.title}" has one query`).toBe(1);
        for (const t of p.targets ?? []) {
          expect(t.datasource, `"${p.title}" target ${t.refId} data source`).toEqual({
            type: PLUGIN,
            uid: DS_UID,
          });
          expect(t.editorType).toBe('sql');
          // The plugin's format is numeric: 0 time series, 1 table (a string breaks the query).
          expect([0, 1], `"${p.title}" format`).toContain(t.format);
          expect(t.format === 0, `"${p.title}": time series panels use format 0`).toBe(
            p.type === 'timeseries',
          );
          // The data source user is read-only anyway; the dashboards must not even try.
          expect(t.rawSql?.trimStart(), `"${p.title}" reads`).toMatch(/^(SELECT|WITH)\b/);
        }
      }
      for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
        expect(v.datasource, `variable ${v.name}`).toEqual({ type: PLUGIN, uid: DS_UID });
        expect(variableSql(v)).toMatch(/^SELECT\b/);
      }
    },
  );
});

// ---------------------------------------------------------------------------------------------------
// Every panel's SQL against the real schema.

const NOW = Date.now();
const MINUTE = 60_000;
const RANGE = { from: new Date(NOW - 24 * 60 * MINUTE), to: new Date(NOW + 10 * MINUTE), intervalS: 300 };

interface SeedSession {
  workspace: string;
  sessionId: string;
  verdict: SessionState['verdict'];
  score: number;
  severity: SessionState['severity'];
  status: SessionState['status'];
  techniques: string[];
  userEmail: string;
  agent: string;
  source: AgentEvent['source'];
  lastActivityAtMs: number;
  /** Verdict versions: one finding each. */
  findings: { verdict: Finding['verdict']; minutesAgo: number; judge?: string }[];
}

const SEED: SeedSession[] = [
  {
    workspace: 'acme',
    sessionId: 's-exfil',
    verdict: 'escalation',
    score: 95,
    severity: 'critical',
    status: 'open',
    techniques: ['T1552.001', 'T1041'],
    userEmail: 'alice@acme.test',
    agent: 'codex_cli_rs',
    source: 'codex',
    lastActivityAtMs: NOW - MINUTE,
    findings: [
      { verdict: 'mistake', minutesAgo: 50 },
      { verdict: 'escalation', minutesAgo: 40, judge: 'gpt-5-mini' },
    ],
  },
  {
    workspace: 'acme',
    sessionId: 's-rmrf',
    verdict: 'mistake',
    score: 55,
    severity: 'medium',
    status: 'closed',
    techniques: ['T1485'],
    userEmail: 'bob@acme.test',
    agent: 'claude-code',
    source: 'claude_code',
    lastActivityAtMs: NOW - 30 * MINUTE,
    findings: [{ verdict: 'mistake', minutesAgo: 35 }],
  },
  {
    workspace: 'acme',
    sessionId: 's-tests',
    verdict: 'benign',
    score: 3,
    severity: 'info',
    status: 'closed',
    techniques: [],
    userEmail: 'carol@acme.test',
    agent: 'codex_cli_rs',
    source: 'codex',
    lastActivityAtMs: NOW - 30 * MINUTE,
    findings: [{ verdict: 'benign', minutesAgo: 30 }],
  },
  {
    // Open long after its last activity: what the stalled-triage panel counts.
    workspace: 'acme',
    sessionId: 's-stale',
    verdict: 'benign',
    score: 0,
    severity: 'info',
    status: 'open',
    techniques: [],
    userEmail: 'carol@acme.test',
    agent: 'codex_cli_rs',
    source: 'codex',
    lastActivityAtMs: NOW - 120 * MINUTE,
    findings: [],
  },
  {
    workspace: 'globex',
    sessionId: 'g-inject',
    verdict: 'escalation',
    score: 80,
    severity: 'high',
    status: 'closed',
    techniques: ['AML.T0051'],
    userEmail: 'dave@globex.test',
    agent: 'gemini-cli',
    source: 'gemini_cli',
    lastActivityAtMs: NOW - 20 * MINUTE,
    findings: [{ verdict: 'escalation', minutesAgo: 20 }],
  },
];
const EVENTS_PER_SESSION = 8;

function seedRows() {
  const events: AgentEvent[] = [];
  const sessions: SessionState[] = [];
  const findings: Finding[] = [];
  for (const s of SEED) {
    const own = Array.from({ length: EVENTS_PER_SESSION }, (_, i) => {
      const e = makeEvent(i, s.sessionId, s.workspace, 64);
      return { ...e, source: s.source, agent: { name: s.agent, version: '1.0.0' } };
    });
    events.push(...own);
    // One pre-action review decision per session, as the review service records them.
    events.push({
      ...own[1]!,
      eventId: eventId(`review/${s.workspace}/${s.sessionId}`),
      source: 'warden-review',
      kind: 'approval_decision',
      decision: { decision: 'deny', raw: 'deny', source: 'warden_review' },
      attributes: { 'warden.review.ms': '4.2' },
    });
    s.findings.forEach((f, i) =>
      findings.push(
        makeFinding(i + 1, {
          findingId: eventId(`finding/${s.workspace}/${s.sessionId}/${i + 1}`),
          workspace: s.workspace,
          sessionId: s.sessionId,
          verdict: f.verdict,
          judge: f.judge ?? '',
          techniques: f.verdict === 'benign' ? [] : s.techniques,
          evidenceEventIds: [own[3 + i]!.eventId],
          createdAtMs: NOW - f.minutesAgo * MINUTE,
        }),
      ),
    );
    sessions.push(
      makeSession({
        workspace: s.workspace,
        sessionId: s.sessionId,
        source: s.source,
        agent: s.agent,
        userEmail: s.userEmail,
        userId: '',
        firstEventTimeUnixNano: own[0]!.timeUnixNano,
        lastEventTimeUnixNano: own[own.length - 1]!.timeUnixNano,
        eventCount: own.length,
        status: s.status,
        verdict: s.verdict,
        score: s.score,
        severity: s.severity,
        techniques: s.techniques,
        findingVersion: s.findings.length,
        lastActivityAtMs: s.lastActivityAtMs,
        updatedAtMs: s.lastActivityAtMs + 1,
      }),
    );
  }
  return { events, sessions, findings };
}

let store: Store;
let workspaces: string[] = [];

const dateTime64 = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

beforeAll(async () => {
  store = await openTestStore();
  const { events, sessions, findings } = seedRows();
  await store.insertEvents(events);
  // An older state of one session first: FINAL must show only the latest.
  await store.upsertSessions([{ ...sessions[0]!, verdict: 'mistake', updatedAtMs: 1 }]);
  await store.upsertSessions(sessions);
  await store.insertFindings(findings);
  await store.insertFindings(findings.slice(0, 2)); // a replayed write: collapses under FINAL
  // An analyst acknowledged the escalation (raw row: dashboards depend only on the migrations' schema).
  const escalation = findings.find((f) => f.sessionId === 's-exfil' && f.verdict === 'escalation')!;
  await store.client.insert({
    table: 'dispositions_v1',
    format: 'JSONEachRow',
    values: [
      {
        workspace: 'acme',
        finding_id: escalation.findingId,
        created_at: dateTime64(NOW - 10 * MINUTE),
        disposition_id: 'd-1',
        session_id: 's-exfil',
        status: 'acknowledged',
        analyst_verdict: 'true_positive',
        assignee: 'erin',
        reason: '',
        note: 'looking',
        actor: 'erin',
      },
    ],
  });
  // A record triage set aside.
  await store.recordDeadLetters(
    [
      {
        deadLetterId: 'dl-1',
        workspace: 'acme',
        sessionId: 's-exfil',
        eventId: '',
        stage: 'decode',
        error: 'SyntaxError: Unexpected token',
        bus: { kind: 'kafka', partition: 3, offset: '1200', key: 'acme/s-exfil' },
        payload: 'AAEC',
        payloadEncoding: 'base64',
      },
    ],
    NOW - 5 * MINUTE,
  );
  // Two triage workers' pipeline reports.
  await store.recordHealth(
    ['host-a:1', 'host-b:2'].map((instance, i) => ({
      atMs: NOW - (i + 1) * MINUTE,
      instance,
      consumerGroup: 'warden-triage',
      busKind: 'kafka',
      busLag: 10 * (i + 1),
      intervalMs: 15_000,
      events: 150,
      batches: 5,
      verdicts: 2,
      batchMsAvg: 20,
      batchMsMax: 45,
      eventAgeMsP50: 1_200,
      sessionsCached: 8,
    })),
  );
  const rows = await runSql(variableSql(dashboards[0]!.dashboard.templating.list[0]!)!, context('all'));
  workspaces = rows.data.map((r) => String(Object.values(r)[0]));
}, 120_000);

afterAll(async () => {
  await store?.close();
});

function context(workspace: 'all' | string[]): GrafanaQueryContext {
  return { ...RANGE, variables: { workspace }, allValues: { workspace: workspaces } };
}

interface QueryResult {
  meta: { name: string; type: string }[];
  data: Record<string, unknown>[];
}

async function runSql(sql: string, ctx: GrafanaQueryContext): Promise<QueryResult> {
  const rs = await store.client.query({ query: expandGrafanaSql(sql, ctx), format: 'JSON' });
  return rs.json<Record<string, unknown>>() as unknown as Promise<QueryResult>;
}

/** Runs a panel's query; a failure names the panel and shows the SQL ClickHouse received. */
async function runPanel(file: string, panel: Panel, ctx: GrafanaQueryContext): Promise<QueryResult> {
  const sql = panel.targets![0]!.rawSql!;
  try {
    return await runSql(sql, ctx);
  } catch (err) {
    let expanded = sql;
    try {
      expanded = expandGrafanaSql(sql, ctx);
    } catch {
      // keep the raw SQL
    }
    throw new Error(`panel "${panel.title}" (${file}) failed: ${(err as Error).message}\n${expanded}`, {
      cause: err,
    });
  }
}

/** The columns the main panels must return (their field overrides and visualisations depend on them). */
const EXPECTED_COLUMNS: Record<string, string[]> = {
  'Sessions in range': ['sessions', 'escalations', 'mistakes', 'open_escalations'],
  'Escalations and mistakes over time': ['time', 'verdict', 'findings'],
  'Flagged sessions by severity': ['severity', 'sessions'],
  'Top techniques': ['technique', 'sessions', 'escalations', 'max_score'],
  'Top users by risk': ['user', 'risk', 'escalations', 'mistakes', 'sessions', 'max_score'],
  'Top agents by risk': ['agent_name', 'source', 'risk', 'escalations', 'mistakes', 'sessions'],
  'Analyst status of flagged findings': ['status', 'findings'],
  'Ingest rate by source': ['time', 'source', 'events_per_second'],
  'End-to-end lag: agent event → stored': ['time', 'p50', 'p95', 'p99'],
  'Time to verdict: evidence event → finding': ['time', 'p50', 'p95', 'slowest'],
  'Verdicts written by judge': ['time', 'judged_by', 'findings'],
  'Open sessions past the idle timeout': ['stale_open_sessions'],
  'Consumer group lag, as each triage worker reports it': ['time', 'instance', 'lag'],
  'Triage throughput and batch time': ['time', 'events_per_second', 'batch_ms'],
  'Open dead letters': ['open_dead_letters'],
  'Dead letters, most recent failure first': [
    'last_seen_at',
    'status',
    'stage',
    'workspace',
    'session_id',
    'error',
    'bus_position',
    'attempts',
  ],
};

describe('panel SQL on the real schema (chDB, all migrations)', () => {
  it('every query variable runs; workspace lists the workspaces', async () => {
    expect(workspaces).toEqual(['acme', 'globex']);
    for (const { file, dashboard } of dashboards) {
      for (const v of dashboard.templating.list.filter((x) => x.type === 'query')) {
        const rows = await runSql(variableSql(v)!, context('all')).catch((err: Error) => {
          throw new Error(`variable $${v.name} (${file}) failed: ${err.message}`, { cause: err });
        });
        expect(rows.data.length, `variable $${v.name} (${file})`).toBeGreaterThan(0);
        if (v.name === 'workspace') expect(rows.data.map((r) => Object.values(r)[0])).toEqual(workspaces);
      }
    }
  });

  it('has every panel the column expectations name', () => {
    const titles = queryPanels.map((q) => q.panel.title);
    for (const title of Object.keys(EXPECTED_COLUMNS)) expect(titles).toContain(title);
  });

  for (const { file, panel } of queryPanels) {
    it(`${file}: "${panel.title}" runs and returns rows, for All and for one workspace`, async () => {
      for (const ctx of [context('all'), context(['acme'])]) {
        const result = await runPanel(file, panel, ctx);
        const columns = result.meta.map((m) => m.name);
        expect(result.data.length, `"${panel.title}" returns rows`).toBeGreaterThan(0);
        const expected = EXPECTED_COLUMNS[panel.title];
        if (expected) expect(columns, `"${panel.title}" columns`).toEqual(expected);
        if (panel.targets![0]!.format === 0) {
          // Time series: a datetime column named time first, then labels, then numbers.
          expect(columns[0]).toBe('time');
          expect(result.meta[0]!.type).toMatch(/^DateTime/);
        }
        if (panel.type === 'table' || panel.type === 'stat') {
          for (const o of panel.fieldConfig?.overrides ?? []) {
            if (o.matcher.id === 'byName')
              expect(columns, `"${panel.title}" override`).toContain(o.matcher.options);
          }
        }
      }
    });
  }

  // What the seeded data must show: the queries compute the right things, not just something.
  const byTitle = (title: string) => {
    const q = queryPanels.find((p) => p.panel.title === title);
    if (!q) throw new Error(`no panel "${title}"`);
    return (ctx: GrafanaQueryContext) => runPanel(q.file, q.panel, ctx).then((r) => r.data);
  };

  it('counts sessions by their latest state, per workspace', async () => {
    const run = byTitle('Sessions in range');
    expect(await run(context('all'))).toEqual([
      { sessions: '5', escalations: '2', mistakes: '1', open_escalations: '1' },
    ]);
    expect(await run(context(['acme']))).toEqual([
      { sessions: '4', escalations: '1', mistakes: '1', open_escalations: '1' },
    ]);
    expect(await run(context(['globex']))).toEqual([
      { sessions: '1', escalations: '1', mistakes: '0', open_escalations: '0' },
    ]);
  });

  it('plots each escalation and mistake verdict once, replays collapsed', async () => {
    const rows = await byTitle('Escalations and mistakes over time')(context('all'));
    const total = (v: string) =>
      rows.filter((r) => r.verdict === v).reduce((n, r) => n + Number(r.findings), 0);
    expect(total('escalation')).toBe(2);
    expect(total('mistake')).toBe(2);
  });

  it('ranks techniques, users and agents by risk', async () => {
    const techniques = await byTitle('Top techniques')(context('all'));
    expect(techniques.map((r) => r.technique).sort()).toEqual(['AML.T0051', 'T1041', 'T1485', 'T1552.001']);
    const users = await byTitle('Top users by risk')(context('all'));
    expect(users.map((r) => [r.user, Number(r.risk)])).toEqual([
      ['alice@acme.test', 95],
      ['dave@globex.test', 80],
      ['bob@acme.test', 55],
    ]);
    const agents = await byTitle('Top agents by risk')(context(['acme']));
    expect(agents.map((r) => [r.agent_name, r.source, Number(r.risk)])).toEqual([
      ['codex_cli_rs', 'codex', 95],
      ['claude-code', 'claude_code', 55],
    ]);
  });

  it('shows analyst dispositions, "new" when none', async () => {
    const rows = await byTitle('Analyst status of flagged findings')(context('all'));
    expect(Object.fromEntries(rows.map((r) => [r.status, Number(r.findings)]))).toEqual({
      new: 3,
      acknowledged: 1,
    });
  });

  it('measures lag and time to verdict from the stored timestamps', async () => {
    // Fixture events are dated about an hour before they are stored.
    const lag = await byTitle('End-to-end lag: agent event → stored')(context('all'));
    for (const r of lag) expect(Number(r.p50)).toBeGreaterThan(30 * 60);
    const verdicts = await byTitle('Time to verdict: evidence event → finding')(context('all'));
    expect(verdicts.length).toBeGreaterThan(0);
    for (const r of verdicts) expect(Number(r.p50)).toBeGreaterThan(0);
    const stale = await byTitle('Open sessions past the idle timeout')(context('all'));
    expect(stale).toEqual([{ stale_open_sessions: '1' }]);
  });
});
