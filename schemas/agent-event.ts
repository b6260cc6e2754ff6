import { z } from 'zod';

/** Version of the AgentEvent envelope carried on the bus; bumped on any breaking change. */
export const AGENT_EVENT_SCHEMA_VERSION = 1;

/** Which telemetry convention a record was read with. */
export const EVENT_SOURCES = [
  'codex',
  'claude_code',
  'gemini_cli',
  'genai',
  'openinference',
  'generic',
  // Warden's own pre-action review decisions, recorded in the session they were made for.
  'warden-review',
] as const;
export const EventSource = z.enum(EVENT_SOURCES);
export type EventSource = z.infer<typeof EventSource>;

/**
 * What happened, independent of the vendor.
 * - `tool_call`: the model asked for a tool (arguments, no outcome yet).
 * - `tool_result`: a tool ran; carries the arguments too when the source sends them on the same record
 *   (Codex, Claude Code, Gemini CLI, GenAI `execute_tool`, OpenInference TOOL spans all do).
 * - `tool_output`: what a tool returned, reported apart from its call (Claude Code's trace event
 *   `tool.output`, Gemini CLI's function responses in the next model request); triage joins it to the call.
 */
export const EVENT_KINDS = [
  'session_start',
  'prompt',
  'model_call',
  'tool_call',
  'tool_result',
  'tool_output',
  'approval_decision',
  'policy_change',
  'error',
  'other',
] as const;
export const EventKind = z.enum(EVENT_KINDS);
export type EventKind = z.infer<typeof EventKind>;

/** Approval outcome, normalized across vendors (`approved*`/`accept`/`auto_accept` → allow, …). */
export const Decision = z.enum(['allow', 'deny', 'modify', 'abort', 'timeout', 'unknown']);
export type Decision = z.infer<typeof Decision>;

/**
 * Who says the event's person is who it is: the agent itself (an account it is signed in with), the fleet
 * (resource attributes a device management tool sets, e.g. `OTEL_RESOURCE_ATTRIBUTES=enduser.id=…`), or
 * the ingest token the telemetry came with (one token per person).
 */
export const IdentitySource = z.enum(['agent', 'fleet', 'ingest-token']);
export type IdentitySource = z.infer<typeof IdentitySource>;

export const Actor = z.object({
  /** The person: an e-mail, account or end-user id. Absent when nothing names one (unattributed). */
  userId: z.string().optional(),
  email: z.string().optional(),
  accountId: z.string().optional(),
  organizationId: z.string().optional(),
  /** Where `userId` / `email` / `accountId` came from; absent when no person is named. */
  identitySource: IdentitySource.optional(),
  /** An install or device id (Claude Code's hashed `user.id`, Gemini CLI's `installation.id`): not a person. */
  installationId: z.string().optional(),
  host: z.string().optional(),
});
export type Actor = z.infer<typeof Actor>;

export const Agent = z.object({
  /** Resource `service.name` (e.g. `codex_cli_rs`, `claude-code`, `gemini-cli`). */
  name: z.string(),
  version: z.string().optional(),
});

export const Prompt = z.object({
  /** Null when the agent redacted it (`[REDACTED]`, `<REDACTED>`) or did not send it. */
  text: z.string().nullable(),
  redacted: z.boolean(),
  length: z.number().int().nonnegative().optional(),
});

export const Tool = z.object({
  name: z.string(),
  callId: z.string().optional(),
  /** The raw argument string as the agent sent it (usually JSON). */
  arguments: z.string().optional(),
  /** Set when `arguments` was cut to fit the bus (256 KiB). */
  argumentsTruncated: z.boolean().optional(),
  /** For shell tools: the command line, extracted from the vendor's argument shape. */
  command: z.string().optional(),
  mcpServer: z.string().optional(),
});

export const Result = z.object({
  /** From the strongest evidence: an exit code the tool reported beats a vendor's `success` flag. */
  success: z.boolean().optional(),
  /** The process exit code, when the source reports one (in its output or metadata). */
  exitCode: z.number().int().optional(),
  output: z.string().optional(),
  outputTruncated: z.boolean().optional(),
  error: z.string().optional(),
  durationMs: z.number().nonnegative().optional(),
});

export const DecisionInfo = z.object({
  decision: Decision,
  /** The vendor's own word (`approved_for_session`, `reject`, …). */
  raw: z.string(),
  /** Who decided: `config`, `user`, `hook`, `automated_reviewer`, … */
  source: z.string().optional(),
});
export type DecisionInfo = z.infer<typeof DecisionInfo>;

/** Decisions that stop a call before it runs: what follows is an attempt, never an action that happened. */
const BLOCKING_DECISIONS: ReadonlySet<Decision> = new Set(['deny', 'abort', 'timeout']);
export const blocksCall = (d: DecisionInfo | undefined): boolean =>
  d !== undefined && BLOCKING_DECISIONS.has(d.decision);

export const Policy = z.object({
  approval: z.string().optional(),
  sandbox: z.string().optional(),
});

/** One canonical event: what every normalizer produces and what the bus carries. */
/** How one session serves another: `reviewer`, an approval review of the linked session. */
export const LINK_RELATIONS = ['reviewer'] as const;
export const SessionLink = z.object({ sessionId: z.string().min(1), relation: z.enum(LINK_RELATIONS) });
export type SessionLink = z.infer<typeof SessionLink>;

export const AgentEvent = z.object({
  schemaVersion: z.literal(AGENT_EVENT_SCHEMA_VERSION),
  /** Deterministic: the same OTLP record from the same workspace always gets the same id (de-duplication). */
  eventId: z.string().regex(/^[0-9a-f]{32}$/),
  workspace: z.string().min(1),
  sessionId: z.string().min(1),
  /** True when the record carried no session id and `sessionId` was derived from its trace id. */
  sessionIdDerived: z.boolean(),
  /** Vendor ordering within a session (`event.sequence`), when sent. */
  sequence: z.number().int().optional(),
  /** Event time as nanoseconds since the epoch (decimal string: int64 does not fit a JSON number). */
  timeUnixNano: z.string().regex(/^\d+$/),
  source: EventSource,
  /** The vendor's event name (`codex.tool_result`, `claude_code.tool_decision`, span name, …). */
  sourceEvent: z.string(),
  kind: EventKind,
  actor: Actor,
  agent: Agent,
  promptId: z.string().optional(),
  traceId: z.string().optional(),
  spanId: z.string().optional(),
  parentSpanId: z.string().optional(),
  model: z.string().optional(),
  prompt: Prompt.optional(),
  tool: Tool.optional(),
  result: Result.optional(),
  decision: DecisionInfo.optional(),
  policy: Policy.optional(),
  /** This session is the approval reviewer of another (Codex's automatic reviewer runs as its own conversation). */
  link: SessionLink.optional(),
  /**
   * Every attribute of the record and its resource, flattened to strings (resource keys prefixed `resource.`).
   * An attribute whose value is already a field of the event (a tool's arguments or output, a prompt) keeps
   * its key with a reference, `[= result.output]`, instead of a second copy of the text.
   */
  attributes: z.record(z.string(), z.string()),
});
export type AgentEvent = z.infer<typeof AgentEvent>;

/**
 * One bus message: consecutive events of one session from one export. Grouping matters for throughput:
 * a Kafka record per event costs the producer about 2.5x the CPU of one record per group (see bench/).
 */
export const AgentEventBatch = z.object({
  schemaVersion: z.literal(AGENT_EVENT_SCHEMA_VERSION),
  events: z.array(AgentEvent).min(1),
});
export type AgentEventBatch = z.infer<typeof AgentEventBatch>;

const BATCH_HEAD = `{"schemaVersion":${AGENT_EVENT_SCHEMA_VERSION},"events":[`;
const BATCH_TAIL = ']}';

/** Largest bus message: room for the Kafka record overhead under the broker's 1 MB default message size. */
export const AGENT_EVENT_BATCH_MAX_BYTES = 900_000;

/**
 * Packs events of one session (in order) into AgentEventBatch messages of at most `maxBytes` each.
 * Returns the indexes of events too large to fit any message on their own.
 */
export function packAgentEventBatches(
  events: AgentEvent[],
  maxBytes: number,
): { batches: Buffer[]; oversized: number[] } {
  return packAgentEventJson(
    events.map((e) => JSON.stringify(e)),
    maxBytes,
  );
}

/** Like {@link packAgentEventBatches}, for events already serialized (each `JSON.stringify` of an AgentEvent). */
export function packAgentEventJson(
  events: string[],
  maxBytes: number,
): { batches: Buffer[]; oversized: number[] } {
  const batches: Buffer[] = [];
  const oversized: number[] = [];
  let parts: string[] = [];
  let size = BATCH_HEAD.length + BATCH_TAIL.length;
  const flush = () => {
    if (parts.length) batches.push(Buffer.from(BATCH_HEAD + parts.join(',') + BATCH_TAIL, 'utf8'));
    parts = [];
    size = BATCH_HEAD.length + BATCH_TAIL.length;
  };
  events.forEach((json, i) => {
    const bytes = Buffer.byteLength(json, 'utf8') + 1;
    if (BATCH_HEAD.length + BATCH_TAIL.length + bytes > maxBytes) {
      oversized.push(i);
      return;
    }
    if (size + bytes > maxBytes) flush();
    parts.push(json);
    size += bytes;
  });
  flush();
  return { batches, oversized };
}

/** Parses and validates a bus message: the bus is a trust boundary for the services that consume it. */
export function decodeAgentEventBatch(value: Buffer): AgentEvent[] {
  return AgentEventBatch.parse(JSON.parse(value.toString('utf8'))).events;
}

/** A bus message read event by event: one invalid event does not take its neighbours down with it. */
export interface ReadBatch {
  events: AgentEvent[];
  /** Events that failed validation, as they were, with the reason. */
  invalid: { raw: unknown; error: string }[];
}

/** A batch's envelope, its events still unread. Built once: zod compiles a schema on its first use. */
const BatchEnvelope = AgentEventBatch.extend({ events: z.array(z.unknown()) });

/** Like {@link decodeAgentEventBatch}, but validates each event alone. Throws only when the envelope is unreadable. */
export function readAgentEventBatch(value: Buffer): ReadBatch {
  const envelope = BatchEnvelope.parse(JSON.parse(value.toString('utf8')));
  const read: ReadBatch = { events: [], invalid: [] };
  for (const raw of envelope.events) {
    const parsed = AgentEvent.safeParse(raw);
    if (parsed.success) read.events.push(parsed.data);
    else read.invalid.push({ raw, error: z.prettifyError(parsed.error) });
  }
  return read;
}

/** Topic of canonical agent events on Kafka (`<domain>.<entity>.v<N>`). */
export const AGENT_EVENTS_TOPIC = 'warden.agent-events.v1';

/** Bus key: every event of one session lands in one partition, in order. */
export function agentEventKey(event: Pick<AgentEvent, 'workspace' | 'sessionId'>): string {
  return `${event.workspace}/${event.sessionId}`;
}
