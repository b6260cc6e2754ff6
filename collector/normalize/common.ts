/**
 * Shared helpers for the per-source normalizers: lenient attribute reading (vendors send `"412"` and `412`
 * for the same key), flattening, deterministic ids, session derivation, truncation and shell-command
 * extraction. Nothing here knows a vendor.
 */
import { hash } from 'node:crypto';
import { setOwn, type AttributeValue, type Attributes } from '../otlp/model.ts';

/** Output and argument strings above this many UTF-8 bytes are cut (the bus carries whole events). */
export const MAX_CONTENT_BYTES = 256 * 1024;

/** A scalar attribute as text: numbers and booleans are rendered, arrays/maps/null are not text. */
export function getString(attrs: Attributes, key: string): string | undefined {
  const value = attrs[key];
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** Like {@link getString}, but `""` counts as absent (Codex sends `mcp_server: ""` for built-in tools). */
export function getText(attrs: Attributes, key: string): string | undefined {
  const value = getString(attrs, key);
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** The first key that has a non-empty text value, looking through each attribute set in turn. */
export function firstText(sets: Attributes[], keys: string[]): string | undefined {
  for (const key of keys) {
    for (const attrs of sets) {
      const value = getText(attrs, key);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/** A finite number from a number or a numeric string. */
export function getNumber(attrs: Attributes, key: string): number | undefined {
  return toNumber(attrs[key]);
}

export function toNumber(value: AttributeValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** A safe integer from a number or a numeric string. */
export function getInt(attrs: Attributes, key: string): number | undefined {
  const value = getNumber(attrs, key);
  return value !== undefined && Number.isSafeInteger(value) ? value : undefined;
}

export function getNonNegativeInt(attrs: Attributes, key: string): number | undefined {
  const value = getInt(attrs, key);
  return value !== undefined && value >= 0 ? value : undefined;
}

/** A duration: negative or unparsable values are dropped rather than failing the record. */
export function getDurationMs(attrs: Attributes, key: string): number | undefined {
  const value = getNumber(attrs, key);
  return value !== undefined && value >= 0 ? value : undefined;
}

/** A boolean from `true`/`false` or the strings `"true"`/`"false"` (any case). */
export function getBool(attrs: Attributes, key: string): boolean | undefined {
  const value = attrs[key];
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'string') return undefined;
  const lowered = value.trim().toLowerCase();
  if (lowered === 'true') return true;
  if (lowered === 'false') return false;
  return undefined;
}

/** Any attribute value as text: strings as sent, everything else JSON-encoded. */
export function toText(value: AttributeValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A JSON-encoded attribute value as structured data; structured values (already decoded) pass through. */
export function parseJson(value: AttributeValue | undefined): unknown {
  if (typeof value !== 'string') return value ?? undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cuts a string to at most {@link MAX_CONTENT_BYTES} UTF-8 bytes without splitting a character. */
export function truncateUtf8(
  text: string,
  maxBytes = MAX_CONTENT_BYTES,
): { text: string; truncated: boolean } {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short strings need no count.
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text, 'utf8') <= maxBytes)
    return { text, truncated: false };
  const bytes = Buffer.from(text, 'utf8');
  let end = maxBytes;
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1; // back off a continuation byte
  return { text: bytes.subarray(0, end).toString('utf8'), truncated: true };
}

/** Values shorter than this are kept even when an event field holds the same text: a reference saves nothing. */
const REFERENCE_MIN_LENGTH = 32;

/**
 * Every attribute flattened to strings; resource attributes are prefixed `resource.`. A record attribute
 * whose text is already one of the event's fields (`fields`: text → field name) becomes a reference to it.
 */
export function flattenAttributes(
  attrs: Attributes,
  resource: Attributes,
  fields: ReadonlyMap<string, string> = new Map(),
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [key, value] of Object.entries(attrs)) {
    const text = toText(value) ?? 'null';
    const field = text.length >= REFERENCE_MIN_LENGTH ? fields.get(text) : undefined;
    setOwn(flat, key, field ? `[= ${field}]` : truncateUtf8(text).text);
  }
  for (const [key, value] of Object.entries(resource)) {
    flat[`resource.${key}`] = truncateUtf8(toText(value) ?? 'null').text;
  }
  return flat;
}

/** SHA-256 of a value's JSON. Decoders build objects in wire order, so the same record always hashes alike. */
export function sha256Hex(value: unknown): string {
  return hash('sha256', JSON.stringify(value) ?? 'null');
}

/**
 * Deterministic event id: the same record from the same workspace always gets the same id. `identityJson`
 * is the identity already as JSON (callers that reuse parts of it across records build it themselves):
 * the id is the hash of `{"workspace":…,"signal":…,"identity":…}`.
 */
export function eventIdFor(workspace: string, signal: 'log' | 'span', identityJson: string): string {
  return hash(
    'sha256',
    `{"workspace":${JSON.stringify(workspace)},"signal":"${signal}","identity":${identityJson}}`,
  ).slice(0, 32);
}

/** A trace id that is set: OTLP uses all zeros (or nothing) for "none". */
export function usableTraceId(traceId: string): string | undefined {
  return traceId !== '' && !/^0+$/.test(traceId) ? traceId : undefined;
}

/** The record's own session id, else one derived from its trace, else from its resource. */
export function resolveSession(
  sessionId: string | undefined,
  traceId: string,
  resource: Attributes,
): { sessionId: string; sessionIdDerived: boolean } {
  if (sessionId !== undefined && sessionId.trim() !== '') return { sessionId, sessionIdDerived: false };
  const trace = usableTraceId(traceId);
  if (trace !== undefined) return { sessionId: `trace:${trace}`, sessionIdDerived: true };
  return { sessionId: `resource:${sha256Hex(resource).slice(0, 16)}`, sessionIdDerived: true };
}

/** An RFC 3339 timestamp (`event.timestamp`) as decimal nanoseconds, keeping sub-millisecond digits. */
export function parseTimestampNanos(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const fraction = /\.(\d+)/.exec(text);
  const millis = Date.parse(fraction ? text.replace(fraction[0], '') : text);
  if (!Number.isFinite(millis) || millis < 0) return undefined;
  const subSecond = BigInt((fraction?.[1] ?? '').padEnd(9, '0').slice(0, 9));
  return (BigInt(millis) * 1_000_000n + subSecond).toString();
}

/** A set OTLP time (decimal nanoseconds, not "0"), else undefined. */
export function setTime(nanos: string): string | undefined {
  return /^\d+$/.test(nanos) && !/^0+$/.test(nanos) ? nanos : undefined;
}

/** Duration of a span in milliseconds, when both ends are set and ordered. */
export function spanDurationMs(startNanos: string, endNanos: string): number | undefined {
  if (setTime(startNanos) === undefined || setTime(endNanos) === undefined) return undefined;
  const nanos = BigInt(endNanos) - BigInt(startNanos);
  return nanos >= 0n ? Number(nanos) / 1e6 : undefined;
}

const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'fish']);
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX-quotes one argv element only when the shell would otherwise split or expand it. */
export function shellQuote(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `["bash","-lc","<script>"]` → `<script>`; any other argv → the words joined with shell quoting. */
export function commandFromArgv(argv: string[]): string {
  const [program, flag, script] = argv;
  const shell = program?.split('/').pop() ?? '';
  if (argv.length === 3 && SHELLS.has(shell) && /^-[a-z]*c$/.test(flag ?? '') && script !== undefined) {
    return script;
  }
  return argv.map(shellQuote).join(' ');
}

/** A shell command from a string or an argv array (`command`/`cmd` fields of tool arguments). */
export function commandFromValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (Array.isArray(value) && value.length > 0 && value.every((word) => typeof word === 'string')) {
    return commandFromArgv(value);
  }
  return undefined;
}

/** The shell command inside JSON tool arguments (`{"command": …}` or `{"cmd": …}`), if any. */
export function commandFromArguments(args: AttributeValue | undefined): string | undefined {
  const parsed = parseJson(args);
  if (!isRecord(parsed)) return undefined;
  return commandFromValue(parsed['command']) ?? commandFromValue(parsed['cmd']);
}

/** Drops keys whose value is undefined, and returns undefined for an object left empty. */
export function compact<T extends object>(value: T): T | undefined {
  let out: Record<string, unknown> | undefined;
  for (const key in value) {
    const v = value[key];
    if (v !== undefined) (out ??= {})[key] = v;
  }
  return out as T | undefined;
}
