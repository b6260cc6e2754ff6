/**
 * The official OpenTelemetry JS exporters (gRPC, HTTP/JSON, HTTP/protobuf; traces and logs) send agent
 * sessions to the real collector; the canonical events must arrive on the Kafka topic complete, attributed
 * to the token's workspace, and in order per session.
 */
import { Metadata } from '@grpc/grpc-js';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPLogExporter as GrpcLogExporter } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as HttpJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPTraceExporter as GrpcTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as HttpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bus } from '../bus/index.ts';
import type { CollectorHandle } from '../collector/index.ts';
import type { AgentEvent } from '../schemas/agent-event.ts';
import {
  claudeCodeSession,
  codexSession,
  geminiCliSession,
  genAiSession,
  openInferenceSession,
} from './fixtures/agents/index.ts';
import { normalizeTelemetry } from './helpers/events.ts';
import { consumeEvents, openKafkaBus, startTestCollector, TOKENS } from './helpers/pipeline.ts';

interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

async function send<T>(exporter: Exporter<T>, items: T[]): Promise<void> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  if (result.code !== ExportResultCode.SUCCESS) throw result.error ?? new Error('export failed');
}

describe('official OpenTelemetry exporters → collector → Kafka', () => {
  let bus: Bus;
  let collector: CollectorHandle;

  beforeAll(async () => {
    bus = await openKafkaBus(inject('kafkaBrokers'));
    collector = await startTestCollector(bus);
  });
  afterAll(async () => {
    await collector?.close();
    await bus?.close();
  });

  it('delivers every session complete and in order, over every transport and encoding', async () => {
    const grpcUrl = `http://127.0.0.1:${collector.grpcPort}`;
    const httpUrl = (path: string) => `http://127.0.0.1:${collector.httpPort}${path}`;
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${TOKENS.acme}`);
    const headers = { Authorization: `Bearer ${TOKENS.acme}` };

    const codex = codexSession({ conversationId: 'exp-codex', logUserPrompt: true });
    const claude = claudeCodeSession({ sessionId: 'exp-claude', traces: true });
    const gemini = geminiCliSession({ sessionId: 'exp-gemini' });
    const genai = genAiSession({ conversationId: 'exp-genai' });
    const openinference = openInferenceSession({ sessionId: 'exp-openinference' });

    await Promise.all([
      send(
        new GrpcLogExporter({ url: grpcUrl, metadata, compression: CompressionAlgorithm.GZIP }),
        codex.logs,
      ),
      send(new HttpJsonLogExporter({ url: httpUrl('/v1/logs'), headers }), claude.logs),
      send(
        new ProtoLogExporter({ url: httpUrl('/v1/logs'), headers, compression: CompressionAlgorithm.GZIP }),
        gemini.logs,
      ),
      send(new GrpcTraceExporter({ url: grpcUrl, metadata }), genai.spans),
      send(new HttpJsonTraceExporter({ url: httpUrl('/v1/traces'), headers }), openinference.spans),
      send(new ProtoTraceExporter({ url: httpUrl('/v1/traces'), headers }), claude.spans),
    ]);

    const expected = [
      ...normalizeTelemetry({ logs: codex.logs, spans: [] }),
      ...normalizeTelemetry(claude),
      ...normalizeTelemetry({ logs: gemini.logs, spans: [] }),
      ...normalizeTelemetry({ logs: [], spans: genai.spans }),
      ...normalizeTelemetry({ logs: [], spans: openinference.spans }),
    ];
    const events = await consumeEvents(bus, (e) => e.length >= expected.length, { settleMs: 1_000 });

    expect(events).toHaveLength(expected.length);
    expect(new Set(events.map((e) => e.eventId))).toEqual(new Set(expected.map((e) => e.eventId)));
    for (const want of expected) {
      const { partition: _partition, ...got } = events.find((e) => e.eventId === want.eventId)!;
      // The collector joins GenAI tool spans (no conversation id of their own) to their trace's conversation.
      expect(got).toEqual({ ...want, sessionId: got.sessionId });
      expect(got.workspace).toBe('acme');
    }
    expect(events.filter((e) => e.source === 'genai').every((e) => e.sessionId === 'exp-genai')).toBe(true);

    // In order per session: each session's events sit in one partition, in the order they were exported.
    for (const session of ['exp-codex', 'exp-claude', 'exp-gemini', 'exp-genai', 'exp-openinference']) {
      const got = events.filter((e) => e.sessionId === session);
      expect(got.length).toBeGreaterThan(1);
      expect(new Set(got.map((e) => e.partition)).size).toBe(1);
    }
    const order = (session: string, list: AgentEvent[]) =>
      list.filter((e) => e.sessionId === session).map((e) => e.eventId);
    expect(order('exp-codex', events)).toEqual(order('exp-codex', expected));
    expect(order('exp-gemini', events)).toEqual(order('exp-gemini', expected));
    expect(order('exp-openinference', events)).toEqual(order('exp-openinference', expected));
    const sequences = events
      .filter((e) => e.sessionId === 'exp-claude' && e.sequence !== undefined)
      .map((e) => e.sequence!);
    expect(sequences).toEqual([...sequences].sort((a, b) => a - b));

    const summary = collector.stats();
    expect(summary.accepted.logs + summary.accepted.traces).toBe(expected.length);
    expect(summary.rejected).toEqual({ traces: 0, logs: 0, metrics: 0 });
  });
});
