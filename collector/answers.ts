import type { CollectorError } from './errors.ts';
import type { ExportOutcome, Signal } from './ingest.ts';
import type { BodyEncoding } from './otlp/decode.ts';
import { otlpTypes } from './otlp/proto.ts';

const RESPONSE_TYPES = {
  traces: { type: 'ExportTraceServiceResponse', field: 'rejectedSpans' },
  logs: { type: 'ExportLogsServiceResponse', field: 'rejectedLogRecords' },
  metrics: { type: 'ExportMetricsServiceResponse', field: 'rejectedDataPoints' },
} as const;

/** The Export<Signal>ServiceResponse: `partial_success` only when something was rejected (OTLP §partial success). */
export function encodeExportResponse(
  signal: Signal,
  outcome: ExportOutcome,
  encoding: BodyEncoding,
): Uint8Array {
  const { type, field } = RESPONSE_TYPES[signal];
  const body =
    outcome.rejected > 0 || outcome.errorMessage
      ? { partialSuccess: { [field]: outcome.rejected, errorMessage: outcome.errorMessage } }
      : {};
  if (encoding === 'json') {
    // OTLP/JSON writes int64 as a decimal string.
    const json = body.partialSuccess
      ? { partialSuccess: { [field]: String(outcome.rejected), errorMessage: outcome.errorMessage } }
      : {};
    return Buffer.from(JSON.stringify(json));
  }
  const t = otlpTypes()[type];
  return t.encode(t.fromObject(body)).finish();
}

/** `google.rpc.Status` details for an error: RetryInfo on retryable errors, BadRequest on bad data. */
export function statusDetails(err: CollectorError): { typeUrl: string; value: Uint8Array; json: object }[] {
  const { RetryInfo, BadRequest } = otlpTypes();
  if (err.retryAfterSeconds !== undefined) {
    const info = { retryDelay: { seconds: err.retryAfterSeconds } };
    return [
      {
        typeUrl: 'type.googleapis.com/google.rpc.RetryInfo',
        value: RetryInfo.encode(RetryInfo.fromObject(info)).finish(),
        json: {
          '@type': 'type.googleapis.com/google.rpc.RetryInfo',
          retryDelay: `${err.retryAfterSeconds}s`,
        },
      },
    ];
  }
  if (err.code === 'DECODE_FAILED') {
    const br = { fieldViolations: [{ field: 'body', description: err.message }] };
    return [
      {
        typeUrl: 'type.googleapis.com/google.rpc.BadRequest',
        value: BadRequest.encode(BadRequest.fromObject(br)).finish(),
        json: { '@type': 'type.googleapis.com/google.rpc.BadRequest', ...br },
      },
    ];
  }
  return [];
}

/** The `google.rpc.Status` an OTLP failure answer carries, in the request's encoding. */
export function encodeRpcStatus(err: CollectorError, encoding: BodyEncoding): Uint8Array {
  const details = statusDetails(err);
  if (encoding === 'json') {
    return Buffer.from(
      JSON.stringify({ code: err.grpcStatus, message: err.message, details: details.map((d) => d.json) }),
    );
  }
  const { RpcStatus } = otlpTypes();
  const status = {
    code: err.grpcStatus,
    message: err.message,
    details: details.map(({ typeUrl, value }) => ({ typeUrl, value })),
  };
  return RpcStatus.encode(RpcStatus.fromObject(status)).finish();
}
