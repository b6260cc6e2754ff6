/**
 * A tolerant reader for the JSON-ish argument text agents write in benchmark transcripts: strict JSON,
 * Python literals (`{'a': True, 'b': None}`), trailing commas, and text after the value (`{...}}}`).
 */

/** The first balanced `{…}` or `[…]` starting at or after `from`, respecting quoted strings. */
export function balancedValue(text: string, from = 0): string | undefined {
  const start = text.slice(from).search(/[[{]/);
  if (start < 0) return undefined;
  const begin = from + start;
  const stack: string[] = [];
  let quote: string | undefined;
  for (let i = begin; i < text.length; i++) {
    const ch = text[i] as string;
    if (quote !== undefined) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '{' || ch === '[') stack.push(ch === '{' ? '}' : ']');
    else if (ch === '}' || ch === ']') {
      if (stack.pop() !== ch) return undefined;
      if (stack.length === 0) return text.slice(begin, i + 1);
    }
  }
  return undefined;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', '0': '\0' };

/** Rewrites Python-literal syntax as JSON: quoted strings of either kind, True/False/None, trailing commas. */
function pythonToJson(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'") {
      let value = '';
      let j = i + 1;
      for (; j < text.length && text[j] !== ch; j++) {
        const c = text[j] as string;
        if (c !== '\\') {
          value += c;
          continue;
        }
        const next = text[++j] ?? '';
        if (next === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(j + 1, j + 5))) {
          value += String.fromCharCode(parseInt(text.slice(j + 1, j + 5), 16));
          j += 4;
        } else value += ESCAPES[next] ?? next;
      }
      out += JSON.stringify(value);
      i = j;
      continue;
    }
    const word = /^(True|False|None)\b/.exec(text.slice(i));
    if (word !== null && !/[\w$]/.test(text[i - 1] ?? '')) {
      out += word[1] === 'True' ? 'true' : word[1] === 'False' ? 'false' : 'null';
      i += (word[1] as string).length - 1;
      continue;
    }
    out += ch;
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}

/** Parses JSON-ish text (the first balanced object or array in it); undefined when it cannot. */
export function parseLoose(text: string): unknown {
  const candidate = balancedValue(text) ?? text.trim();
  for (const attempt of [candidate, pythonToJson(candidate)]) {
    try {
      return JSON.parse(attempt) as unknown;
    } catch {
      // next attempt
    }
  }
  return undefined;
}
