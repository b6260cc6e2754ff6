import { z } from 'zod';
import { parseIngestTokens } from './auth.ts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const bytes = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1_024)
    .max(1 << 30)
    .default(fallback);

/** The collector's settings, parsed once from the environment. */
export const CollectorConfig = z.object({
  /** Address both receivers bind; the embedded default stays on loopback. */
  WARDEN_OTLP_HOST: z.string().min(1).default('127.0.0.1'),
  WARDEN_OTLP_GRPC_PORT: port(4317),
  WARDEN_OTLP_HTTP_PORT: port(4318),
  /** Largest gRPC message, after decompression (grpc-go's and the OpenTelemetry Collector's default). */
  WARDEN_OTLP_GRPC_MAX_BYTES: bytes(4 << 20),
  /** Largest HTTP body, after decompression (the OpenTelemetry Collector's default). */
  WARDEN_OTLP_HTTP_MAX_BYTES: bytes(20 << 20),
  /** Above this many request bytes being processed at once, exports are answered "slow down". */
  WARDEN_OTLP_MAX_INFLIGHT_BYTES: bytes(64 << 20),
  /** `token=workspace,…`: who may send, and which workspace their data belongs to. */
  WARDEN_INGEST_TOKENS: z
    .string()
    .min(1, 'set at least one token=workspace')
    .transform((spec, ctx) => {
      try {
        return parseIngestTokens(spec);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    }),
});
export type CollectorConfig = z.infer<typeof CollectorConfig>;
