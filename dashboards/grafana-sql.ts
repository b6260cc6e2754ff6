/**
 * Test support: turns a dashboard panel's rawSql into the SQL ClickHouse receives, as Grafana and the
 * ClickHouse data source plugin (grafana-clickhouse-datasource v4) would:
 *
 * 1. in the browser, `$__conditionalAll(condition, $var)` becomes `1=1` when the variable selects All
 *    (or nothing), else the condition;
 * 2. in the browser, template variables are interpolated: `${var:singlequote}`, `${var:csv}`, `${var:raw}`,
 *    `${var}` / `$var` (the plugin's default format quotes multi-value selections and leaves a single value raw);
 * 3. in the plugin's backend, the time macros expand (pkg/macros/macros.go): `$__timeFilter(col)`,
 *    `$__timeFilter_ms(col)`, `$__dateFilter(col)`, `$__fromTime`, `$__toTime` (+ `_ms`), `$__interval_s`,
 *    `$__timeInterval(col)`, `$__timeInterval_ms(col)`.
 *
 * Anything else starting with `$` is an error, so a typo cannot slip through as literal SQL.
 */

export interface GrafanaQueryContext {
  from: Date;
  to: Date;
  /** The panel's interval in seconds (Grafana derives it from the range and the panel width). */
  intervalS: number;
  /** Selected values per template variable; `'all'` selects the All option. */
  variables: Record<string, string[] | 'all'>;
  /** What All expands to outside `$__conditionalAll` (the variable's options). */
  allValues?: Record<string, string[]>;
}

export function expandGrafanaSql(rawSql: string, ctx: GrafanaQueryContext): string {
  const withConditionals = replaceMacroCalls(rawSql, ['conditionalAll'], (_name, args) => {
    if (args.length !== 2) throw new Error(`$__conditionalAll takes 2 arguments, got ${args.length}`);
    const variable = /^\$\{?(\w+)\}?$/.exec(args[1]!.trim())?.[1];
    if (!variable)
      throw new Error(`$__conditionalAll: the second argument must be a variable, got ${args[1]}`);
    const selected = selection(ctx, variable);
    return selected === 'all' || selected.length === 0 ? '1=1' : args[0]!;
  });
  const withVariables = interpolateVariables(withConditionals, ctx);
  const expanded = expandBackendMacros(withVariables, ctx);
  const leftover = /\$[\w{]+/.exec(expanded);
  if (leftover) throw new Error(`unexpanded Grafana macro or variable ${leftover[0]}`);
  return expanded;
}

function selection(ctx: GrafanaQueryContext, variable: string): string[] | 'all' {
  const selected = ctx.variables[variable];
  if (selected === undefined) throw new Error(`template variable $${variable} has no value in this test`);
  return selected;
}

function quote(value: string, q: string): string {
  return q + value.replaceAll('\\', '\\\\').replaceAll(q, `\\${q}`) + q;
}

function interpolateVariables(sql: string, ctx: GrafanaQueryContext): string {
  // ${name}, ${name:format} and $name; $__ names are macros, handled later.
  return sql.replace(/\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)/g, (match, braced, format, bare) => {
    const name = (braced ?? bare) as string;
    if (name.startsWith('__')) return match;
    const selected = selection(ctx, name);
    const values = selected === 'all' ? (ctx.allValues?.[name] ?? []) : selected;
    switch (format as string | undefined) {
      case undefined:
        // The plugin's default: arrays become 'a','b'; a single value is left as it is.
        return selected === 'all' || values.length !== 1
          ? values.map((v) => quote(v, "'")).join(',')
          : values[0]!;
      case 'singlequote':
        return values.map((v) => quote(v, "'")).join(',');
      case 'doublequote':
        return values.map((v) => quote(v, '"')).join(',');
      case 'sqlstring':
        return values.map((v) => `'${v.replaceAll("'", "''")}'`).join(',');
      case 'csv':
        return values.join(',');
      case 'raw':
        return values.join(',');
      default:
        throw new Error(`unsupported variable format ${match}`);
    }
  });
}

const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const isoDate = (d: Date) => d.toISOString().slice(0, 10);

function expandBackendMacros(sql: string, ctx: GrafanaQueryContext): string {
  const from = `toDateTime(${seconds(ctx.from)})`;
  const to = `toDateTime(${seconds(ctx.to)})`;
  const fromMs = `fromUnixTimestamp64Milli(${ctx.from.getTime()})`;
  const toMs = `fromUnixTimestamp64Milli(${ctx.to.getTime()})`;
  const interval = Math.max(Math.floor(ctx.intervalS), 1);
  const oneArg = (name: string, args: string[]) => {
    if (args.length !== 1) throw new Error(`$__${name} takes 1 argument, got ${args.length}`);
    return args[0]!.trim();
  };
  const withCalls = replaceMacroCalls(
    sql,
    ['timeFilter', 'timeFilter_ms', 'dateFilter', 'timeInterval', 'timeInterval_ms'],
    (name, args) => {
      const col = oneArg(name, args);
      switch (name) {
        case 'timeFilter':
          return `${col} >= ${from} AND ${col} <= ${to}`;
        case 'timeFilter_ms':
          return `${col} >= ${fromMs} AND ${col} <= ${toMs}`;
        case 'dateFilter':
          return `${col} >= toDate('${isoDate(ctx.from)}') AND ${col} <= toDate('${isoDate(ctx.to)}')`;
        case 'timeInterval':
          return `toStartOfInterval(toDateTime(${col}), INTERVAL ${interval} second)`;
        default:
          return `toStartOfInterval(toDateTime64(${col}, 3), INTERVAL ${interval * 1000} millisecond)`;
      }
    },
  );
  const constants: Record<string, string> = {
    fromTime: from,
    toTime: to,
    fromTime_ms: fromMs,
    toTime_ms: toMs,
    interval_s: String(interval),
  };
  return withCalls.replace(/\$__(\w+)/g, (match, name: string) => constants[name] ?? match);
}

/** Replaces `$__name(arg, …)` calls (parentheses and quotes inside arguments respected), innermost last. */
function replaceMacroCalls(
  sql: string,
  names: string[],
  expand: (name: string, args: string[]) => string,
): string {
  const pattern = new RegExp(`\\$__(${names.join('|')})\\(`, 'g');
  let out = sql;
  for (;;) {
    pattern.lastIndex = 0;
    const m = pattern.exec(out);
    if (!m) return out;
    const open = m.index + m[0].length - 1;
    const { args, end } = macroArgs(out, open);
    out = out.slice(0, m.index) + expand(m[1]!, args) + out.slice(end + 1);
  }
}

function macroArgs(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let quoteChar = '';
  let start = open + 1;
  for (let i = open; i < sql.length; i++) {
    const c = sql[i]!;
    if (quoteChar) {
      if (c === '\\') i++;
      else if (c === quoteChar) quoteChar = '';
      continue;
    }
    if (c === "'" || c === '"' || c === '`') quoteChar = c;
    else if (c === '(') depth++;
    else if (c === ')') {
      depth--;
      if (depth === 0) {
        args.push(sql.slice(start, i));
        return { args, end: i };
      }
    } else if (c === ',' && depth === 1) {
      args.push(sql.slice(start, i));
      start = i + 1;
    }
  }
  throw new Error(`unbalanced parentheses in macro call at ${sql.slice(open - 20, open + 20)}`);
}
