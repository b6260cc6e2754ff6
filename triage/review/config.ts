import { z } from 'zod';
import { RulesPath } from '../config.ts';

/** The pre-action review's settings, parsed once from the environment (by the process serving the API). */
export const ReviewConfig = z.object({
  /** The egress policy per workspace (YAML, see egress-policy.ts); without it, the built-in defaults. */
  WARDEN_REVIEW_POLICY: z.string().min(1).optional(),
  /** How old a session's context read from the store may be before a review reads it again (in the background). */
  WARDEN_REVIEW_CONTEXT_MS: z.coerce.number().int().min(0).max(60_000).default(1_000),
  /** Extra rule packs, as triage loads them: the review judges with the same rules. */
  WARDEN_RULES_PATH: RulesPath,
});
export type ReviewConfig = z.infer<typeof ReviewConfig>;
