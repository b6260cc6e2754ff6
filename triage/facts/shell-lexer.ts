/**
 * Tokenizer for POSIX sh / bash command lines: quotes, escapes, `$'…'`, comments, operators, redirections
 * with their targets, here-documents with their bodies, and command substitutions (`$( … )`, backticks,
 * `<( … )`) whose inner text is kept so the parser can parse it too. Linear in the input; never throws.
 */
import { commandSubstitutions, decodeAnsiEscape, matchingParen } from './shell-text.ts';

export interface WordToken {
  type: 'word';
  /** The word with quotes and escapes removed; `$VAR`, `$( … )` and globs left as written. */
  text: string;
  /** Inner text of each command / process substitution in the word. */
  subs: string[];
  /** Some part was quoted or escaped (quoted words are never keywords). */
  quoted: boolean;
  /** Starts with an unquoted `NAME=` (an assignment when in front of a command). */
  assignment: boolean;
}

export interface OperatorToken {
  type: 'op';
  /** `;` `&` `&&` `||` `|` `|&` `(` `)` or `\n`. */
  op: string;
}

export interface RedirectToken {
  type: 'redirect';
  /** Operator with its file descriptor as written: `>`, `2>`, `2>&`, `&>`, `<<`, `<<<`. */
  op: string;
  /** File, descriptor, here-string text, or the body of a here-document. */
  target: string;
  subs: string[];
}

export type Token = WordToken | OperatorToken | RedirectToken;

export interface Lexed {
  tokens: Token[];
  /** Unbalanced quotes or substitutions, a here-document without its end, a redirection without target. */
  partial: boolean;
}

const WORD_END = new Set([' ', '\t', '\r', '\n', ';', '&', '|', '<', '>', '(', ')']);
const ASSIGNMENT = /[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]\s]*\])?\+?=/y;
const FD_PREFIX = /\d{1,2}(?=[<>])/y;
const REDIRECT_OPS = ['<<<', '<<-', '&>>', '<<', '<>', '<&', '>>', '>|', '>&', '&>', '<', '>'];

interface PendingHeredoc {
  token: RedirectToken;
  delimiter: string;
  stripTabs: boolean;
  expands: boolean;
}

export function lex(src: string): Lexed {
  return new Lexer(src).run();
}

class Lexer {
  private pos = 0;
  private partial = false;
  private readonly tokens: Token[] = [];
  private pending: PendingHeredoc[] = [];

  constructor(private readonly src: string) {}

  run(): Lexed {
    const src = this.src;
    while (this.pos < src.length) {
      const c = src[this.pos] ?? '';
      const next = src[this.pos + 1];
      if (c === ' ' || c === '\t' || c === '\r') this.pos += 1;
      else if (c === '\\' && next === '\n') this.pos += 2;
      else if (c === '\n') {
        this.pos += 1;
        this.tokens.push({ type: 'op', op: '\n' });
        this.readHeredocBodies();
      } else if (c === '#') this.skipComment();
      else if (c === '(' && next === '(') this.skipArithmetic();
      else if (c === ';' || c === '|' || c === '(' || c === ')' || (c === '&' && next !== '>'))
        this.readOperator();
      else if ((c === '<' || c === '>') && next !== '(') this.readRedirect('');
      else if (c === '&') this.readRedirect('');
      else this.readWordOrFdRedirect();
    }
    if (this.pending.length > 0) this.partial = true;
    return { tokens: this.tokens, partial: this.partial };
  }

  private skipComment(): void {
    const end = this.src.indexOf('\n', this.pos);
    this.pos = end === -1 ? this.src.length : end;
  }

  /** `(( i++ ))`: arithmetic, not commands. */
  private skipArithmetic(): void {
    const end = matchingParen(this.src, this.pos + 1);
    if (end === -1) this.partial = true;
    this.pos = end === -1 ? this.src.length : end + 1;
  }

  private readOperator(): void {
    const src = this.src;
    const two = src.slice(this.pos, this.pos + 2);
    let op = src[this.pos] ?? '';
    let length = 1;
    if (src.startsWith(';;&', this.pos)) [op, length] = [';', 3];
    else if (two === ';;' || two === ';&') [op, length] = [';', 2];
    else if (two === '&&' || two === '||' || two === '|&') [op, length] = [two, 2];
    this.pos += length;
    this.tokens.push({ type: 'op', op });
  }

  private readWordOrFdRedirect(): void {
    FD_PREFIX.lastIndex = this.pos;
    const fd = FD_PREFIX.exec(this.src);
    const after = fd ? this.src[this.pos + fd[0].length + 1] : undefined;
    if (fd && after !== '(') {
      this.pos += fd[0].length;
      this.readRedirect(fd[0]);
      return;
    }
    this.tokens.push(this.readWord());
  }

  private readRedirect(fd: string): void {
    const op = REDIRECT_OPS.find((candidate) => this.src.startsWith(candidate, this.pos)) ?? '>';
    this.pos += op.length;
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos += 1;
    const c = this.src[this.pos];
    if (
      c === undefined ||
      (WORD_END.has(c) && !((c === '<' || c === '>') && this.src[this.pos + 1] === '('))
    ) {
      this.partial = true;
      return;
    }
    const word = this.readWord();
    const token: RedirectToken = { type: 'redirect', op: fd + op, target: word.text, subs: word.subs };
    this.tokens.push(token);
    if (op === '<<' || op === '<<-') {
      token.subs = [];
      this.pending.push({ token, delimiter: word.text, stripTabs: op === '<<-', expands: !word.quoted });
    }
  }

  /** After a newline: the bodies of the here-documents opened on the line, in order. */
  private readHeredocBodies(): void {
    const src = this.src;
    for (const heredoc of this.pending) {
      const lines: string[] = [];
      let closed = false;
      while (this.pos < src.length) {
        const newline = src.indexOf('\n', this.pos);
        const end = newline === -1 ? src.length : newline;
        let line = src.slice(this.pos, end);
        this.pos = newline === -1 ? src.length : newline + 1;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (heredoc.stripTabs) line = line.replace(/^\t+/, '');
        if (line === heredoc.delimiter) {
          closed = true;
          break;
        }
        lines.push(line);
      }
      if (!closed) this.partial = true;
      heredoc.token.target = lines.join('\n');
      if (heredoc.expands) heredoc.token.subs = commandSubstitutions(heredoc.token.target);
    }
    this.pending = [];
  }

  private readWord(): WordToken {
    const src = this.src;
    ASSIGNMENT.lastIndex = this.pos;
    const word: WordToken = {
      type: 'word',
      text: '',
      subs: [],
      quoted: false,
      assignment: ASSIGNMENT.test(src),
    };
    while (this.pos < src.length) {
      const c = src[this.pos] ?? '';
      const next = src[this.pos + 1];
      if ((c === '<' || c === '>') && next === '(') this.readSubstitution(word, 2);
      else if (WORD_END.has(c)) break;
      else if (c === '\\') {
        if (next !== '\n') word.text += next ?? '';
        word.quoted = true;
        this.pos += 2;
      } else if (c === "'") this.readSingleQuoted(word);
      else if (c === '"') this.readDoubleQuoted(word);
      else if (c === '$' && next === "'") this.readAnsiC(word);
      else if (c === '$' && next === '"') this.pos += 1;
      else if (c === '$') this.readDollar(word);
      else if (c === '`') this.readBackticks(word);
      else {
        word.text += c;
        this.pos += 1;
      }
    }
    return word;
  }

  private readSingleQuoted(word: WordToken): void {
    const end = this.src.indexOf("'", this.pos + 1);
    if (end === -1) this.partial = true;
    word.text += this.src.slice(this.pos + 1, end === -1 ? undefined : end);
    word.quoted = true;
    this.pos = end === -1 ? this.src.length : end + 1;
  }

  private readDoubleQuoted(word: WordToken): void {
    const src = this.src;
    word.quoted = true;
    this.pos += 1;
    while (this.pos < src.length) {
      const c = src[this.pos] ?? '';
      const next = src[this.pos + 1] ?? '';
      if (c === '"') {
        this.pos += 1;
        return;
      }
      if (c === '\\' && '$`"\\\n'.includes(next) && next !== '') {
        if (next !== '\n') word.text += next;
        this.pos += 2;
      } else if (c === '$') this.readDollar(word);
      else if (c === '`') this.readBackticks(word);
      else {
        word.text += c;
        this.pos += 1;
      }
    }
    this.partial = true;
  }

  /** `$( … )`, `$(( … ))`, `${ … }` or a plain `$`. Variables are kept as written. */
  private readDollar(word: WordToken): void {
    const src = this.src;
    const next = src[this.pos + 1];
    if (next === '(' && src[this.pos + 2] === '(') {
      const end = matchingParen(src, this.pos + 2);
      this.keepRaw(word, end === -1 ? -1 : end + 2);
    } else if (next === '(') this.readSubstitution(word, 2);
    else if (next === '{') this.keepRaw(word, src.indexOf('}', this.pos) + 1);
    else {
      word.text += '$';
      this.pos += 1;
    }
  }

  /** Appends the source text up to `end` (exclusive) as written; to the end of input when `end` ≤ 0. */
  private keepRaw(word: WordToken, end: number): void {
    if (end <= 0) this.partial = true;
    const stop = end <= 0 ? this.src.length : Math.min(end, this.src.length);
    word.text += this.src.slice(this.pos, stop);
    this.pos = stop;
  }

  /** `$(` / `<(` / `>(` … `)`: keeps the inner text for parsing and the whole as the word's text. */
  private readSubstitution(word: WordToken, open: number): void {
    const end = matchingParen(this.src, this.pos + open);
    const stop = end === -1 ? this.src.length : end;
    word.subs.push(this.src.slice(this.pos + open, stop));
    this.keepRaw(word, end === -1 ? -1 : end + 1);
  }

  private readBackticks(word: WordToken): void {
    let end = this.pos + 1;
    while (end < this.src.length && this.src[end] !== '`') end += this.src[end] === '\\' ? 2 : 1;
    const inner = this.src.slice(this.pos + 1, Math.min(end, this.src.length));
    word.subs.push(inner.replace(/\\([`$\\])/g, '$1'));
    this.keepRaw(word, end >= this.src.length ? -1 : end + 1);
  }

  /** `$'…'`: ANSI-C quoting, escapes decoded (`$'\x63url'` is `curl`). */
  private readAnsiC(word: WordToken): void {
    const src = this.src;
    word.quoted = true;
    let i = this.pos + 2;
    while (i < src.length && src[i] !== "'") {
      if (src[i] !== '\\') {
        word.text += src[i];
        i += 1;
        continue;
      }
      const [decoded, length] = decodeAnsiEscape(src, i + 1);
      word.text += decoded;
      i += 1 + length;
    }
    if (i >= src.length) this.partial = true;
    this.pos = i + 1;
  }
}
