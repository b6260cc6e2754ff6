/**
 * Generated blocks of README.md: the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`, written by
 * a script from the source that owns it (agent-config, the conformance suite's last run) and checked by a
 * test to be current.
 */
const markers = (name: string) => [`<!-- ${name}:start -->`, `<!-- ${name}:end -->`] as const;

/** The text between the block's markers, or undefined when they are missing. */
export function readmeBlock(readme: string, name: string): string | undefined {
  const [open, close] = markers(name);
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + open.length, end).replace(/^\n+|\n+$/g, '');
}

/** `readme` with the block's text replaced by `section`. */
export function replaceReadmeBlock(readme: string, name: string, section: string): string {
  const [open, close] = markers(name);
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start < 0 || end < start) throw new Error(`README.md has no ${open} … ${close} block`);
  return `${readme.slice(0, start + open.length)}\n\n${section}\n\n${readme.slice(end)}`;
}
