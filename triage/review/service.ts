/**
 * The pre-action review service: `reviewAction` over each session's context, kept in memory between the
 * reviews of a session. A session seen before is answered from memory at once; when its copy is older than
 * `WARDEN_REVIEW_CONTEXT_MS` it is read again in the background (a few reads at a time, one per session),
 * so a slow store delays how fresh the context is, never the answer. A session never seen is read first.
 */
import type { Logger } from 'pino';
import type { AgentEvent } from '../../schemas/agent-event.ts';
import type { PreActionReviewer } from '../../schemas/review.ts';
import type { Store } from '../../store/index.ts';
import { compareEvents } from '../engine.ts';
import { loadRulePacks } from '../rules/pack.ts';
import type { ActionCache } from '../session/context.ts';
import type { ReviewConfig } from './config.ts';
import { loadEgressPolicy } from './egress-policy.ts';
import { reviewAction } from './review.ts';

/** Sessions whose context is kept between reviews. */
const CACHED_SESSIONS = 1_000;
/** Context reads in flight behind answers, at most: queued reads would delay first reads of new sessions. */
const MAX_BACKGROUND_REFRESHES = 4;

interface SessionContext {
  events: AgentEvent[];
  fetchedAtMs: number;
  analyzed: ActionCache;
}

export async function startReviewService(
  config: ReviewConfig,
  deps: { store: Pick<Store, 'sessionEvents'>; logger: Logger },
): Promise<PreActionReviewer & { close(): Promise<void> }> {
  const pack = await loadRulePacks(config.WARDEN_RULES_PATH);
  const policyFor = loadEgressPolicy(config.WARDEN_REVIEW_POLICY);
  const sessions = new Map<string, SessionContext>();
  const refreshing = new Map<string, Promise<unknown>>();

  /** Reads a session's stored events again, keeping the decisions the store does not have yet. */
  const refresh = async (key: string, workspace: string, sessionId: string, nowMs: number) => {
    const stored = await deps.store.sessionEvents(workspace, sessionId);
    const ids = new Set(stored.map((e) => e.eventId));
    const cached = sessions.get(key);
    const pending = cached?.events.filter((e) => e.source === 'warden-review' && !ids.has(e.eventId)) ?? [];
    const fresh: SessionContext = {
      events: [...stored, ...pending].sort(compareEvents),
      fetchedAtMs: nowMs,
      analyzed: cached?.analyzed ?? new Map(),
    };
    sessions.set(key, fresh);
    if (sessions.size > CACHED_SESSIONS) sessions.delete(sessions.keys().next().value!);
    return fresh;
  };

  const contextFor = async (workspace: string, sessionId: string, nowMs: number) => {
    const key = `${workspace}/${sessionId}`;
    const cached = sessions.get(key);
    if (!cached) return refresh(key, workspace, sessionId, nowMs);
    sessions.delete(key);
    sessions.set(key, cached);
    if (
      nowMs - cached.fetchedAtMs > config.WARDEN_REVIEW_CONTEXT_MS &&
      !refreshing.has(key) &&
      refreshing.size < MAX_BACKGROUND_REFRESHES
    ) {
      const running = refresh(key, workspace, sessionId, nowMs)
        .catch((err: unknown) =>
          deps.logger.warn({ err, sessionId }, 'review context could not be refreshed'),
        )
        .finally(() => refreshing.delete(key));
      refreshing.set(key, running);
    }
    return cached;
  };

  return {
    async review(workspace, request, nowMs) {
      const context = await contextFor(workspace, request.sessionId, nowMs);
      const outcome = reviewAction(
        { pack, policyFor },
        workspace,
        request,
        context.events,
        nowMs,
        context.analyzed,
      );
      context.events.push(outcome.event);
      return outcome;
    },
    policy: policyFor,
    /** Waits for the context reads in flight (the store must outlive them). */
    close: async () => {
      await Promise.all(refreshing.values());
    },
  };
}
