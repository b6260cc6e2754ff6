/**
 * Anything no known convention claims: kept as kind `other` with all its attributes, never dropped, so an
 * unknown agent (or a new vendor event) is still visible downstream.
 */
import type { OtlpLogRecord, OtlpSpan } from '../otlp/model.ts';
import { getText, toText } from './common.ts';
import {
  logEvent,
  spanEvent,
  spanFailureResult,
  type NormalizeContext,
  type Normalized,
} from './envelope.ts';

export function normalizeGenericLog(record: OtlpLogRecord, ctx: NormalizeContext): Normalized {
  const attrs = record.attributes;
  const sourceEvent = (record.eventName || getText(attrs, 'event.name')) ?? 'log';
  // A plain log line's content is its body; keep it beside the attributes under a key no vendor uses.
  const body = record.body === null ? undefined : toText(record.body);
  const fields = { kind: 'other' as const, sourceEvent, sessionId: getText(attrs, 'session.id') };
  return logEvent(record, ctx, 'generic', fields, body === undefined ? {} : { 'log.body': body });
}

export function normalizeGenericSpan(span: OtlpSpan, ctx: NormalizeContext): Normalized[] {
  // Kept as `other` even when it failed: only a known convention says what a failure means.
  const fields = {
    kind: 'other' as const,
    sourceEvent: span.name,
    sessionId: getText(span.attributes, 'session.id'),
    result: spanFailureResult(span),
  };
  return [spanEvent(span, ctx, 'generic', fields)];
}
