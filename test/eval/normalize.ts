/**
 * What the collector makes of evaluation telemetry: serialize with the SDK serializers → decode with the
 * collector's decoder → normalize. Rejections are returned, not thrown, so a test can report all of them.
 */
import { normalizeLogRecord, normalizeSpan } from '../../collector/normalize/index.ts';
import {
  decodeExportLogsRequest,
  decodeExportTraceRequest,
  type BodyEncoding,
} from '../../collector/otlp/decode.ts';
import type { AgentEvent } from '../../schemas/agent-event.ts';
import { toOtlpLogsRequest, toOtlpTraceRequest, type AgentTelemetry } from '../fixtures/agents/index.ts';

export interface NormalizedTelemetry {
  events: AgentEvent[];
  /** Decoder and normalizer rejections, each with where it happened. */
  rejections: string[];
}

export function normalizeTelemetry(
  telemetry: AgentTelemetry,
  encoding: BodyEncoding = 'protobuf',
  workspace = 'eval',
): NormalizedTelemetry {
  const rejections: string[] = [];
  const logs = telemetry.logs.length
    ? decodeExportLogsRequest(toOtlpLogsRequest(telemetry.logs, encoding), encoding)
    : undefined;
  const spans = telemetry.spans.length
    ? decodeExportTraceRequest(toOtlpTraceRequest(telemetry.spans, encoding), encoding)
    : undefined;
  for (const r of logs?.rejections ?? []) rejections.push(`decode logs: ${r.reason}`);
  for (const r of spans?.rejections ?? []) rejections.push(`decode spans: ${r.reason}`);
  const ctx = { workspace };
  const events: AgentEvent[] = [];
  const results = [
    ...(logs?.records ?? []).map((record) => normalizeLogRecord(record, ctx)),
    ...(spans?.records ?? []).flatMap((span) => normalizeSpan(span, ctx)),
  ];
  for (const result of results) {
    if (result.ok) events.push(result.event);
    else rejections.push(`normalize: ${result.reason}`);
  }
  return { events, rejections };
}
