import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SEVERITIES } from '../../schemas/findings.ts';
import { knownBehaviours } from '../facts/behaviours.ts';

/**
 * What a detector says a hit means for intent. The engine weighs these against the user's request,
 * provenance, data flow and approvals; a rule only describes the action.
 */
export const CATEGORIES = [
  'credential-access',
  'secret-exposure',
  'exfiltration',
  'persistence',
  'policy-tamper',
  'defense-evasion',
  'obfuscation',
  'remote-code',
  'privilege',
  'destructive',
  'weakened-control',
  'discovery',
  'collection',
  'command-and-control',
  'impact',
] as const;
export type Category = (typeof CATEGORIES)[number];

export const RULE_TAGS = [
  'unclassified-destination',
  'critical-target',
  'returned-secret',
  // Not flagged when what it runs is a file the session itself wrote (the agent's own scratch script).
  'own-artifact',
] as const;
export type RuleTag = (typeof RULE_TAGS)[number];

/** What a rule may match on: the facts of an action (triage/facts/types.ts) and of its event. */
const MATCH_FIELDS = new Set([
  'behaviours',
  'executes',
  'environment',
  'tool',
  'toolClass',
  'command',
  'arguments',
  'decision',
  'success',
  'source',
  ...['path', 'scope', 'credentialStore', 'controlPoint', 'disposable'].flatMap((f) =>
    ['reads', 'writes', 'deletes'].map((list) => `${list}.${f}`),
  ),
  ...['target', 'host', 'class', 'direction', 'via', 'dnsEncoded'].map((f) => `network.${f}`),
  ...['kind', 'fingerprint'].flatMap((f) => [`secretsInArguments.${f}`, `secretsInOutput.${f}`]),
]);

/** `field` or `field|modifier` → a value or a list of values (any of them). */
const Match = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean(), z.array(z.union([z.string(), z.number(), z.boolean()]))]),
);
export type Match = z.infer<typeof Match>;

export const Rule = z
  .object({
    id: z.string().regex(/^[A-Z][A-Z0-9-]+$/, 'ids look like WDN-CRED-001'),
    title: z.string().min(1),
    severity: z.enum(SEVERITIES),
    category: z.enum(CATEGORIES),
    /** ATT&CK (T1552.001) and ATLAS (AML.T0051) technique ids. */
    techniques: z.array(z.string().regex(/^(T\d{4}(\.\d{3})?|AML\.T\d{4}(\.\d{3})?)$/)).default([]),
    /** All keys must hold (keys under one array field must hold for the same element). */
    match: Match.optional(),
    /** Alternatively, any of these match maps. */
    match_any: z.array(Match).optional(),
    /** Regex on the user's request that puts this action in scope (else the category's words decide). */
    scope: z.string().optional(),
    /**
     * What the verdict policy needs to know beyond the category (the code names tags, never rule ids):
     * `unclassified-destination` (an upload whose destination nobody classified: evidence only with other
     * signals), `critical-target` (touching it harms the system, requested or not), `returned-secret` (a
     * secret a tool printed, followed by its fingerprint rather than counted as a credential read).
     */
    tags: z.array(z.enum(RULE_TAGS)).default([]),
    /** `{field}` placeholders are filled from the matched element. */
    rationale: z.string().min(1),
  })
  .refine((r) => r.match || r.match_any, 'a rule needs match or match_any');
export type Rule = z.infer<typeof Rule>;

/** Per-workspace exceptions analysts add without code changes. `workspace: '*'` applies everywhere. */
export const Allowlist = z.object({
  workspace: z.string().min(1),
  /** Hosts (or parent domains) the workspace sends data to on purpose: uploads there are not exfiltration. */
  egress_hosts: z.array(z.string()).default([]),
  /** Regexes on commands that are known-good in this workspace. */
  commands: z.array(z.string()).default([]),
  /** Rules switched off in this workspace. */
  disabled_rules: z.array(z.string()).default([]),
});
export type Allowlist = z.infer<typeof Allowlist>;

export const RulePack = z.object({
  rules: z.array(Rule).default([]),
  allowlists: z.array(Allowlist).default([]),
});
export type RulePack = z.infer<typeof RulePack>;

export class RulePackError extends Error {
  override readonly name = 'RulePackError';
}

/** Parses one YAML rule pack, naming the file and the first problem. */
export function parseRulePack(text: string, source: string): RulePack {
  const result = RulePack.safeParse(parseYaml(text) ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new RulePackError(`${source}: ${issue.path.join('.')}: ${issue.message}`);
  }
  for (const rule of result.data.rules) {
    if (rule.scope !== undefined) {
      try {
        new RegExp(rule.scope, 'i');
      } catch (err) {
        throw new RulePackError(`${source}: ${rule.id}: bad scope regex: ${(err as Error).message}`);
      }
    }
    for (const m of [rule.match ?? {}, ...(rule.match_any ?? [])]) {
      for (const key of Object.keys(m)) {
        const [field = '', modifier] = key.split('|');
        // A misspelt field would match nothing, silently: refused instead.
        if (!MATCH_FIELDS.has(field))
          throw new RulePackError(`${source}: ${rule.id}: unknown field "${field}"`);
        if (field === 'behaviours' && modifier === undefined)
          for (const b of [m[key]].flat())
            if (!knownBehaviours().has(String(b)))
              throw new RulePackError(
                `${source}: ${rule.id}: no action ever shows the behaviour "${String(b)}"`,
              );
        if (modifier === 're') {
          for (const pattern of [m[key]].flat()) {
            try {
              new RegExp(String(pattern), 'i');
            } catch (err) {
              throw new RulePackError(
                `${source}: ${rule.id}: bad regex for ${key}: ${(err as Error).message}`,
              );
            }
          }
        } else if (modifier !== undefined && modifier !== 'not' && modifier !== 'exists') {
          throw new RulePackError(`${source}: ${rule.id}: unknown modifier "${modifier}" in ${key}`);
        }
      }
    }
  }
  return result.data;
}

const DEFAULT_PACK = new URL('./default.yaml', import.meta.url);

/** The built-in pack plus every `.yaml`/`.yml` file (or folder of them) in `extra`. Duplicate ids are an error. */
export async function loadRulePacks(extra: string[] = []): Promise<RulePack> {
  const files = [DEFAULT_PACK.pathname];
  for (const path of extra) {
    if ((await stat(path)).isDirectory()) {
      const names = (await readdir(path)).filter((f) => /\.ya?ml$/.test(f)).sort();
      files.push(...names.map((f) => join(path, f)));
    } else files.push(path);
  }
  const merged: RulePack = { rules: [], allowlists: [] };
  const seen = new Set<string>();
  for (const file of files) {
    const pack = parseRulePack(await readFile(file, 'utf8'), file);
    for (const rule of pack.rules) {
      if (seen.has(rule.id)) throw new RulePackError(`${file}: rule ${rule.id} is defined twice`);
      seen.add(rule.id);
    }
    merged.rules.push(...pack.rules);
    merged.allowlists.push(...pack.allowlists);
  }
  return merged;
}
