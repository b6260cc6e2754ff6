import { normalizeLogRecord, normalizeSpan } from '../../collector/normalize/index.ts';
import {
  decodeExportLogsRequest,
  decodeExportTraceRequest,
  type BodyEncoding,
} from '../../collector/otlp/decode.ts';
import type { AgentEvent } from '../../schemas/agent-event.ts';
import { toOtlpLogsRequest, toOtlpTraceRequest, type AgentTelemetry } from '../fixtures/agents/index.ts';

/** What the collector makes of fixture telemetry: serialize → decode → normalize; any rejection throws. */
export function normalizeTelemetry(
  telemetry: AgentTelemetry,
  workspace = 'acme',
  encoding: BodyEncoding = 'protobuf',
): AgentEvent[] {
  const logs = telemetry.logs.length
    ? decodeExportLogsRequest(toOtlpLogsRequest(telemetry.logs, encoding), encoding)
    : undefined;
  const spans = telemetry.spans.length
    ? decodeExportTraceRequest(toOtlpTraceRequest(telemetry.spans, encoding), encoding)
    : undefined;
  const rejected = [...(logs?.rejections ?? []), ...(spans?.rejections ?? [])];
  if (rejected.length) throw new Error(`fixture rejected by the decoder: ${rejected[0]!.reason}`);
  const ctx = { workspace };
  return [
    ...(logs?.records ?? []).map((r) => normalizeLogRecord(r, ctx)),
    ...(spans?.records ?? []).flatMap((s) => normalizeSpan(s, ctx)),
  ].map((r) => {
    if (!r.ok) throw new Error(`fixture rejected by the normalizer: ${r.reason}`);
    return r.event;
  });
}
