import { z } from 'zod';

/** Extra rule packs: comma-separated YAML files or folders (the built-in pack always loads). */
export const RulesPath = z
  .string()
  .optional()
  .transform((s) =>
    s
      ? s
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : [],
  );

/** The triage engine's settings, parsed once from the environment. */
export const TriageConfig = z
  .object({
    /** Kafka consumer group: triage workers sharing it split the topic's partitions. */
    WARDEN_TRIAGE_GROUP: z.string().min(1).default('warden-triage'),
    /**
     * Partitions whose batches one worker handles at once (their sessions differ): the engine judges one
     * batch while the store writes another. Each partition's batches stay in order.
     */
    WARDEN_TRIAGE_PARTITIONS_AT_ONCE: z.coerce.number().int().min(1).max(32).default(3),
    /** A session with no new event for this long is closed (its verdict stays; new events reopen it). */
    WARDEN_SESSION_IDLE_MS: z.coerce.number().int().min(1_000).max(86_400_000).default(300_000),
    /** Sessions kept in memory between batches; others are rebuilt from stored events when they return. */
    WARDEN_SESSION_CACHE: z.coerce.number().int().min(10).max(1_000_000).default(10_000),
    /** How often each worker reports bus lag and throughput to the store (`warden status`, Grafana). */
    WARDEN_HEALTH_INTERVAL_MS: z.coerce.number().int().min(1_000).max(3_600_000).default(15_000),
    WARDEN_RULES_PATH: RulesPath,
    /** The optional LLM judge: any OpenAI-compatible endpoint. Without a key Warden is fully deterministic. */
    OPENAI_API_KEY: z.string().min(1).optional(),
    OPENAI_BASE_URL: z.string().url().optional(),
    WARDEN_JUDGE_MODEL: z.string().min(1).default('gpt-4o-mini'),
    WARDEN_JUDGE_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(15_000),
    WARDEN_JUDGE_BUDGET_PER_HOUR: z.coerce.number().int().min(0).max(100_000).default(120),
  })
  .transform((c) => ({
    ...c,
    judge: c.OPENAI_API_KEY
      ? {
          apiKey: c.OPENAI_API_KEY,
          baseUrl: c.OPENAI_BASE_URL,
          model: c.WARDEN_JUDGE_MODEL,
          timeoutMs: c.WARDEN_JUDGE_TIMEOUT_MS,
          budgetPerHour: c.WARDEN_JUDGE_BUDGET_PER_HOUR,
        }
      : undefined,
  }));
export type TriageConfig = z.infer<typeof TriageConfig>;
