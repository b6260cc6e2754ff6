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

/**
 * What the collector makes of fixture telemetry: serialize with the SDK serializers → decode with the
 * collector's decoder → normalize. Rejections are returned, not thrown, so a test can report all of them.
 */
export function decodeAndNormalize(
  telemetry: AgentTelemetry,
  workspace: string,
  encoding: BodyEncoding = 'protobuf',
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
    ...(logs?.records ?? []).flatMap((record) => normalizeLogRecord(record, ctx)),
    ...(spans?.records ?? []).flatMap((span) => normalizeSpan(span, ctx)),
  ];
  for (const result of results) {
    if (result.ok === true) events.push(result.event);
    else if (result.ok === false) rejections.push(`normalize: ${result.reason}`);
  }
  return { events, rejections };
}

/** {@link decodeAndNormalize} for fixtures that must go through whole: any rejection throws. */
export function normalizeTelemetry(
  telemetry: AgentTelemetry,
  workspace = 'acme',
  encoding: BodyEncoding = 'protobuf',
): AgentEvent[] {
  const { events, rejections } = decodeAndNormalize(telemetry, workspace, encoding);
  if (rejections.length) throw new Error(`fixture rejected: ${rejections[0]}`);
  return events;
}
