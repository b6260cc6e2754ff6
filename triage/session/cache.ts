import type { AgentEvent } from '../../schemas/agent-event.ts';
import type { SessionState } from '../../schemas/findings.ts';
import type { ActionCache } from './context.ts';
import { compareEvents } from '../engine.ts';

/** One session's context between batches: its events in judging order, what each amounts to, last stored state. */
export class SessionWindow {
  private readonly ids = new Set<string>();
  events: AgentEvent[] = [];
  readonly analyzed: ActionCache = new Map();

  constructor(
    readonly workspace: string,
    readonly sessionId: string,
    public state: SessionState | undefined,
  ) {}

  /** Adds events not seen yet (replays and re-deliveries are ignored) and keeps the judging order. */
  add(events: AgentEvent[]) {
    const fresh = events.filter((e) => !this.ids.has(e.eventId) && this.ids.add(e.eventId));
    if (!fresh.length) return;
    const last = this.events[this.events.length - 1];
    const sorted = fresh.sort(compareEvents);
    // Most batches append in order; only out-of-order arrivals pay for a full sort.
    this.events =
      last && compareEvents(last, sorted[0]!) > 0
        ? [...this.events, ...sorted].sort(compareEvents)
        : [...this.events, ...sorted];
  }
}

/** Recently active sessions, least recently used evicted first; an evicted session is rebuilt from the store. */
export class SessionCache {
  private readonly windows = new Map<string, SessionWindow>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.windows.size;
  }

  get(key: string): SessionWindow | undefined {
    const w = this.windows.get(key);
    if (w) {
      this.windows.delete(key);
      this.windows.set(key, w);
    }
    return w;
  }

  delete(key: string): void {
    this.windows.delete(key);
  }

  create(key: string, workspace: string, sessionId: string, state: SessionState | undefined): SessionWindow {
    const w = new SessionWindow(workspace, sessionId, state);
    this.windows.set(key, w);
    if (this.windows.size > this.capacity) this.windows.delete(this.windows.keys().next().value!);
    return w;
  }
}
