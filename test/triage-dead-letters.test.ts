import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bus, BusMessage } from '../bus/index.ts';
import { AGENT_EVENT_SCHEMA_VERSION, type AgentEvent } from '../schemas/agent-event.ts';
import { deadLettersCommand, type DeadLetterView } from '../cli/dead-letters.ts';
import type { Store } from '../store/index.ts';
import { openKafkaBus, uniqueName, waitFor, openEmbeddedBus } from './helpers/pipeline.ts';
import {
  API_KEYS,
  openTestStore,
  startTestWarden,
  waitForSession,
  type TestWarden,
} from './helpers/warden.ts';

let n = 0;
function event(workspace: string, sessionId: string, extra: Partial<AgentEvent> = {}): AgentEvent {
  n += 1;
  return {
    schemaVersion: AGENT_EVENT_SCHEMA_VERSION,
    eventId: (0xdead0000 + n).toString(16).padStart(32, '0'),
    workspace,
    sessionId,
    sessionIdDerived: false,
    timeUnixNano: String(BigInt(Date.now() - 60_000 + n) * 1_000_000n),
    source: 'codex',
    sourceEvent: 'codex.tool_result',
    kind: 'tool_result',
    actor: { email: 'dana@example.com' },
    agent: { name: 'codex_cli_rs' },
    tool: { name: 'shell', command: `npm test -- --shard ${n}` },
    result: { success: true, output: 'ok' },
    attributes: {},
    ...extra,
  };
}

/** A bus message as the collector writes it; `json` lets a test put text on the bus no collector sends now. */
const message = (key: string, events: (AgentEvent | string)[]): BusMessage => ({
  key,
  value: Buffer.from(
    `{"schemaVersion":${AGENT_EVENT_SCHEMA_VERSION},"events":[${events.map((e) => (typeof e === 'string' ? e : JSON.stringify(e))).join(',')}]}`,
  ),
});

const api = async (
  warden: TestWarden,
  path: string,
  init: RequestInit = {},
  key: string = API_KEYS.acmeAdmin,
) => {
  const res = await fetch(`http://127.0.0.1:${warden.api.port}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const deadLetters = async (warden: TestWarden, key?: string) =>
  (await api(warden, '/v1/dead-letters', {}, key)).body.data as DeadLetterView[];

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

describe.each([
  ['embedded', () => openEmbeddedBus('warden-dl-')],
  // One partition: the poison and everything after it share it.
  [
    'kafka',
    () => openKafkaBus(inject('kafkaBrokers'), uniqueName('warden-dl'), { WARDEN_KAFKA_PARTITIONS: '1' }),
  ],
] as const)('dead letters on the %s bus', (busKind, openTheBus) => {
  let bus: Bus;
  let warden: TestWarden;
  const acme = uniqueName(`s-dl-${busKind}`);
  const globex = uniqueName(`s-dl-globex-${busKind}`);
  const poison = event('acme', acme, { result: { success: true, output: 'LONE' } });

  beforeAll(async () => {
    bus = await openTheBus();
    warden = await startTestWarden(bus, store);
  });
  afterAll(async () => {
    await warden?.close();
    await bus?.close();
  });

  it('sets a poison record aside and stores everything after it, in its partition, its workspace and others', async () => {
    const invalid = { ...event('acme', acme), eventId: 'not-an-id' };
    await bus.publish([
      message(`acme/${acme}`, [
        event('acme', acme, { kind: 'prompt', prompt: { text: 'run the tests', redacted: false } }),
      ]),
      { key: `acme/${acme}`, value: Buffer.from('{"schemaVersion":1,"events":[ this is not json') },
      // What an OTLP/JSON export with "\ud800" once put on the bus: ClickHouse cannot parse the escape.
      message(`acme/${acme}`, [event('acme', acme), JSON.stringify(poison).replace('LONE', '\\ud800')]),
      message(`acme/${acme}`, [JSON.stringify(invalid), event('acme', acme)]),
      message(`globex/${globex}`, [event('globex', globex)]),
      message(`acme/${acme}`, [event('acme', acme)]),
    ]);
    const session = await waitForSession(warden.api.port, acme, 4);
    expect(session.event_count).toBe(4);
    await waitFor(async () =>
      (await store.getSession('globex', globex))?.eventCount === 1 ? true : undefined,
    );

    const letters = await waitFor(async () => {
      const d = (await deadLetters(warden)).filter((l) => l.bus.key === `acme/${acme}`);
      return d.length === 3 ? d : undefined;
    });
    const byStage = (stage: string, eventId: string | null) =>
      letters.find((l) => l.stage === stage && l.event_id === eventId);
    expect(byStage('decode', null)).toMatchObject({
      error: expect.stringMatching(/JSON/),
      attempts: 1,
      status: 'open',
    });
    expect(byStage('store', poison.eventId)).toMatchObject({
      session_id: acme,
      error: expect.stringMatching(/CANNOT_PARSE_ESCAPE_SEQUENCE|escape/i),
      attempts: 1,
      status: 'open',
    });
    expect(byStage('decode', 'not-an-id')).toMatchObject({ error: expect.stringMatching(/eventId/) });
    for (const l of letters) {
      expect(l.bus).toMatchObject({ kind: busKind, partition: 0 });
      expect(BigInt(l.bus.offset)).toBeGreaterThanOrEqual(0n);
    }
    // Another workspace sees none of them.
    expect((await deadLetters(warden, API_KEYS.globexAdmin)).filter((l) => l.bus.key.includes(acme))).toEqual(
      [],
    );
    expect((await api(warden, '/v1/dead-letters', {}, API_KEYS.acmeAnalyst)).status).toBe(403);
    // The operator's view: `warden dead-letters` lists them with where they sat and why.
    const out: string[] = [];
    const cli = (argv: string[]) =>
      deadLettersCommand(
        [...argv, '--api', `http://127.0.0.1:${warden.api.port}`, '--api-key', API_KEYS.acmeAdmin],
        {},
        { out: (s) => out.push(s), err: (s) => out.push(s) },
      );
    expect(await cli(['--status', 'open'])).toBe(0);
    for (const l of letters) expect(out.join('')).toContain(`${l.dead_letter_id}  OPEN  ${l.stage}`);
    expect(out.join('')).toContain(`${busKind} partition 0 offset`);
    expect(await cli(['replay'])).toBe(2);

    const status = await api(warden, '/v1/status');
    expect(status.body.dead_letters).toMatchObject({ open: expect.any(Number) });
    expect((status.body.dead_letters as { open: number }).open).toBeGreaterThanOrEqual(3);
  });

  it('replays dead letters through the bus: a repaired one is stored, a hopeless one comes back with one more attempt', async () => {
    const letters = (await deadLetters(warden)).filter((l) => l.bus.key === `acme/${acme}`);
    const repaired = letters.find((l) => l.stage === 'store')!;
    const unreadable = letters.find((l) => l.stage === 'decode' && l.event_id === null)!;
    const one = await api(warden, `/v1/dead-letters/${repaired.dead_letter_id}`);
    expect(one.body).toMatchObject({ payload_encoding: 'json', payload: expect.stringContaining('\uFFFD') });

    const replay = await api(warden, '/v1/dead-letters/replay', {
      method: 'POST',
      body: JSON.stringify({ dead_letter_ids: [repaired.dead_letter_id, unreadable.dead_letter_id, 'nope'] }),
    });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({
      replayed: expect.arrayContaining([repaired.dead_letter_id, unreadable.dead_letter_id]),
      not_found: ['nope'],
    });
    const session = await waitForSession(warden.api.port, acme, 5);
    expect(session.event_count).toBe(5);
    const after = await waitFor(async () => {
      const d = await deadLetters(warden);
      const again = d.find((l) => l.dead_letter_id === unreadable.dead_letter_id);
      return again?.attempts === 2 ? d : undefined;
    });
    expect(after.find((l) => l.dead_letter_id === repaired.dead_letter_id)?.status).toBe('replayed');
    expect(after.find((l) => l.dead_letter_id === unreadable.dead_letter_id)?.status).toBe('open');

    const audit = (await api(warden, '/v1/audit?action=dead_letter.replay')).body.data as { actor: string }[];
    expect(audit.length).toBeGreaterThanOrEqual(1);
    expect(audit[0]!.actor).toBe('root');
  });
});
