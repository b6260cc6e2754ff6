import { z } from 'zod';
import { keyedFingerprint } from '../schemas/secrets.ts';
import { parseIngestTokens } from '../schemas/ingest-tokens.ts';
import { defaultPrepareWorkers } from './prepare-pool.ts';

const port = (fallback: number) => z.coerce.number().int().min(0).max(65_535).default(fallback);
const bytes = (fallback: number) =>
  z.coerce
    .number()
    .int()
    .min(1_024)
    .max(1 << 30)
    .default(fallback);

/** The collector's settings, parsed once from the environment. */
export const CollectorConfig = z
  .object({
    /** Address both receivers bind; the embedded default stays on loopback. */
    WARDEN_OTLP_HOST: z.string().min(1).default('127.0.0.1'),
    WARDEN_OTLP_GRPC_PORT: port(4317),
    WARDEN_OTLP_HTTP_PORT: port(4318),
    /** Largest gRPC message, after decompression (grpc-go's and the OpenTelemetry Collector's default). */
    WARDEN_OTLP_GRPC_MAX_BYTES: bytes(4 << 20),
    /** Largest HTTP body, after decompression (the OpenTelemetry Collector's default). */
    WARDEN_OTLP_HTTP_MAX_BYTES: bytes(20 << 20),
    /** Above this many request bytes (after decompression) in progress, exports are answered "slow down". */
    WARDEN_OTLP_MAX_INFLIGHT_BYTES: bytes(64 << 20),
    /** A request must arrive whole (headers and body) within this time. */
    WARDEN_OTLP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
    /** Worker threads that prepare exports (decode, normalize, mask, pack); 0 prepares on the receivers' thread. */
    WARDEN_COLLECTOR_WORKERS: z.coerce.number().int().min(0).max(64).default(defaultPrepareWorkers),
    /** Days of events the store keeps (the store's own setting): older events are refused at intake. */
    WARDEN_EVENT_TTL_DAYS: z.coerce.number().int().min(0).max(36_500).default(90),
    /** `mask` (default): secrets are replaced by typed masks before reaching the bus; `clear` keeps them. */
    WARDEN_SECRETS_AT_REST: z.enum(['mask', 'clear']).default('mask'),
    /** Key of the masks' fingerprints: the same on every collector, so a secret is followed across them. */
    WARDEN_FINGERPRINT_KEY: z.string().min(32, 'use at least 32 characters').optional(),
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
  })
  .superRefine((c, ctx) => {
    if (c.WARDEN_SECRETS_AT_REST === 'mask' && !c.WARDEN_FINGERPRINT_KEY)
      ctx.addIssue({
        code: 'custom',
        path: ['WARDEN_FINGERPRINT_KEY'],
        message: 'required to mask secrets at rest (or set WARDEN_SECRETS_AT_REST=clear)',
      });
  })
  .transform((c) => ({
    ...c,
    secretFingerprint:
      c.WARDEN_SECRETS_AT_REST === 'mask' && c.WARDEN_FINGERPRINT_KEY
        ? keyedFingerprint(c.WARDEN_FINGERPRINT_KEY)
        : undefined,
  }));
export type CollectorConfig = z.infer<typeof CollectorConfig>;
