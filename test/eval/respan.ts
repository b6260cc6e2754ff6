/**
 * Rewriting a fixture session's spans: each turn's spans (one trace per turn, as every builder records them)
 * go through a transform as `SpanSpec`s and are recorded again through the real SDK, so the result is what an
 * exporter would send. Used for what the fixture builders do not model (one model call per tool step, the
 * agent's reply text).
 */
import type { Attributes, HrTime } from '@opentelemetry/api';
import {
  recordSpans,
  type AgentTelemetry,
  type ReadableSpan,
  type SpanSpec,
} from '../fixtures/agents/index.ts';

export const hrToNs = ([seconds, nanos]: HrTime): bigint => BigInt(seconds) * 1_000_000_000n + BigInt(nanos);

export const byStart = (a: SpanSpec, b: SpanSpec) =>
  a.startNs < b.startNs ? -1 : a.startNs > b.startNs ? 1 : 0;

export function toSpec(span: ReadableSpan): SpanSpec {
  const { traceId, spanId } = span.spanContext();
  const parentSpanId = span.parentSpanContext?.spanId;
  return {
    name: span.name,
    kind: span.kind,
    traceId,
    spanId,
    ...(parentSpanId !== undefined && { parentSpanId }),
    startNs: hrToNs(span.startTime),
    endNs: hrToNs(span.endTime),
    attributes: { ...span.attributes },
    events: span.events.map((e) => ({
      name: e.name,
      timeNs: hrToNs(e.time),
      attributes: e.attributes ?? {},
    })),
    status: {
      code: span.status.code as 0 | 1 | 2,
      ...(span.status.message !== undefined && { message: span.status.message }),
    },
  };
}

/** Applies `transform` to each turn's spans (traces in order of their first span) and re-records them. */
export function rewriteTurns(
  telemetry: AgentTelemetry,
  transform: (turnSpans: SpanSpec[], turn: number) => SpanSpec[],
): AgentTelemetry {
  const first = telemetry.spans[0];
  if (first === undefined) return telemetry;
  const turns = new Map<string, SpanSpec[]>();
  for (const spec of telemetry.spans.map(toSpec).sort(byStart)) {
    const spans = turns.get(spec.traceId) ?? [];
    spans.push(spec);
    turns.set(spec.traceId, spans);
  }
  const specs = [...turns.values()].flatMap((spans, turn) => transform(spans, turn));
  const resource: Attributes = { ...first.resource.attributes };
  const scope = first.instrumentationScope;
  const spans = recordSpans(
    resource,
    { name: scope.name, ...(scope.version !== undefined && { version: scope.version }) },
    specs,
  );
  return { logs: telemetry.logs, spans };
}
