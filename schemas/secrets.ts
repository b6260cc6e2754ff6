/**
 * Secrets in text, and how they are masked at rest: the contract between the collector, which replaces every
 * secret it finds with a typed mask before anything reaches the bus, and triage, which follows masks by their
 * fingerprint (and finds clear secrets itself where a deployment keeps clear text).
 *
 * Recognised: well-known token formats, private keys, credentials in URLs and headers, and values assigned
 * to secret-looking names. Placeholders (`your-api-key`, `${TOKEN}`, `xxxx`, `changeme`) are not secrets.
 * A mask is one shell word and one JSON-safe run of characters, so masked command lines and masked JSON
 * arguments still parse: `[secret:aws-secret-key:3f2a91c04d1e5b7a]`.
 */
import { createHash, createHmac } from 'node:crypto';
import { shannonEntropy } from './text.ts';

/** Where a secret sits in a text. A clear one has its value; a mask has the fingerprint it carries. */
export type SecretSpan = { kind: string; start: number; end: number } & (
  { value: string; fingerprint?: undefined } | { value?: undefined; fingerprint: string }
);

/** `[secret:<kind>:<16 hex>]`: what a masked secret looks like in stored text. */
const MASK = /\[secret:([a-z0-9-]{1,40}):([0-9a-f]{16})\]/g;

export function maskToken(kind: string, fingerprint: string): string {
  return `[secret:${kind}:${fingerprint}]`;
}

/** Unkeyed fingerprint (first 16 hex of SHA-256): for secrets triage finds in clear text. */
export function plainFingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

/**
 * Keyed fingerprint (HMAC-SHA256, first 16 hex): stable for one deployment's key, so the same secret is
 * followed across events, while a fingerprint served by the API cannot be brute-forced back into a short
 * password without the key.
 */
export function keyedFingerprint(key: string): (value: string) => string {
  return (value) => createHmac('sha256', key).update(value).digest('hex').slice(0, 16);
}

interface SecretPattern {
  kind: string;
  /** Global regex; the secret is capture group 1 when the pattern has one, else the whole match. */
  regex: RegExp;
  /** Reject low-entropy values (words, repeated characters). */
  minEntropy?: number;
  /** Name-based patterns: decides the kind from the name (group 1) and checks the value (group 2). */
  named?: boolean;
  /** Lower-case text the match must contain: the pattern is skipped when the text does not. */
  hint?: string;
}

const PATTERNS: SecretPattern[] = [
  { kind: 'aws-access-key', regex: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b/g },
  {
    kind: 'aws-secret-key',
    hint: 'secret',
    regex:
      /(?:aws_?secret_?(?:access_?)?key|secret_?access_?key)["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/gi,
  },
  { kind: 'github-token', regex: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { kind: 'gitlab-token', hint: 'glpat-', regex: /\bglpat-[A-Za-z0-9_-]{20,}/g },
  {
    kind: 'slack-webhook',
    hint: 'hooks.slack.com',
    // The path is the secret; the host stays readable, so a masked webhook is still a known destination.
    regex: /https:\/\/hooks\.slack\.com\/(services\/T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{16,})/g,
  },
  {
    kind: 'discord-webhook',
    hint: 'discord',
    regex: /https:\/\/(?:canary\.|ptb\.)?discord(?:app)?\.com\/(api\/webhooks\/\d+\/[A-Za-z0-9_-]{20,})/g,
  },
  { kind: 'slack-token', hint: 'xox', regex: /\bxox[abprse]-[A-Za-z0-9-]{10,}/g, minEntropy: 3 },
  { kind: 'anthropic-key', hint: 'sk-ant-', regex: /\bsk-ant-[A-Za-z0-9_-]{20,}/g, minEntropy: 3.5 },
  {
    kind: 'openai-key',
    hint: 'sk-',
    regex: /\bsk-(?!ant-)(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g,
    minEntropy: 3.5,
  },
  { kind: 'stripe-key', hint: '_live_', regex: /\b[sr]k_live_[0-9a-zA-Z]{20,}/g, minEntropy: 3 },
  { kind: 'google-api-key', hint: 'aiza', regex: /\bAIza[0-9A-Za-z_-]{35}/g },
  { kind: 'npm-token', hint: 'npm_', regex: /\bnpm_[A-Za-z0-9]{36}\b/g },
  { kind: 'npm-token', hint: '_authtoken', regex: /_authToken\s*=\s*["']?([^\s"']{16,})/g, minEntropy: 3 },
  { kind: 'pypi-token', hint: 'pypi-', regex: /\bpypi-AgE[A-Za-z0-9_-]{50,}/g },
  { kind: 'huggingface-token', hint: 'hf_', regex: /\bhf_[A-Za-z0-9]{34,}\b/g, minEntropy: 3.5 },
  { kind: 'jwt', hint: 'eyj', regex: /\beyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]*/g },
  {
    kind: 'database-url',
    hint: '://',
    regex:
      /\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse):\/\/[^:/\s@]*:([^@\s/]{3,})@/gi,
  },
  {
    kind: 'bearer-token',
    regex: /\bAuthorization["']?\s*[:=]\s*["']?(?:Bearer|Token)\s+([A-Za-z0-9._~+/=-]{16,})/gi,
    minEntropy: 3,
  },
  { kind: 'basic-auth', regex: /\bAuthorization["']?\s*[:=]\s*["']?Basic\s+([A-Za-z0-9+/=]{12,})/gi },
  { kind: 'basic-auth', regex: /(?:^|\s)(?:-u|--user)\s+["']?[^\s:"']+:([^\s"']{4,})/g },
  {
    kind: 'password-assignment',
    regex: /\b(?:mysql|mysqldump|mariadb|mysqladmin)\b[^\n|;&]{0,200}?\s-p([^\s'"-][^\s'"]{3,})/g,
  },
  {
    kind: 'password-assignment',
    regex:
      /--(password|passwd|token|api-key|apikey|secret|client-secret|access-token|auth-token)[ =]["']?([^\s"']{6,200})/gi,
    named: true,
  },
  {
    kind: 'password-assignment',
    regex:
      /\b([A-Za-z_][\w.-]{0,60})["']?\s*(?::=|=>|[:=])\s*(?:"([^"\n]{6,300})"|'([^'\n]{6,300})'|([^\s"'`;&|<>,)}\]]{6,300}))/g,
    named: true,
  },
];

/**
 * What every pattern below needs at least one of: a long run of token characters (keys, tokens, JWTs, bare
 * AWS-shaped keys), a key block, a URL with credentials, a mask, `-u user:pass`, a MySQL password flag. With
 * none of them and no secret-ish name, a text holds no secret: most texts stop here.
 */
const MAY_HOLD_SECRET =
  /[A-Za-z0-9+/=_.~-]{16}|-----BEGIN|:\/\/|\[secret:|(?:^|\s)(?:-u|--user)\s|mysql|mariadb/i;

const SECRET_NAME =
  /pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|credential|auth[_-]?key/i;
const NOT_A_SECRET_NAME =
  /(?:^|[_.-])(?:path|file|dir|url|uri|endpoint|host|name|user(?:name)?|id|type|length|len|timeout|ttl|expir\w*|expires|mode|format|count|policy|enabled|required|header|field|prompt|env|var|ref|arn|version|size|limit|min|max|hash|algorithm|hint|help|description|label|message|text|placeholder)$/i;
const PASSWORD_NAME = /pass|pwd/i;
const PLACEHOLDER =
  /x{4,}|\*{3,}|\.{3}|…|example|your[_-]?|changeme|change[_-]me|placeholder|dummy|redacted|sample|<|>|\{\{|\$\{|^\$|^%|^(?:password|secret|token|true|false|null|none|nil|undefined|required|optional|string|empty|default|test|tests)$/i;
const EXPRESSION =
  /\(|^(?:os\.|process\.|env\.|environ|getenv|secrets\.|vars\.|config\.|settings\.|self\.|this\.|params\.|args\.|input\.|request\.|ENV\[)/i;
const REPEATED = /^(.)\1*$/;
const PRIVATE_KEY_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ ){0,3})PRIVATE KEY(?: BLOCK)?-----/g;
const KEY_BODY_NOISE = /\\[nr]|\s|^[A-Za-z-]+:.*$/gm;

/**
 * Every secret in `text`, masks included, without overlaps, in the order they were claimed: masks first,
 * then private keys, then specific formats, then name-based ones, then bare AWS-shaped keys. The same secret
 * at two places is reported at both.
 */
export function locateSecrets(text: string): SecretSpan[] {
  if (!MAY_HOLD_SECRET.test(text) && !SECRET_NAME.test(text)) return [];
  const spans: SecretSpan[] = [];
  const claim = (span: SecretSpan) => {
    if (!spans.some((s) => span.start < s.end && span.end > s.start)) spans.push(span);
  };
  if (text.includes('[secret:')) {
    for (const m of text.matchAll(MASK))
      claim({ kind: m[1]!, fingerprint: m[2]!, start: m.index, end: m.index + m[0].length });
  }
  const add: Add = (kind, value, start, end) => claim({ kind, value, start, end });
  findPrivateKeys(text, add);
  const lines = namedLines(text);
  const lower = text.toLowerCase();
  for (const pattern of PATTERNS) {
    if (pattern.hint !== undefined && !lower.includes(pattern.hint)) continue;
    for (const [part, offset] of pattern.named ? lines : [[text, 0] as const]) {
      for (const match of part.matchAll(pattern.regex)) {
        const found = secretOf(pattern, match);
        if (found === undefined) continue;
        const start = offset + (match.index ?? 0) + match[0].indexOf(found.value);
        add(found.kind, found.value, start, start + found.value.length);
      }
    }
  }
  findBareSecretKeys(text, add); // last: specific kinds claim their spans first
  return spans;
}

/**
 * `text` with every clear secret replaced by its mask. A JSON text is masked value by value and written
 * back compactly, so it stays valid JSON however its secrets were escaped, and a value is masked whole when
 * its key names a secret (`{"password": "…"}`).
 */
export function maskSecrets(
  text: string,
  fingerprint: (value: string) => string,
): { text: string; masked: number } {
  const clear = locateSecrets(text).filter((s) => s.value !== undefined);
  // An escaped quote can hide a value from the text patterns: JSON naming a secret is read value by value.
  const hidden = text.includes('\\"') && SECRET_NAME.test(text);
  if (!clear.length && !hidden) return { text, masked: 0 };
  const json = /^\s*[[{]/.test(text) ? parseJson(text) : undefined;
  if (json) {
    let masked = 0;
    const maskValue = (value: string, key: string | undefined): string => {
      const kind = key === undefined ? undefined : namedSecretKind(key, value);
      if (kind) {
        masked++;
        return maskToken(kind, fingerprint(value));
      }
      const m = maskSecrets(value, fingerprint);
      masked += m.masked;
      return m.text;
    };
    const out = JSON.stringify(mapStrings(json.value, undefined, maskValue));
    if (masked) return { text: out, masked };
    // What the text patterns saw across values, the value-wise reading missed: mask the text itself.
  }
  let out = '';
  let at = 0;
  for (const s of clear.sort((a, b) => a.start - b.start)) {
    out += text.slice(at, s.start) + maskToken(s.kind, fingerprint(s.value!));
    at = s.end;
  }
  return { text: out + text.slice(at), masked: clear.length };
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

/** Maps every string of a JSON value, telling `f` the key it is the value of. */
function mapStrings(
  value: unknown,
  key: string | undefined,
  f: (s: string, key: string | undefined) => string,
): unknown {
  if (typeof value === 'string') return f(value, key);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, undefined, f));
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, k, f)]));
  return value;
}

/** Lines that mention a secret-ish name, with their offsets: name-based patterns only need to look there. */
function namedLines(text: string): (readonly [string, number])[] {
  const lines: (readonly [string, number])[] = [];
  const names = new RegExp(SECRET_NAME.source, 'gi');
  for (let hit = names.exec(text); hit !== null; hit = names.exec(text)) {
    const start = text.lastIndexOf('\n', hit.index) + 1;
    const newline = text.indexOf('\n', hit.index);
    const end = newline === -1 ? text.length : newline;
    lines.push([text.slice(start, end), start]);
    names.lastIndex = end;
  }
  return lines;
}

function secretOf(
  pattern: SecretPattern,
  match: RegExpMatchArray,
): { kind: string; value: string } | undefined {
  if (pattern.named) {
    const [name = '', value = ''] = [match[1], match[2] ?? match[3] ?? match[4]];
    const kind = namedSecretKind(name, value);
    return kind === undefined ? undefined : { kind, value };
  }
  const value = match[1] ?? match[0];
  if (!plausible(value) || shannonEntropy(value) < (pattern.minEntropy ?? 0)) return undefined;
  return { kind: pattern.kind, value };
}

/** The kind of secret `value` is when a name like `name` is given it (`DB_PASSWORD=…`), if it is one. */
function namedSecretKind(name: string, value: string): string | undefined {
  if (!SECRET_NAME.test(name) || NOT_A_SECRET_NAME.test(name) || /^(?:old)?pwd$/i.test(name))
    return undefined;
  const password = PASSWORD_NAME.test(name);
  const classes = [/[a-z]/, /[A-Z]/, /\d/, /[^A-Za-z0-9]/].filter((c) => c.test(value)).length;
  if (
    !plausible(value) ||
    value.includes('/') ||
    (password ? classes < 2 && value.length < 12 : value.length < 12)
  ) {
    return undefined;
  }
  if (!password && shannonEntropy(value) < 3) return undefined;
  return password ? 'password-assignment' : 'generic-api-key';
}

/** Not a placeholder, a variable reference, an expression or one repeated character. */
function plausible(value: string): boolean {
  return !PLACEHOLDER.test(value) && !EXPRESSION.test(value) && !REPEATED.test(value);
}

type Add = (kind: string, value: string, start: number, end: number) => void;

/** Private key blocks: the fingerprint is of the key material, whatever the line breaks or JSON escaping. */
function findPrivateKeys(text: string, add: Add): void {
  const begin = new RegExp(PRIVATE_KEY_BEGIN.source, 'g');
  for (let match = begin.exec(text); match !== null; match = begin.exec(text)) {
    const bodyStart = match.index + match[0].length;
    const endMarker = text.indexOf('-----END', bodyStart);
    const bodyEnd = endMarker === -1 ? Math.min(text.length, bodyStart + 16_384) : endMarker;
    const body = text.slice(bodyStart, bodyEnd).replace(KEY_BODY_NOISE, '');
    const blockEnd = endMarker === -1 ? bodyEnd : Math.max(bodyEnd, text.indexOf('-----', endMarker + 8) + 5);
    if (body.length >= 32 && plausible(body)) add('private-key', body, match.index, blockEnd);
    if (endMarker === -1) return; // no block ends after this one either
    begin.lastIndex = Math.max(begin.lastIndex, blockEnd); // blocks do not nest: continue after this one
  }
}

/** Characters of the base64 alphabet an AWS secret key uses (no `=`, `-`, `_`). */
function keyChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 43 ||
    code === 47
  );
}

/**
 * A bare run of exactly 40 base64 characters mixing cases and digits, random enough: shaped like an AWS
 * secret key. Reported as `generic-secret`, so a secret first seen in context (`aws_secret_access_key = …`)
 * is still followed when it is later sent without its name. A linear scan: regexes are slow here.
 */
function findBareSecretKeys(text: string, add: Add): void {
  let start = 0;
  for (let i = 0; i <= text.length; i += 1) {
    if (i < text.length && keyChar(text.charCodeAt(i))) continue;
    if (i - start === 40 && text[i] !== '=') {
      const value = text.slice(start, i);
      const mixed = /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
      if (mixed && shannonEntropy(value) >= 4.3 && plausible(value)) add('generic-secret', value, start, i);
    }
    start = i + 1;
  }
}
