/**
 * Helpers on shell text shared by the lexer and the behaviour rules: finding the `)` that closes a
 * substitution, listing the substitutions in a word, and decoding ANSI-C escapes (`$'\x63url'`).
 */

const ANSI_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * Inner texts of the substitutions in an already unquoted text (an argument, a here-document body):
 * `$( … )`, `` ` … ` ``, `<( … )`, `>( … )`. Arithmetic `$(( … ))` is not a command.
 */
export function commandSubstitutions(text: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '\\') i += 1;
    else if (c === '`') {
      const end = text.indexOf('`', i + 1);
      found.push(text.slice(i + 1, end === -1 ? text.length : end));
      i = end === -1 ? text.length : end;
    } else if ((c === '$' || c === '<' || c === '>') && text[i + 1] === '(' && text[i + 2] !== '(') {
      const end = matchingParen(text, i + 2);
      found.push(text.slice(i + 2, end === -1 ? text.length : end));
      i = end === -1 ? text.length : end;
    }
  }
  return found;
}

/** Index of the `)` closing a `(` whose content starts at `start`, skipping quoted text; -1 if none. */
export function matchingParen(src: string, start: number): number {
  let depth = 1;
  for (let i = start; i < src.length; i += 1) {
    const c = src[i];
    if (c === '\\') i += 1;
    else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end === -1) return -1;
      i = end;
    } else if (c === '"') {
      i += 1;
      while (i < src.length && src[i] !== '"') i += src[i] === '\\' ? 2 : 1;
    } else if (c === '(') depth += 1;
    else if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

const OCTAL = /[0-7]{1,3}/y;
const HEX = { x: /[0-9a-fA-F]{1,2}/y, u: /[0-9a-fA-F]{1,4}/y, U: /[0-9a-fA-F]{1,8}/y };

/** Decodes the escape after a backslash at `at`: returns the text and how many characters it used. */
export function decodeAnsiEscape(src: string, at: number): [string, number] {
  const c = src[at] ?? '';
  if (c in ANSI_ESCAPES) return [ANSI_ESCAPES[c] ?? '', 1];
  if (c === 'x' || c === 'u' || c === 'U') {
    const pattern = HEX[c];
    pattern.lastIndex = at + 1;
    const digits = pattern.exec(src)?.[0];
    if (digits === undefined) return ['\\' + c, 1];
    const code = Number.parseInt(digits, 16);
    return [code <= 0x10ffff ? String.fromCodePoint(code) : '', 1 + digits.length];
  }
  if (c === 'c' && at + 1 < src.length) return [String.fromCharCode((src.charCodeAt(at + 1) ?? 0) & 0x1f), 2];
  OCTAL.lastIndex = at;
  const octal = OCTAL.exec(src)?.[0];
  if (octal !== undefined) return [String.fromCharCode(Number.parseInt(octal, 8) & 0xff), octal.length];
  return ['\\' + c, 1];
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes a word for the shell only when it needs it: `['sh', '-c', 'a b']` joins to `sh -c 'a b'`. */
export function shellQuote(word: string): string {
  return SAFE_WORD.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
