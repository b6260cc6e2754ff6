import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiConfig, start as startApi, type ApiHandle, type DispositionListener } from '../../api/index.ts';
import type { Bus } from '../../bus/index.ts';
import type { CollectorHandle } from '../../collector/index.ts';
import { StoreConfig, openStore, type Store } from '../../store/index.ts';
import {
  TriageConfig,
  start as startTriage,
  type TriageHandle,
  type VerdictListener,
} from '../../triage/index.ts';
import { toOtlpLogsRequest, type AgentTelemetry } from '../fixtures/agents/index.ts';
import { ReviewConfig } from '../../triage/review/config.ts';
import { startReviewService } from '../../triage/review/service.ts';
import {
  INGEST_TOKENS_SPEC,
  postOtlp,
  startTestCollector,
  testLogger,
  uniqueName,
  waitFor,
} from './pipeline.ts';

export const API_KEYS = {
  acmeViewer: 'key-acme-viewer-0123456789',
  acmeAnalyst: 'key-acme-analyst-0123456789',
  acmeAdmin: 'key-acme-admin-0123456789',
  globexAdmin: 'key-globex-admin-0123456789',
} as const;

/** WARDEN_API_KEYS for {@link API_KEYS}: the acme keys are named after their role (the audit actor). */
export const API_KEYS_SPEC = [
  `${API_KEYS.acmeViewer}=acme:viewer:viewer`,
  `${API_KEYS.acmeAnalyst}=acme:analyst:alice`,
  `${API_KEYS.acmeAdmin}=acme:admin:root`,
  `${API_KEYS.globexAdmin}=globex:admin`,
].join(',');

/** A chDB store in a fresh folder (one chDB engine per test process: open it once per file). */
export async function openTestStore(): Promise<Store> {
  const dir = await mkdtemp(join(tmpdir(), 'warden-store-'));
  // Fixture sessions are dated 2026-01-01: no TTL, or the store would drop them as expired.
  return openStore(StoreConfig.parse({ WARDEN_DATA_DIR: dir, WARDEN_EVENT_TTL_DAYS: '0' }), testLogger);
}

export interface TestWarden {
  collector: CollectorHandle;
  triage: TriageHandle;
  api: ApiHandle;
  close(): Promise<void>;
}

/** The whole pipeline in this process: collector → bus → triage → store → API, as `warden start` wires it. */
export async function startTestWarden(
  bus: Bus,
  store: Store,
  triageEnv: Record<string, string> = {},
  listeners: { onVerdict?: VerdictListener; onDisposition?: DispositionListener } = {},
): Promise<TestWarden> {
  const triage = await startTriage(
    TriageConfig.parse({ WARDEN_TRIAGE_GROUP: uniqueName('triage'), ...triageEnv }),
    {
      bus,
      store,
      logger: testLogger,
      onVerdict: listeners.onVerdict,
    },
  );
  const reviewer = await startReviewService(ReviewConfig.parse({ WARDEN_REVIEW_CONTEXT_MS: '0' }), {
    store,
    logger: testLogger,
  });
  const api = await startApi(
    ApiConfig.parse({
      WARDEN_API_PORT: '0',
      WARDEN_API_KEYS: API_KEYS_SPEC,
      WARDEN_INGEST_TOKENS: INGEST_TOKENS_SPEC,
    }),
    { store, bus, reviewer, logger: testLogger, onDisposition: listeners.onDisposition },
  );
  const collector = await startTestCollector(bus);
  return {
    collector,
    triage,
    api,
    close: async () => {
      await collector.close();
      await triage.close();
      await api.close();
      await reviewer.close();
    },
  };
}

export interface SessionView {
  session_id: string;
  workspace: string;
  verdict: 'benign' | 'mistake' | 'escalation';
  score: number;
  rationale: string;
  state: 'open' | 'closed';
  updated_at: string;
  event_count: number;
  techniques: string[];
  detectors: string[];
  evidence: { event_id: string; kind: string; command?: string }[];
  verdict_history: { version: number; verdict: string; finding_id: string }[];
}

export async function getSession(apiPort: number, sessionId: string, key: string = API_KEYS.acmeViewer) {
  const res = await fetch(`http://127.0.0.1:${apiPort}/v1/sessions/${encodeURIComponent(sessionId)}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return {
    status: res.status,
    body: (await res.json()) as SessionView & { title?: string; detail?: string },
  };
}

/** Polls the API until the session has `eventCount` events judged. */
export function waitForSession(
  apiPort: number,
  sessionId: string,
  eventCount: number,
  timeoutMs = 60_000,
): Promise<SessionView> {
  return waitFor(
    async () => {
      const { status, body } = await getSession(apiPort, sessionId);
      return status === 200 && body.event_count >= eventCount ? body : undefined;
    },
    timeoutMs,
    `session ${sessionId} with ${eventCount} events`,
  );
}

/** Sends a session's log records over OTLP/HTTP protobuf to the test collector; returns how many. */
export async function sendLogs(warden: TestWarden, telemetry: AgentTelemetry): Promise<number> {
  const res = await postOtlp(
    warden.collector.httpPort,
    '/v1/logs',
    toOtlpLogsRequest(telemetry.logs, 'protobuf'),
    {
      'content-type': 'application/x-protobuf',
    },
  );
  if (res.status !== 200) throw new Error(`OTLP export refused: ${res.status}`);
  return telemetry.logs.length;
}
