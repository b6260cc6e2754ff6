/**
 * What `warden agent-config` prints, read back the way a person pasting it would: each fenced snippet with the
 * place the output says it goes ("In `~/.codex/config.toml`:"), and shell `export` lines as a shell sets them.
 */

export interface PrintedSnippet {
  /** The words after "In " and before the colon, e.g. "`~/.codex/config.toml`". */
  where: string;
  language: string;
  text: string;
}

export function printedSnippets(output: string): PrintedSnippet[] {
  return [...output.matchAll(/^In (.+):\n\n```(\w+)\n([\s\S]*?)\n```$/gm)].map((m) => ({
    where: m[1]!,
    language: m[2]!,
    text: m[3]!,
  }));
}

/** `export KEY='value'` lines, as a POSIX shell reads them (what `warden agent-config` prints for env vars). */
export function shellEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'$/.exec(line);
    if (!m) throw new Error(`not an export line: ${line}`);
    env[m[1]!] = m[2]!.replaceAll(`'\\''`, "'");
  }
  return env;
}
