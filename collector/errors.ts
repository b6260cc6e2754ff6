/** The gRPC status codes the collector answers with (google.rpc.Code). */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  RESOURCE_EXHAUSTED: 8,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;
type GrpcStatus = (typeof GrpcStatus)[keyof typeof GrpcStatus];

/** Error codes of the collector, each with its OTLP/HTTP status and its OTLP/gRPC status. */
export const COLLECTOR_ERRORS = {
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED, retryable: false },
  DECODE_FAILED: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { http: 415, grpc: GrpcStatus.INVALID_ARGUMENT, retryable: false },
  PAYLOAD_TOO_LARGE: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: false },
  /** Too much data in flight: the client should slow down (429 / RESOURCE_EXHAUSTED with RetryInfo). */
  OVERLOADED: { http: 429, grpc: GrpcStatus.RESOURCE_EXHAUSTED, retryable: true },
  /** The bus cannot take data: nothing was acknowledged, retry later (503 / UNAVAILABLE with RetryInfo). */
  BUS_UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE, retryable: true },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL, retryable: false },
} as const;
export type CollectorErrorCode = keyof typeof COLLECTOR_ERRORS;

export class CollectorError extends Error {
  override readonly name = 'CollectorError';
  constructor(
    readonly code: CollectorErrorCode,
    message: string,
    /** Set on retryable errors: how long the client should wait. */
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get httpStatus(): number {
    return COLLECTOR_ERRORS[this.code].http;
  }

  get grpcStatus(): GrpcStatus {
    return COLLECTOR_ERRORS[this.code].grpc;
  }
}

/** Any failure as a CollectorError: unknown ones become INTERNAL, keeping the original as the cause. */
export function toCollectorError(err: unknown): CollectorError {
  return err instanceof CollectorError
    ? err
    : new CollectorError('INTERNAL', 'internal error', undefined, { cause: err });
}
