/**
 * The parts of an AgentEvent every source fills the same way (id, session, time, actor, agent, attributes)
 * and its validation, so source modules only map their own fields.
 */
import {
  AGENT_EVENT_SCHEMA_VERSION,
  type AgentEvent,
  type Actor,
  type EventKind,
  type EventSource,
} from '../../schemas/agent-event.ts';
import type { Attributes, OtlpLogRecord, OtlpSpan, Resource } from '../otlp/model.ts';
import {
  compact,
  eventIdFor,
  firstText,
  flattenAttributes,
  getText,
  parseTimestampNanos,
  resolveSession,
  setTime,
  spanDurationMs,
} from './common.ts';
import { buildResult, buildTool, type ToolDraft } from './fields.ts';

export interface NormalizeContext {
  workspace: string;
  /** The person the ingest token belongs to, when tokens are issued per person. */
  tokenUser?: string;
}

/**
 * Why a record is taken but not kept: an agent's own diagnostic log line (no event name, no session), or a
 * copy of what the agent's logs already say (its traces mirror its log events with lengths for content).
 */
export type DropReason = 'agent-diagnostic' | 'mirror';

/** A record becomes an event, is rejected (reported in `partial_success`), or is dropped on purpose (counted). */
export type Normalized =
  { ok: true; event: AgentEvent } | { ok: false; reason: string } | { ok: 'dropped'; reason: DropReason };

/** What a source module decides about one record; the envelope does the rest. */
export interface EventFields {
  kind: EventKind;
  sourceEvent: string;
  /** The vendor's session id, when the record carries one. */
  sessionId?: string | undefined;
  sequence?: number | undefined;
  promptId?: string | undefined;
  model?: string | undefined;
  prompt?: AgentEvent['prompt'];
  tool?: AgentEvent['tool'];
  result?: AgentEvent['result'];
  decision?: AgentEvent['decision'];
  policy?: AgentEvent['policy'];
  link?: AgentEvent['link'];
}

export function reject(reason: string): Normalized {
  return { ok: false, reason };
}

export function drop(reason: DropReason): Normalized {
  return { ok: 'dropped', reason };
}

/**
 * Attributes that name a person (an account, an e-mail, the OpenTelemetry end user, OpenInference's
 * `user.id`), and those that name an install or a device. Claude Code's `user.id` is a hash of the install,
 * not a person: for it that key names an installation.
 */
const PERSON = {
  email: ['user.email'],
  accountId: ['user.account_id', 'user.account_uuid'],
  userId: ['enduser.id', 'user.id'],
};
const INSTALLATION = ['installation.id'];
const USER_ID_IS_INSTALL_HASH: ReadonlySet<EventSource> = new Set(['claude_code']);

/**
 * Who ran the agent. A person named on the record is the agent's own account (`agent`); one named only on
 * the resource was stamped there by the fleet (`OTEL_RESOURCE_ATTRIBUTES`); failing both, the person the
 * ingest token was issued to. Install and device ids are kept apart: they name no one.
 */
export function actorOf(
  attrs: Attributes,
  resource: Attributes,
  source: EventSource,
  tokenUser?: string,
): Actor {
  const hashed = USER_ID_IS_INSTALL_HASH.has(source);
  const userIds = hashed ? PERSON.userId.filter((k) => k !== 'user.id') : PERSON.userId;
  const person = (set: Attributes) =>
    compact({
      email: firstText([set], PERSON.email),
      accountId: firstText([set], PERSON.accountId),
      userId: firstText([set], userIds),
    });
  const fromAgent = person(attrs);
  const fromFleet = person(resource);
  // An agent that copies the fleet's resource attributes onto its records (Claude Code does) is not the
  // source of the person: the stamp is.
  const echoed =
    fromAgent !== undefined &&
    fromFleet !== undefined &&
    (fromAgent.email ?? fromAgent.userId) === (fromFleet.email ?? fromFleet.userId);
  const identity =
    fromAgent && !echoed
      ? { ...fromAgent, identitySource: 'agent' as const }
      : fromFleet
        ? { ...(fromAgent ?? fromFleet), identitySource: 'fleet' as const }
        : tokenUser
          ? {
              ...(tokenUser.includes('@') ? { email: tokenUser } : { userId: tokenUser }),
              identitySource: 'ingest-token' as const,
            }
          : {};
  return {
    ...identity,
    ...compact({
      organizationId: firstText([attrs, resource], ['organization.id']),
      installationId: firstText([attrs, resource], hashed ? [...INSTALLATION, 'user.id'] : INSTALLATION),
      host: getText(resource, 'host.name'),
    }),
  };
}

/**
 * The agent and its version. Some agents put the runtime's version in `service.version` (Gemini CLI sends
 * Node's `v20.20.2`): a version equal to the runtime's is not the agent's.
 */
function agentOf(resource: Attributes, source: EventSource): AgentEvent['agent'] {
  const version = getText(resource, 'service.version');
  const runtime = getText(resource, 'process.runtime.version');
  const isRuntime =
    version !== undefined && runtime !== undefined && version.replace(/^v/, '') === runtime.replace(/^v/, '');
  return {
    name: getText(resource, 'service.name') ?? source,
    ...compact({ version: isRuntime ? undefined : version }),
  };
}

function assemble(
  fields: EventFields,
  common: {
    eventId: string;
    workspace: string;
    tokenUser?: string;
    time: string;
    traceId: string;
    spanId: string;
  },
  attrs: Attributes,
  resource: Attributes,
  source: EventSource,
  parentSpanId?: string,
): Normalized {
  if (common.workspace === '')
    return reject(`${fields.sourceEvent}: no workspace (the ingest token names one)`);
  const session = resolveSession(fields.sessionId, common.traceId, resource);
  // Built as a typed AgentEvent: the compiler checks the shape, and tests parse every fixture's events with
  // the zod schema, so the hot path does not re-validate what this code just built.
  const event: AgentEvent = {
    schemaVersion: AGENT_EVENT_SCHEMA_VERSION,
    eventId: common.eventId,
    workspace: common.workspace,
    ...session,
    sequence: fields.sequence,
    timeUnixNano: common.time,
    source,
    sourceEvent: fields.sourceEvent,
    kind: fields.kind,
    actor: actorOf(attrs, resource, source, common.tokenUser),
    agent: agentOf(resource, source),
    promptId: fields.promptId,
    traceId: common.traceId || undefined,
    spanId: common.spanId || undefined,
    parentSpanId: parentSpanId || undefined,
    model: fields.model,
    prompt: fields.prompt,
    tool: fields.tool,
    result: fields.result,
    decision: fields.decision,
    policy: fields.policy,
    link: fields.link,
    attributes: flattenAttributes(attrs, resource, eventTexts(fields)),
  };
  return { ok: true, event };
}

/** The event's long text fields, by text: attributes holding the same text refer to them. */
function eventTexts(fields: EventFields): Map<string, string> {
  const texts = new Map<string, string>();
  const add = (name: string, text: string | null | undefined) => {
    if (text) texts.set(text, name);
  };
  add('tool.arguments', fields.tool?.arguments);
  add('tool.command', fields.tool?.command);
  add('result.output', fields.result?.output);
  add('result.error', fields.result?.error);
  add('prompt.text', fields.prompt?.text);
  return texts;
}

/** Attribute pairs in key order, so a re-encoded record with reordered attributes keeps its id. */
const sortedPairs = (attrs: Attributes) =>
  Object.keys(attrs)
    .sort()
    .map((k) => [k, attrs[k]]);

/** A resource's sorted attribute pairs as JSON, once per resource: every record of it repeats them. */
const resourcePairsJson = new WeakMap<Resource, string>();

/**
 * A log record's identity is its whole content (logs have no id of their own), as the JSON of
 * `{time, observed, body, attributes, resource, scope, traceId, spanId}` with attributes as sorted pairs.
 */
function logIdentityJson(record: OtlpLogRecord): string {
  let resource = resourcePairsJson.get(record.resource);
  if (resource === undefined) {
    resource = JSON.stringify(sortedPairs(record.resource.attributes));
    resourcePairsJson.set(record.resource, resource);
  }
  // JSON.stringify leaves out an undefined property; the identity did too when it was an object.
  const body = record.body === undefined ? '' : `"body":${JSON.stringify(record.body)},`;
  return (
    `{"time":${JSON.stringify(record.timeUnixNano)},"observed":${JSON.stringify(record.observedTimeUnixNano)},` +
    `${body}"attributes":${JSON.stringify(sortedPairs(record.attributes))},"resource":${resource},` +
    `"scope":${JSON.stringify(record.scope.name)},"traceId":${JSON.stringify(record.traceId)},` +
    `"spanId":${JSON.stringify(record.spanId)}}`
  );
}

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/** `part` distinguishes the extra events one record yields (e.g. each tool output a model request carries). */
export function logEvent(
  record: OtlpLogRecord,
  ctx: NormalizeContext,
  source: EventSource,
  fields: EventFields,
  extraAttributes: Attributes = NO_ATTRIBUTES,
  part?: string,
): Normalized {
  const time =
    setTime(record.timeUnixNano) ??
    setTime(record.observedTimeUnixNano) ??
    parseTimestampNanos(getText(record.attributes, 'event.timestamp')) ??
    '0';
  const identity = logIdentityJson(record);
  const eventId = eventIdFor(
    ctx.workspace,
    'log',
    part === undefined ? identity : `{"identity":${identity},"part":${JSON.stringify(part)}}`,
  );
  const common = {
    eventId,
    workspace: ctx.workspace,
    tokenUser: ctx.tokenUser,
    time,
    traceId: record.traceId,
    spanId: record.spanId,
  };
  // Most records add nothing: their attributes are then read as they are, not copied.
  const attrs =
    extraAttributes === NO_ATTRIBUTES ? record.attributes : { ...record.attributes, ...extraAttributes };
  return assemble(fields, common, attrs, record.resource.attributes, source);
}

/** Spans are identified by trace + span id; a span without ids falls back to its content. */
function spanIdentity(span: OtlpSpan, part: string | undefined): unknown {
  const ids = span.traceId !== '' && span.spanId !== '';
  const base = ids
    ? { traceId: span.traceId, spanId: span.spanId }
    : {
        name: span.name,
        start: span.startTimeUnixNano,
        attributes: span.attributes,
        resource: span.resource,
      };
  return part === undefined ? base : { ...base, part };
}

/** `part` distinguishes the extra events one span yields (e.g. each tool call a chat span requested). */
export function spanEvent(
  span: OtlpSpan,
  ctx: NormalizeContext,
  source: EventSource,
  fields: EventFields,
  part?: string,
): Normalized {
  const eventId = eventIdFor(ctx.workspace, 'span', JSON.stringify(spanIdentity(span, part)));
  const time = setTime(span.startTimeUnixNano) ?? setTime(span.endTimeUnixNano) ?? '0';
  const common = {
    eventId,
    workspace: ctx.workspace,
    tokenUser: ctx.tokenUser,
    time,
    traceId: span.traceId,
    spanId: span.spanId,
  };
  return assemble(fields, common, span.attributes, span.resource.attributes, source, span.parentSpanId);
}

/** Whether a span failed (status ERROR), with the best error text it carries. */
export function spanFailure(span: OtlpSpan): { failed: boolean; error?: string } {
  if (span.status.code !== 2) return { failed: false };
  const exception = span.events.find((event) => event.name === 'exception');
  const error =
    (span.status.message.trim() === '' ? undefined : span.status.message) ??
    (exception ? getText(exception.attributes, 'exception.message') : undefined) ??
    getText(span.attributes, 'error.type');
  return { failed: true, error };
}

/** The result of a span that may have failed: nothing when it did not, `success: false` and the error when it did. */
export function spanFailureResult(span: OtlpSpan): AgentEvent['result'] {
  const failure = spanFailure(span);
  return failure.failed ? buildResult({ success: false, error: failure.error }) : undefined;
}

export function spanDuration(span: OtlpSpan): number | undefined {
  return spanDurationMs(span.startTimeUnixNano, span.endTimeUnixNano);
}

/**
 * One `tool_call` event per tool call a model span requested (GenAI output messages, OpenInference
 * output tool calls). Each gets its own id suffix; a call without a name is rejected on its own.
 */
export function requestedToolCallEvents(
  span: OtlpSpan,
  ctx: NormalizeContext,
  source: EventSource,
  base: Omit<EventFields, 'kind' | 'tool'>,
  calls: Array<Omit<ToolDraft, 'name'> & { name: string | undefined }>,
): Normalized[] {
  return calls.map((call, index) =>
    call.name === undefined
      ? reject(`${base.sourceEvent}: requested tool call ${index} without a name`)
      : spanEvent(
          span,
          ctx,
          source,
          { ...base, kind: 'tool_call', tool: buildTool({ ...call, name: call.name }) },
          `tool_call:${index}`,
        ),
  );
}
