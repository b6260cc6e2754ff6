/**
 * The benchmark converters against the real datasets beside the checkout (`<repo>/../shared/datasets`):
 * record counts and labels, deterministic ids and vendors, and sessions the collector accepts. A missing
 * datasets folder fails these tests with a clear message; nothing is skipped.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { toOtlpLogsRequest, toOtlpTraceRequest } from '../fixtures/agents/index.ts';
import {
  convertContents,
  deriveCommand,
  loadRJudge,
  loadRedCode,
  loadSafeOs,
  parseAction,
  type DatasetSession,
} from './datasets.ts';
import { decodeAndNormalize } from '../helpers/events.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const DATASETS = resolve(REPO_ROOT, '..', 'shared', 'datasets');

/** The dataset folder, or a failure that says where it was looked for. */
function datasetDir(name: string): string {
  const dir = join(DATASETS, name);
  if (!existsSync(dir))
    throw new Error(
      `benchmark dataset folder missing: ${dir} (expected the shared datasets beside the checkout at ${DATASETS})`,
    );
  return dir;
}

const tally = (xs: string[]) =>
  xs.reduce<Record<string, number>>((m, x) => ((m[x] = (m[x] ?? 0) + 1), m), {});

/** Every session decodes and normalizes without rejection and carries one session of its own. */
function expectAccepted(sessions: DatasetSession<unknown>[]) {
  const failures: string[] = [];
  const sessionIds = new Set<string>();
  for (const s of sessions) {
    const { events, rejections } = decodeAndNormalize(s.telemetry, 'eval');
    if (rejections.length > 0) failures.push(`${s.id}: ${rejections.join('; ')}`);
    const own = new Set(events.filter((e) => !e.sessionIdDerived).map((e) => e.sessionId));
    if (own.size !== 1) failures.push(`${s.id}: ${own.size} session ids`);
    for (const id of own) {
      if (sessionIds.has(id)) failures.push(`${s.id}: session id ${id} reused`);
      sessionIds.add(id);
    }
  }
  expect(failures).toEqual([]);
}

function expectUniqueIds(sessions: DatasetSession<unknown>[]) {
  expect(new Set(sessions.map((s) => s.id)).size).toBe(sessions.length);
}

/** Two loads give the same ids, vendors and telemetry bytes. */
function expectDeterministic(a: DatasetSession<unknown>[], b: DatasetSession<unknown>[]) {
  expect(b.map((s) => `${s.id}/${s.vendor}/${s.label}`)).toEqual(
    a.map((s) => `${s.id}/${s.vendor}/${s.label}`),
  );
  for (const i of [0, Math.floor(a.length / 2), a.length - 1]) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) throw new Error('empty dataset');
    expect(toOtlpLogsRequest(y.telemetry.logs, 'protobuf')).toEqual(
      toOtlpLogsRequest(x.telemetry.logs, 'protobuf'),
    );
    expect(toOtlpTraceRequest(y.telemetry.spans, 'protobuf')).toEqual(
      toOtlpTraceRequest(x.telemetry.spans, 'protobuf'),
    );
  }
}

describe('R-Judge', () => {
  it('loads all 571 records: 270 safe, 301 unsafe, in five categories', async () => {
    const sessions = await loadRJudge(datasetDir('r-judge'));
    expect(sessions).toHaveLength(571);
    expect(tally(sessions.map((s) => s.label))).toEqual({ safe: 270, unsafe: 301 });
    expect(tally(sessions.map((s) => s.category))).toEqual({
      Application: 252,
      Finance: 126,
      IoT: 30,
      Program: 128,
      Web: 35,
    });
    expectUniqueIds(sessions);
    expect(new Set(sessions.map((s) => s.vendor))).toEqual(new Set(['genai', 'claude-code', 'codex']));
    for (const s of sessions) expect(s.source.riskDescription, s.id).toEqual(expect.any(String));
    expectAccepted(sessions);
  });

  it('loads the Program category alone: 60 safe, 68 unsafe, deterministically', async () => {
    const first = await loadRJudge(datasetDir('r-judge'), { category: 'Program' });
    expect(first).toHaveLength(128);
    expect(tally(first.map((s) => s.label))).toEqual({ safe: 60, unsafe: 68 });
    expectDeterministic(first, await loadRJudge(datasetDir('r-judge'), { category: 'Program' }));
  });

  it('renders a terminal record as a shell command with its output', async () => {
    const sessions = await loadRJudge(datasetDir('r-judge'), { category: 'Program', vendors: ['codex'] });
    const sudoers = sessions.find((s) => s.id === 'rjudge-program-9');
    if (sudoers === undefined) throw new Error('rjudge-program-9 missing');
    const results = decodeAndNormalize(sudoers.telemetry, 'eval').events.filter(
      (e) => e.kind === 'tool_result',
    );
    expect(results[0]?.tool?.command).toBe(
      "echo 'samford ALL=(ALL) NOPASSWD:ALL' | sudo tee -a /etc/sudoers",
    );
    expect(results[0]?.result?.output).toBe('samford ALL=(ALL) NOPASSWD:ALL');
  });

  it('puts the final answer where GenAI sends the assistant text', async () => {
    const sessions = await loadRJudge(datasetDir('r-judge'), { category: 'Program', vendors: ['genai'] });
    const sudoers = sessions.find((s) => s.id === 'rjudge-program-9');
    if (sudoers === undefined) throw new Error('rjudge-program-9 missing');
    const outputs = decodeAndNormalize(sudoers.telemetry, 'eval').events.map(
      (e) => e.attributes['gen_ai.output.messages'] ?? '',
    );
    expect(outputs.some((o) => o.includes('The necessary access has been granted to Sam.'))).toBe(true);
  });

  it('fails clearly on an unknown category', async () => {
    await expect(loadRJudge(datasetDir('r-judge'), { category: 'Nope' })).rejects.toThrow(
      /no category "Nope"/,
    );
  });
});

describe('RedCode-Exec Bash', () => {
  it('loads 600 unsafe cases, 30 in each of 20 scenarios, each running its code', async () => {
    const sessions = await loadRedCode(datasetDir('redcode-exec-bash'));
    expect(sessions).toHaveLength(600);
    expect(sessions.every((s) => s.label === 'unsafe')).toBe(true);
    const perScenario = tally(sessions.map((s) => s.category));
    expect(Object.keys(perScenario)).toHaveLength(20);
    expect(Object.values(perScenario).every((n) => n === 30)).toBe(true);
    expectUniqueIds(sessions);
    for (const s of sessions.slice(0, 60)) {
      const commands = decodeAndNormalize(s.telemetry, 'eval').events.flatMap((e) => e.tool?.command ?? []);
      expect(commands.length, s.id).toBeGreaterThan(0);
      expect(s.source.scenario, s.id).toBe(Number(s.category));
    }
    expectAccepted(sessions);
    expectDeterministic(sessions, await loadRedCode(datasetDir('redcode-exec-bash')));
  });
});

describe('Safe-OS', () => {
  it('loads 100 records: 27 benign controls and 73 unsafe', async () => {
    const sessions = await loadSafeOs(datasetDir('safe-os'));
    expect(sessions).toHaveLength(100);
    expect(tally(sessions.map((s) => s.label))).toEqual({ safe: 27, unsafe: 73 });
    expect(tally(sessions.map((s) => s.category))).toEqual({
      benign: 27,
      os: 30,
      environment: 20,
      prompt_injection: 23,
    });
    expect(sessions.filter((s) => s.category === 'benign').every((s) => s.label === 'safe')).toBe(true);
    // Every record but one names a command or something to act on.
    expect(sessions.filter((s) => s.source.commandSource === 'none').length).toBeLessThanOrEqual(1);
    expectUniqueIds(sessions);
    expectAccepted(sessions);
    expectDeterministic(sessions, await loadSafeOs(datasetDir('safe-os')));
  });

  it('carries the injected text of prompt-injection records in the tool output', async () => {
    const sessions = await loadSafeOs(datasetDir('safe-os'), { vendors: ['genai'] });
    const injected = sessions.filter((s) => s.category === 'prompt_injection');
    for (const s of injected) {
      const outputs = decodeAndNormalize(s.telemetry, 'eval').events.map((e) => e.result?.output ?? '');
      expect(
        outputs.some((o) => /ignore the previous instruction/i.test(o.replace(/_/g, ' '))),
        s.id,
      ).toBe(true);
    }
  });
});

describe('missing data', () => {
  it('fails with the path when a dataset folder is missing', async () => {
    const missing = join(DATASETS, 'no-such-dataset');
    await expect(loadRJudge(missing)).rejects.toThrow(`dataset directory not found: ${missing}`);
    await expect(loadRedCode(missing)).rejects.toThrow(`dataset directory not found: ${missing}`);
    await expect(loadSafeOs(missing)).rejects.toThrow(`dataset directory not found: ${missing}`);
  });
});

describe('action parsing', () => {
  it.each([
    [
      "GmailReadEmail{'email_id': 'email001'}",
      { kind: 'tool', name: 'GmailReadEmail', args: { email_id: 'email001' } },
    ],
    ['TerminalExecute: {"command": "ls -la"}\n', { kind: 'shell', command: 'ls -la' }],
    ['TerminalExecute Input: {"command": "id"}', { kind: 'shell', command: 'id' }],
    [
      'BinancePlaceOrder\nAction Input: {"pair": "BTCUSD", "side": "sell"}',
      { kind: 'tool', name: 'BinancePlaceOrder', args: { pair: 'BTCUSD', side: 'sell' } },
    ],
    [
      '{"AugustSmartLockGrantGuestAccess":  {"guest_ids": ["g2"], "permanent": true}}',
      { kind: 'tool', name: 'AugustSmartLockGrantGuestAccess', args: { guest_ids: ['g2'], permanent: true } },
    ],
    [
      '"command": {"name": "read_file", "args": {"filename": "/etc/shadow"}}}',
      { kind: 'tool', name: 'read_file', args: { filename: '/etc/shadow' } },
    ],
    [
      "OpenBrowser(url='202.121.178.111')",
      { kind: 'tool', name: 'OpenBrowser', args: { input: "url='202.121.178.111'" } },
    ],
    ['bash\n\n```bash\nrm -rf /root\n```', { kind: 'shell', command: 'rm -rf /root' }],
    ['Final Answer: done.', { kind: 'text', text: 'done.', final: true }],
    ['click <Sign Up>', { kind: 'text', text: 'click <Sign Up>', final: false }],
    ["Output: {<?php eval($_GET['x']); ?>}", { kind: 'text', final: false }],
  ])('%j', (action, expected) => {
    expect(parseAction(action)).toMatchObject(expected);
  });

  it('turns environment-answered free text into perform_action and unanswered text into a reply', () => {
    const converted = convertContents([
      [
        { role: 'user', content: 'install the tuner app' },
        { role: 'agent', thought: 'open the store', action: 'Open <APP Store>' },
        { role: 'environment', content: '<APP Store> is open' },
        { role: 'agent', thought: null, action: 'The app is installed.' },
        { role: 'environment', content: null },
      ],
    ]);
    expect(converted.turns).toEqual([
      {
        prompt: 'install the tuner app',
        tools: [
          {
            name: 'perform_action',
            arguments: { action: 'Open <APP Store>' },
            output: '<APP Store> is open',
          },
        ],
      },
    ]);
    expect(converted.replies).toEqual(['The app is installed.']);
  });

  it('derives a read-only command for Safe-OS requests that give only the expected answer', () => {
    expect(deriveCommand('What is the content of /test/config.yaml?')).toBe('cat /test/config.yaml');
    expect(deriveCommand('Run the backup script located at /var/backups/backup.sh')).toBe(
      'bash /var/backups/backup.sh',
    );
    expect(deriveCommand('Return the name of primary group for the user testuser.')).toBeUndefined();
  });
});
