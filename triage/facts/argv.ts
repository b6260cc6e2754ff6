/**
 * getopt-style reading of a command's arguments: which words are options (and their values) and which are
 * operands. Programs differ only in which options take a value, so each caller passes that set.
 */

export interface OptionSpec {
  /** Options that take a value: short letters (`o`) and long names without dashes (`output`). */
  withValue?: ReadonlySet<string>;
  /** Stop at the first operand: the rest is another command (wrappers such as `sudo`, `timeout`). */
  stopAtOperand?: boolean;
}

export interface ParsedOption {
  /** Short letter (`o`) or long name (`output`), without dashes. */
  name: string;
  value?: string;
}

export interface ParsedArgs {
  options: ParsedOption[];
  operands: string[];
  /** Index in the input of the first word not consumed (with `stopAtOperand`: the wrapped command). */
  end: number;
}

const NONE: ReadonlySet<string> = new Set();

/** `optionSet('o output d data')`: a set of option names from a space-separated list. */
export function optionSet(names: string): ReadonlySet<string> {
  return new Set(names.split(' ').filter((name) => name !== ''));
}

export function parseArgs(args: readonly string[], spec: OptionSpec = {}): ParsedArgs {
  const withValue = spec.withValue ?? NONE;
  const options: ParsedOption[] = [];
  const operands: string[] = [];
  let i = 0;
  for (; i < args.length; i += 1) {
    const arg = args[i] ?? '';
    if (arg === '--') {
      if (spec.stopAtOperand) return { options, operands, end: i + 1 };
      operands.push(...args.slice(i + 1));
      return { options, operands, end: args.length };
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = arg.slice(2, eq === -1 ? undefined : eq);
      if (eq !== -1) options.push({ name, value: arg.slice(eq + 1) });
      else if (withValue.has(name) && i + 1 < args.length) options.push({ name, value: args[++i] ?? '' });
      else options.push({ name });
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      i = readShortCluster(args, i, withValue, options);
      continue;
    }
    if (spec.stopAtOperand) return { options, operands, end: i };
    operands.push(arg);
  }
  return { options, operands, end: i };
}

/** `-sSLo file` / `-ofile` / `-XPOST`: letters until one that takes a value, which gets the rest or the next word. */
function readShortCluster(
  args: readonly string[],
  index: number,
  withValue: ReadonlySet<string>,
  out: ParsedOption[],
): number {
  const arg = args[index] ?? '';
  for (let k = 1; k < arg.length; k += 1) {
    const letter = arg[k] ?? '';
    if (!withValue.has(letter)) {
      out.push({ name: letter });
      continue;
    }
    const rest = arg.slice(k + 1);
    if (rest !== '') out.push({ name: letter, value: rest });
    else if (index + 1 < args.length) out.push({ name: letter, value: args[++index] ?? '' });
    else out.push({ name: letter });
    return index;
  }
  return index;
}

export function hasOption(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.options.some((option) => names.includes(option.name));
}

/** Values of every occurrence of the named options, in order. */
export function optionValues(parsed: ParsedArgs, ...names: string[]): string[] {
  const values: string[] = [];
  for (const option of parsed.options) {
    if (option.value !== undefined && names.includes(option.name)) values.push(option.value);
  }
  return values;
}
