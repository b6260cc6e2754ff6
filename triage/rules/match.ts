import type { AgentEvent } from '../../schemas/agent-event.ts';
import type { ActionFacts } from '../facts/types.ts';
import type { Allowlist, Match, Rule } from './pack.ts';

type Scalar = string | number | boolean;

/** Fields that hold lists of objects: keys under one of them must hold for the same element. */
const OBJECT_LISTS = [
  'reads',
  'writes',
  'deletes',
  'network',
  'secretsInArguments',
  'secretsInOutput',
] as const;
type ObjectList = (typeof OBJECT_LISTS)[number];
const isObjectList = (root: string): root is ObjectList => (OBJECT_LISTS as readonly string[]).includes(root);

/** One detector hit on one event. */
export interface Hit {
  rule: Rule;
  eventId: string;
  rationale: string;
  /** Values bound by the match (`network.host`, `reads.path`, …): what later reasoning looks at. */
  bindings: Record<string, Scalar>;
}

/** Values a scalar or string-list field has for this action. */
function fieldValues(facts: ActionFacts, event: AgentEvent, field: string): Scalar[] {
  switch (field) {
    case 'behaviours':
      return facts.behaviours;
    case 'executes':
      return facts.executes;
    case 'tool':
      return [facts.tool];
    case 'toolClass':
      return [facts.toolClass];
    case 'command':
      return facts.command === undefined ? [] : [facts.command];
    case 'arguments':
      return event.tool?.arguments === undefined ? [] : [event.tool.arguments];
    case 'decision':
      return event.decision ? [event.decision.decision] : [];
    case 'success':
      return event.result?.success === undefined ? [] : [event.result.success];
    case 'source':
      return [event.source];
    default:
      return [];
  }
}

const regexCache = new Map<string, RegExp>();
const regexOf = (pattern: string) => {
  let re = regexCache.get(pattern);
  if (!re) regexCache.set(pattern, (re = new RegExp(pattern, 'i')));
  return re;
};

interface Condition {
  field: string;
  modifier: string | undefined;
  /** The expected values; strings lower-cased once, for case-insensitive equality. */
  wanted: Scalar[];
  lowered: Set<Scalar>;
  regexes: RegExp[];
}

const lower = (v: Scalar) => (typeof v === 'string' ? v.toLowerCase() : v);

/** Does a field with these values satisfy the condition? */
function holds(values: Scalar[], c: Condition): boolean {
  switch (c.modifier) {
    case undefined:
      return values.some((v) => c.lowered.has(lower(v)));
    case 're':
      return values.some((v) => c.regexes.some((re) => re.test(String(v))));
    case 'not':
      return !values.some((v) => c.lowered.has(lower(v)));
    case 'exists':
      return values.length > 0 === (c.wanted[0] === true);
    default:
      return false;
  }
}

/** A match map compiled once: its conditions by root, and the behaviours one of which it requires. */
interface CompiledMatch {
  byRoot: Map<string, Condition[]>;
  needs?: Set<string>;
}

/** Match maps compiled once: rules are matched against every action of every batch. */
const compiled = new WeakMap<Match, CompiledMatch>();

function conditions(m: Match): CompiledMatch {
  const known = compiled.get(m);
  if (known) return known;
  const byRoot = new Map<string, Condition[]>();
  let needs: Set<string> | undefined;
  for (const [key, expected] of Object.entries(m)) {
    const [path, modifier] = key.split('|') as [string, string | undefined];
    const [root, field] = path.includes('.')
      ? [path.slice(0, path.indexOf('.')), path.slice(path.indexOf('.') + 1)]
      : [path, path];
    const wanted = [expected].flat();
    const condition: Condition = {
      field,
      modifier,
      wanted,
      lowered: new Set(wanted.map(lower)),
      regexes: modifier === 're' ? wanted.map((w) => regexOf(String(w))) : [],
    };
    if (root === 'behaviours' && modifier === undefined)
      needs = new Set(wanted.map((w) => String(w).toLowerCase()));
    byRoot.set(root, [...(byRoot.get(root) ?? []), condition]);
  }
  const c = { byRoot, ...(needs && { needs }) };
  compiled.set(m, c);
  return c;
}

/** Binds a match map to the action, or returns undefined when it does not hold. */
function bind(m: Match, facts: ActionFacts, event: AgentEvent): Record<string, Scalar> | undefined {
  const { byRoot, needs } = conditions(m);
  // Most rules name the behaviour they are about: an action showing none of them is skipped outright.
  if (needs && !facts.behaviours.some((b) => needs.has(b.toLowerCase()))) return undefined;
  const bindings: Record<string, Scalar> = {};
  for (const [root, conds] of byRoot) {
    if (isObjectList(root)) {
      const elements = facts[root] as unknown as Record<string, Scalar | undefined>[];
      const element = elements.find((el) =>
        conds.every((c) => holds(el[c.field] === undefined ? [] : [el[c.field]!], c)),
      );
      // A list with no element still satisfies conditions that only say what must be absent.
      if (!element) {
        if (conds.every((c) => c.modifier === 'not' || (c.modifier === 'exists' && c.wanted[0] === false)))
          continue;
        return undefined;
      }
      for (const [k, v] of Object.entries(element))
        if (v !== undefined && typeof v !== 'object') bindings[`${root}.${k}`] = v;
    } else {
      for (const c of conds) {
        const values = fieldValues(facts, event, c.field);
        if (!holds(values, c)) return undefined;
        if (values[0] !== undefined) bindings[root] = values[0];
      }
    }
  }
  return bindings;
}

/** `s`, cut to `n` characters with an ellipsis: how rationales quote commands. */
export const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What an action ran, quoted: its command line, or for other tools the tool and the file it touched. */
function quoted(facts: ActionFacts): string {
  if (facts.command !== undefined) return facts.command;
  const path = [...facts.writes, ...facts.deletes, ...facts.reads][0]?.path;
  return path === undefined ? facts.tool : `${facts.tool} ${path}`;
}

function fill(template: string, bindings: Record<string, Scalar>, facts: ActionFacts): string {
  return template.replace(/\{([\w.]+)\}/g, (_, name: string) => {
    const value =
      bindings[name] ?? (name === 'tool' ? facts.tool : name === 'command' ? quoted(facts) : undefined);
    return value === undefined ? name : clip(String(value));
  });
}

/** The allowlists that apply to a workspace. */
export function allowlistsFor(all: Allowlist[], workspace: string): Allowlist[] {
  return all.filter((a) => a.workspace === '*' || a.workspace === workspace);
}

/** Runs every enabled rule on one action. */
export function matchRules(rules: Rule[], facts: ActionFacts, event: AgentEvent, allow: Allowlist[]): Hit[] {
  const disabled = new Set(allow.flatMap((a) => a.disabled_rules));
  const knownGood = allow.flatMap((a) => a.commands).map(regexOf);
  if (facts.command && knownGood.some((re) => re.test(facts.command!))) return [];
  const hits: Hit[] = [];
  for (const rule of rules) {
    if (disabled.has(rule.id)) continue;
    const maps = rule.match ? [rule.match] : (rule.match_any ?? []);
    for (const m of maps) {
      const bindings = bind(m, facts, event);
      if (bindings) {
        hits.push({
          rule,
          eventId: event.eventId,
          rationale: fill(rule.rationale, bindings, facts),
          bindings,
        });
        break;
      }
    }
  }
  return hits;
}
