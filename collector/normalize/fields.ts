/**
 * Builders for the optional parts of an event (tool, result, prompt, policy, decision), shared by every
 * source so truncation, redaction and decision shapes are decided once.
 */
import type { AgentEvent, Decision } from '../../schemas/agent-event.ts';
import type { AttributeValue } from '../otlp/model.ts';
import { commandFromArguments, compact, toText, truncateUtf8 } from './common.ts';

export interface ToolDraft {
  name: string;
  callId?: string | undefined;
  /** Raw or structured arguments; structured ones are JSON-encoded. */
  arguments?: AttributeValue | undefined;
  /** An explicit command; otherwise one is looked for in the JSON arguments (`command`/`cmd`). */
  command?: string | undefined;
  mcpServer?: string | undefined;
}

export function buildTool(draft: ToolDraft): NonNullable<AgentEvent['tool']> {
  const raw = draft.arguments === null ? undefined : toText(draft.arguments);
  const cut = raw === undefined ? undefined : truncateUtf8(raw);
  return {
    name: draft.name,
    ...compact({
      callId: draft.callId,
      arguments: cut?.text,
      argumentsTruncated: cut?.truncated ? true : undefined,
      command: draft.command ?? commandFromArguments(draft.arguments),
      mcpServer: draft.mcpServer,
    }),
  };
}

export interface ResultDraft {
  success?: boolean | undefined;
  /** An exit code the source reported: when set, it decides success (it is stronger evidence). */
  exitCode?: number | undefined;
  output?: AttributeValue | undefined;
  /** Set when the vendor already cut the output. */
  outputTruncated?: boolean | undefined;
  error?: string | undefined;
  durationMs?: number | undefined;
}

export function buildResult(draft: ResultDraft): AgentEvent['result'] {
  const raw = draft.output === null ? undefined : toText(draft.output);
  const cut = raw === undefined ? undefined : truncateUtf8(raw);
  const truncated = cut?.truncated === true || draft.outputTruncated === true ? true : undefined;
  return compact({
    success: draft.exitCode === undefined ? draft.success : draft.exitCode === 0,
    exitCode: draft.exitCode,
    output: cut?.text,
    outputTruncated: truncated,
    error: draft.error,
    durationMs: draft.durationMs,
  });
}

/** Placeholders the agents put in place of a prompt they were told not to log. */
const REDACTION_PLACEHOLDERS = new Set(['[REDACTED]', '<REDACTED>']);

export function buildPrompt(text: string | undefined, length: number | undefined): AgentEvent['prompt'] {
  const redacted = text === undefined || REDACTION_PLACEHOLDERS.has(text.trim());
  return { text: redacted ? null : text, redacted, ...compact({ length }) };
}

export function buildPolicy(approval: string | undefined, sandbox: string | undefined): AgentEvent['policy'] {
  return compact({ approval, sandbox });
}

/** `AutomatedReviewer` → `automated_reviewer`: vendors name who decided in different cases. */
const snakeCase = (s: string) =>
  s
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();

export function buildDecision(
  raw: string,
  source: string | undefined,
  normalize: (raw: string, source: string | undefined) => Decision,
): NonNullable<AgentEvent['decision']> {
  const who = source === undefined ? undefined : snakeCase(source);
  return { decision: normalize(raw.trim().toLowerCase(), who), raw, ...compact({ source: who }) };
}
