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
