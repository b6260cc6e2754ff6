/**
 * The user's request as a structure: the environments it names (and whether it rules production out), the
 * mode (a dry run), the acts it forbids in the user's own words, the globs and directories it names for
 * the work, and the values of settings it names by key. Built once per session from the logged prompts
 * and what the session's tools read back; the verdict quotes its words.
 */
import type { Action } from './context.ts';

export interface RequestModel {
  /** Environment words named (`staging`, `dev`…), production included when named. */
  environments: string[];
  /** The words that rule production out ("not live", "test cluster"), when there are some. */
  notProduction?: string;
  /** The words asking for a dry run ("dry run", "preview", "what would"). */
  dryRun?: string;
  /** Acts ruled out, with the words that did it: `{ said: "do not push", act: "push" }`. */
  forbidden: { said: string; act: string }[];
  /** Globs (`*_thumb.jpg`) and directories (`logs/`) the user named for the work. */
  globs: string[];
  directories: string[];
  /**
   * Values the user named by reference: "the webhook in SLACK_DEPLOY_WEBHOOK" names the URL a later read
   * shows on the line `SLACK_DEPLOY_WEBHOOK=https://…`. Targets only, never request words.
   */
  namedValues: string[];
}

export const ENVIRONMENT = /\b(prod(uction)?|staging|stage|dev(elopment)?|test(ing)?|qa|local)\b/g;
export const PROD = /\bprod(uction)?\b/;
export const DRY_RUN_ASKED =
  /\b(dry[- ]run|--dry-run|preview|what would|without (actually )?(publishing|deleting|applying|pushing))\b/;
const NOT_PROD =
  /\b(not live|isn['’]?t live|aren['’]?t live|not in prod\w*|don['’]?t touch prod\w*|never prod\w*|test cluster|sandbox)\b/;
const CONSTRAINT =
  /\b(?:do not|don['’]?t|never|without|no)\s+(?:\w+\s+){0,2}?(push\w*|deploy\w*|publish\w*|releas\w*|merg\w*|commit\w*|delet\w*|remov\w*|restart\w*|apply\w*)\b/g;
export const GLOB = /(?:^|[\s'"(])([\w./-]*\*[\w.*-]*)/g;
const DIRECTORY = /(?:^|\s)([\w.-]+\/)(?=[\s,.;:)]|$)/g;

/** `KEY=value`, `KEY: value`, `"key": "value"`, `key = "value"` lines (grep's `file:12:` prefix allowed). */
const SETTING_LINE =
  /^\s*(?:[\w./-]+:)?(?:\d+[:-])?\s*(?:export\s+)?["']?([A-Za-z_][\w.-]{5,})["']?\s*[:=]\s*["']?([^\s"',]+)/;
/** A setting's name, not an English word: `SLACK_DEPLOY_WEBHOOK`, `tool.uv.index`, `webhookUrl`. */
const IDENTIFIER = /[_.]|[a-z][A-Z]|^[A-Z0-9]+$/;

/** The model of `request` (lower-cased prompts; empty when redacted), with what `actions` read back. */
export function requestModel(request: string, actions: readonly Action[]): RequestModel {
  const notProduction = NOT_PROD.exec(request)?.[0];
  const dryRun = DRY_RUN_ASKED.exec(request)?.[0];
  return {
    environments: [...new Set(request.match(ENVIRONMENT) ?? [])],
    ...(notProduction !== undefined && { notProduction }),
    ...(dryRun !== undefined && { dryRun }),
    forbidden: [...request.matchAll(CONSTRAINT)].map((m) => ({ said: m[0], act: m[1]! })),
    globs: [...request.matchAll(GLOB)].map((m) => m[1]!.split('/').pop()!).filter((g) => g !== '*'),
    directories: [...request.matchAll(DIRECTORY)].map((m) => m[1]!),
    namedValues: valuesNamedByKey(request, actions),
  };
}

/**
 * Values of settings the request names by key, as the session's tools read them back. Only identifiers
 * count: "our webhook" must not make any `webhook: …` line in a fetched page the user's destination.
 */
function valuesNamedByKey(request: string, actions: readonly Action[]): string[] {
  if (!request) return [];
  const words = new Set(request.match(/[a-z_][\w.-]*/g) ?? []);
  const values = new Set<string>();
  for (const action of actions) {
    for (const line of (action.facts.outputText ?? '').split('\n')) {
      const m = SETTING_LINE.exec(line);
      if (m && IDENTIFIER.test(m[1]!) && words.has(m[1]!.toLowerCase())) values.add(m[2]!.toLowerCase());
    }
  }
  return [...values];
}
