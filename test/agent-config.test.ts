/**
 * `warden agent-config` against the real collector: for each agent and protocol, the printed configuration is
 * parsed the way the agent reads it (TOML for Codex, JSON for Claude Code and Gemini CLI, shell variables),
 * an official OpenTelemetry JS exporter is configured exactly as the agent would configure its own, and what it
 * exports must be accepted and reach Kafka attributed to the token's workspace. A wrong token is refused.
 *
 * Environment-configured agents (Claude Code, Gemini CLI's token, any OTel SDK) get exporters built from
 * `OTEL_EXPORTER_OTLP_*` alone: the variables are set in process.env, the exporter is constructed with no
 * url or headers (it reads them then), and the environment is restored.
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
import { parse as parseToml } from 'smol-toml';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Bus, BusSubscription } from '../bus/index.ts';
import { renderAgentConfig, type AgentId, type Protocol } from '../cli/agent-config.ts';
import type { CollectorHandle } from '../collector/index.ts';
import { decodeAgentEventBatch, type AgentEvent } from '../schemas/agent-event.ts';
import {
  claudeCodeSession,
  codexSession,
  fixtureHexId,
  geminiCliSession,
  genAiSession,
  msToNs,
  recordSpans,
  type ReadableLogRecord,
  type ReadableSpan,
} from './fixtures/agents/index.ts';
import { normalizeTelemetry } from './helpers/events.ts';
import { openKafkaBus, startTestCollector, TOKENS, uniqueName, waitFor } from './helpers/pipeline.ts';
import { printedSnippets, shellEnv } from './helpers/printed-config.ts';

interface Exporter<T> {
  export(items: T[], done: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}
type LogExporter = Exporter<ReadableLogRecord>;
type TraceExporter = Exporter<ReadableSpan>;

async function exportOnce<T>(exporter: Exporter<T>, items: T[]): Promise<ExportResult> {
  const result = await new Promise<ExportResult>((resolve) => exporter.export(items, resolve));
  await exporter.shutdown();
  return result;
}

/** The snippets of a printed configuration in one language, in order. */
const snippets = (output: string, language: string): string[] =>
  printedSnippets(output)
    .filter((s) => s.language === language)
    .map((s) => s.text);

/** Runs `build` with exactly `env` as the OTEL_* environment (nothing inherited), then restores it. */
function withOtelEnv<T>(env: Record<string, string>, build: () => T): T {
  const saved = Object.entries(process.env).filter(([k]) => k.startsWith('OTEL_'));
  for (const [k] of saved) delete process.env[k];
  Object.assign(process.env, env);
  try {
    return build();
  } finally {
    for (const k of Object.keys(env)) delete process.env[k];
    for (const [k, v] of saved) process.env[k] = v;
  }
}

/** What an OpenTelemetry JS SDK builds for OTEL_EXPORTER_OTLP_PROTOCOL, reading url and headers from the env. */
function envLogExporter(protocol: string): LogExporter {
  if (protocol === 'grpc') return new GrpcLogExporter();
  if (protocol === 'http/protobuf') return new ProtoLogExporter();
  if (protocol === 'http/json') return new HttpJsonLogExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}`);
}
function envTraceExporter(protocol: string): TraceExporter {
  if (protocol === 'grpc') return new GrpcTraceExporter();
  if (protocol === 'http/protobuf') return new ProtoTraceExporter();
  if (protocol === 'http/json') return new HttpJsonTraceExporter();
  throw new Error(`OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}`);
}

// ---------------------------------------------------------------------------------------------------------
// Each agent's reading of its printed configuration.

interface CodexOtlp {
  endpoint: string;
  protocol?: 'binary' | 'json';
  headers?: Record<string, string>;
}
type CodexExporterKind = { 'otlp-http': CodexOtlp } | { 'otlp-grpc': CodexOtlp };

/** Codex's `OtelExporterKind` as the Rust exporter wires it: `otlp-http` (binary | json) or `otlp-grpc`. */
function codexExporters(output: string) {
  const [toml] = snippets(output, 'toml');
  const { otel } = parseToml(toml!) as unknown as {
    otel: { log_user_prompt?: boolean; exporter: CodexExporterKind; trace_exporter: CodexExporterKind };
  };
  const build = <E>(
    kind: CodexExporterKind,
    ctors: { grpc: new (c: object) => E; proto: new (c: object) => E; json: new (c: object) => E },
  ): E =>
    // No OTEL_* variable may leak in: Codex reads only its TOML.
    withOtelEnv({}, () => {
      if ('otlp-grpc' in kind) {
        const metadata = new Metadata();
        for (const [k, v] of Object.entries(kind['otlp-grpc'].headers ?? {})) metadata.set(k, v);
        return new ctors.grpc({ url: kind['otlp-grpc'].endpoint, metadata });
      }
      const http = kind['otlp-http'];
      const Ctor = http.protocol === 'json' ? ctors.json : ctors.proto;
      return new Ctor({ url: http.endpoint, headers: http.headers ?? {} });
    });
  return {
    logUserPrompt: otel.log_user_prompt,
    logs: build<LogExporter>(otel.exporter, {
      grpc: GrpcLogExporter,
      proto: ProtoLogExporter,
      json: HttpJsonLogExporter,
    }),
    traces: build<TraceExporter>(otel.trace_exporter, {
      grpc: GrpcTraceExporter,
      proto: ProtoTraceExporter,
      json: HttpJsonTraceExporter,
    }),
  };
}

/** Claude Code applies the managed settings' `env` and its OpenTelemetry JS SDK reads OTEL_EXPORTER_OTLP_*. */
function claudeCodeLogExporter(output: string): LogExporter {
  const [json] = snippets(output, 'json');
  const { env } = JSON.parse(json!) as { env: Record<string, string> };
  expect(env.CLAUDE_CODE_ENABLE_TELEMETRY).toBe('1');
  expect(env.OTEL_LOGS_EXPORTER).toBe('otlp');
  return withOtelEnv(env, () => envLogExporter(env.OTEL_EXPORTER_OTLP_PROTOCOL!));
}

/**
 * Gemini CLI (packages/core/src/telemetry/sdk.ts): `grpc` → the gRPC exporter at the endpoint's origin, gzip;
 * `http` → the OTLP/HTTP JSON exporter at `<otlpEndpoint>/v1/logs`. It passes no headers: the exporter
 * reads OTEL_EXPORTER_OTLP_HEADERS from the environment the second snippet sets.
 */
function geminiLogExporter(output: string): LogExporter {
  const [json] = snippets(output, 'json');
  const [sh] = snippets(output, 'sh');
  const { telemetry } = JSON.parse(json!) as {
    telemetry: {
      enabled: boolean;
      target: string;
      otlpEndpoint: string;
      otlpProtocol: string;
      logPrompts: boolean;
    };
  };
  expect(telemetry).toMatchObject({ enabled: true, target: 'local', logPrompts: true });
  return withOtelEnv(shellEnv(sh!), () => {
    if (telemetry.otlpProtocol === 'grpc')
      return new GrpcLogExporter({
        url: new URL(telemetry.otlpEndpoint).origin,
        compression: CompressionAlgorithm.GZIP,
      });
    expect(telemetry.otlpProtocol).toBe('http');
    const url = new URL(telemetry.otlpEndpoint);
    url.pathname = [url.pathname.replace(/\/$/, ''), 'v1/logs'].join('/');
    return new HttpJsonLogExporter({ url: url.href });
  });
}

/** Any OpenTelemetry SDK: everything from the environment. */
function otelSdkExporters(output: string): { logs: LogExporter; traces: TraceExporter } {
  const [sh] = snippets(output, 'sh');
  const env = shellEnv(sh!);
  expect(env).toMatchObject({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_LOGS_EXPORTER: 'otlp' });
  return withOtelEnv(env, () => ({
    logs: envLogExporter(env.OTEL_EXPORTER_OTLP_PROTOCOL!),
    traces: envTraceExporter(env.OTEL_EXPORTER_OTLP_PROTOCOL!),
  }));
}

// ---------------------------------------------------------------------------------------------------------

describe('warden agent-config → the printed configuration → official OTel exporters → collector → Kafka', () => {
  let bus: Bus;
  let collector: CollectorHandle;
  let subscription: BusSubscription;
  const events: AgentEvent[] = [];

  beforeAll(async () => {
    bus = await openKafkaBus(inject('kafkaBrokers'));
    collector = await startTestCollector(bus);
    subscription = await bus.subscribe(uniqueName('agent-config'), async (batch) => {
      for (const m of batch.messages) events.push(...decodeAgentEventBatch(m.value));
    });
  });
  afterAll(async () => {
    await subscription?.close();
    await collector?.close();
    await bus?.close();
  });

  const endpointFor = (protocol: Protocol) =>
    protocol === 'grpc' ? `http://127.0.0.1:${collector.grpcPort}` : `http://127.0.0.1:${collector.httpPort}`;
  const render = (agent: AgentId, protocol: Protocol, token: string = TOKENS.acme) =>
    renderAgentConfig(agent, { endpoint: endpointFor(protocol), token, protocol });

  /** Waits until `count` events matching `match` are on the bus, then checks their workspace. */
  async function arrived(match: (e: AgentEvent) => boolean, count: number, what: string) {
    const got = await waitFor(
      () => {
        const found = events.filter(match);
        return found.length >= count ? found : undefined;
      },
      30_000,
      what,
    );
    expect(got).toHaveLength(count);
    for (const e of got) expect(e.workspace).toBe('acme');
    return got;
  }

  function expectSuccess(result: ExportResult, what: string) {
    expect(result.code, `${what}: ${result.error?.message ?? ''}`).toBe(ExportResultCode.SUCCESS);
  }

  it.each(['http/protobuf', 'http/json', 'grpc'] as const)(
    'Codex over %s: logs and a span',
    async (protocol) => {
      const output = render('codex', protocol);
      const exporters = codexExporters(output);
      expect(exporters.logUserPrompt).toBe(true);

      const session = codexSession({ conversationId: `cfg-codex-${protocol}`, logUserPrompt: true });
      const traceId = fixtureHexId(`cfg-codex-span-${protocol}`, 32);
      const spans = recordSpans({ 'service.name': 'codex_cli_rs' }, { name: 'codex_otel' }, [
        {
          name: 'session_loop',
          traceId,
          spanId: fixtureHexId(`cfg-codex-span-${protocol}`, 16),
          startNs: msToNs(Date.now() - 1_000),
          endNs: msToNs(Date.now()),
          attributes: { 'conversation.id': `cfg-codex-${protocol}` },
        },
      ]);
      const mirrorsBefore = collector.stats().dropped.mirror ?? 0;
      expectSuccess(await exportOnce(exporters.logs, session.logs), 'codex logs');
      expectSuccess(await exportOnce(exporters.traces, spans), 'codex traces');

      const expected = normalizeTelemetry({ logs: session.logs, spans: [] });
      const got = await arrived(
        (e) => e.sessionId === `cfg-codex-${protocol}`,
        expected.length,
        'codex logs',
      );
      expect(new Set(got.map((e) => e.eventId))).toEqual(new Set(expected.map((e) => e.eventId)));
      expect(got.some((e) => e.kind === 'prompt' && e.prompt?.text)).toBe(true);
      // Codex's spans copy its log events: the collector takes them and keeps none (counted, not sessions).
      await expect.poll(() => collector.stats().dropped.mirror ?? 0).toBeGreaterThan(mirrorsBefore);
      expect(events.filter((e) => e.traceId === traceId)).toEqual([]);
    },
  );

  it.each(['grpc', 'http/protobuf', 'http/json'] as const)('Claude Code over %s', async (protocol) => {
    const exporter = claudeCodeLogExporter(render('claude-code', protocol));
    const session = claudeCodeSession({ sessionId: `cfg-claude-${protocol}` });
    expectSuccess(await exportOnce(exporter, session.logs), 'claude code logs');
    const expected = normalizeTelemetry({ logs: session.logs, spans: [] });
    await arrived((e) => e.sessionId === `cfg-claude-${protocol}`, expected.length, 'claude code events');
  });

  it.each(['grpc', 'http/json'] as const)('Gemini CLI over %s', async (protocol) => {
    const exporter = geminiLogExporter(render('gemini-cli', protocol));
    const session = geminiCliSession({ sessionId: `cfg-gemini-${protocol}` });
    expectSuccess(await exportOnce(exporter, session.logs), 'gemini cli logs');
    const expected = normalizeTelemetry({ logs: session.logs, spans: [] });
    await arrived((e) => e.sessionId === `cfg-gemini-${protocol}`, expected.length, 'gemini cli events');
  });

  it.each(['http/protobuf', 'http/json', 'grpc'] as const)(
    'an OpenTelemetry SDK (GenAI) over %s: spans and log events',
    async (protocol) => {
      const exporters = otelSdkExporters(render('otel-sdk', protocol));
      const session = genAiSession({ conversationId: `cfg-genai-${protocol}`, inferenceDetailsEvents: true });
      expect(session.logs.length).toBeGreaterThan(0);
      expectSuccess(await exportOnce(exporters.traces, session.spans), 'genai spans');
      expectSuccess(await exportOnce(exporters.logs, session.logs), 'genai log events');
      const expected = normalizeTelemetry(session);
      await arrived((e) => e.sessionId === `cfg-genai-${protocol}`, expected.length, 'genai events');
    },
  );

  it('refuses an export configured with a wrong token, over OTLP/HTTP and gRPC', async () => {
    const wrong = 'tok-wrong-0123456789abcdef';
    const http = claudeCodeLogExporter(render('claude-code', 'http/protobuf', wrong));
    const grpc = codexExporters(render('codex', 'grpc', wrong)).logs;
    for (const [exporter, what] of [
      [http, 'http'],
      [grpc, 'grpc'],
    ] as const) {
      const session = claudeCodeSession({ sessionId: `cfg-wrong-${what}` });
      const result = await exportOnce(exporter, session.logs);
      expect(result.code, what).toBe(ExportResultCode.FAILED);
    }
    expect(events.filter((e) => e.sessionId.startsWith('cfg-wrong-'))).toEqual([]);
  });
});
