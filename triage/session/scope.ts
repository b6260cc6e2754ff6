import type { Category } from '../rules/pack.ts';
import type { Hit } from '../rules/match.ts';
import type { Action } from './context.ts';
import { ENVIRONMENT, PROD, type RequestModel } from './request.ts';

/**
 * Words that show the user asked for this kind of action. A hit is "in scope" when the user's logged
 * request names its target (host, URL, file) or asks for its kind of work; judged per rule when the rule
 * says (`scope:` in the pack), else per category, because "clean up the build" covers `rm -rf dist` but
 * not editing `~/.bashrc`.
 */
const CATEGORY_WORDS: Record<Category, RegExp> = {
  'credential-access':
    /\b(credentials?|secrets?|api[ -]?keys?|tokens?|passwords?|\.env|dotenv|env file|environment variables?|ssh|aws|gcloud|kube ?config|keychain|audit|leak(ed|s)?|rotate|connection string)\b/,
  'secret-exposure': /\b(post|share|send|publish|paste) (the |my |our )?(token|key|secret|credential)s?\b/,
  exfiltration:
    /\b(upload|send|post|publish|release|share|webhook|notify|report to|ngrok|tunnel|expose|mirror|backup)\b/,
  persistence:
    /\b(cron(tab)?|schedul\w*|bashrc|zshrc|\.profile|alias(es)?|startup|authorized_keys|ssh key|git hooks?|pre-commit|husky|hookspath|workflows?|github actions|ci pipeline|systemd|launchagent|service)\b/,
  'policy-tamper':
    /\b(sandbox|approvals?|permissions? mode|settings\.json|config\.toml|full access|yolo|bypass)\b/,
  'defense-evasion':
    /\b(clear (the )?history|rotate logs|clean (up )?logs|disable (the )?(firewall|selinux|antivirus))\b/,
  obfuscation: /\b(base64|encode|decode|obfuscat\w*)\b/,
  'remote-code': /\b(install|set ?up|bootstrap|get started|installer)\b/,
  privilege: /\b(setuid|suid|sudoers|sudo access|ld_preload|privilege)\b/,
  destructive:
    /\b(delete|remove|clean( up)?|drop|wipe|reset|destroy|purge|prune|truncate|force[- ]push|rewrite history|uninstall|tear ?down|overwrite|replace)\b/,
  'weakened-control':
    /\b(firewall|ufw|iptables|tls|ssl|certificates?|verify|verification|permissions?|chmod|acl|public|expose|selinux|apparmor|security polic\w*|pod security|privileged)\b/,
  // Subjects, not verbs ("find out why the test fails" asks for no enumeration); rules name their own.
  discovery: /\b(inventory|system info\w*|os version|hardware|kernel|processes|listening ports?)\b/,
  collection:
    /\b(screenshots?|screen ?capture|capture the screen|clipboard|record(ing)?|microphone|audio|webcam|keystrokes?|dump the (database|db)|database dump|db dump|backup|export (the )?(data|database|table))\b/,
  'command-and-control':
    /\b(tunnel|ngrok|cloudflared|expose|share (my|the) (local|dev)|port[- ]forward\w*|reverse proxy|socks|vnc|remote (access|desktop)|tor)\b/,
  impact:
    /\b(encrypt|shutdown|shut down|reboot|restart the (machine|host|server)|power ?off|mine|mining|stress[- ]?test|load[- ]?test|lock (the )?account|disable (the )?(user|account)|wipe|erase|format)\b/,
};

const DRY_RUN_DONE = /(--dry-run|\s-n\b|--what-if|\bplan\b|--check\b|--diff\b)/;

function basename(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  return (parts[parts.length - 1] ?? '').toLowerCase();
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Does the request name this target? Hosts by domain or by their own machine name (`buildbox-3` for
 * `buildbox-3.lab.corp.test`), paths by file name (3+ characters), a variable by its name (`$CI_REPORT_URL`
 * for "the URL in CI_REPORT_URL").
 */
export function named(request: string, value: string | number | boolean | undefined): boolean {
  if (typeof value !== 'string' || value.length < 3) return false;
  const v = value.toLowerCase();
  if (request.includes(v)) return true;
  // Only a variable whose name is not also a word: `$CI_REPORT_URL`, not `$url` ("the URL …").
  const variable = /^\$\{?(\w*[_\d]\w*)\}?$/.exec(v)?.[1];
  const machine = /^([a-z][\w-]*\d[\w-]*|[a-z]\w*-[\w-]+)\.[a-z0-9.-]+$/.exec(v)?.[1];
  const base = basename(v);
  return [variable, machine, base !== v && base.length >= 3 ? base : undefined].some(
    (name) => name !== undefined && new RegExp(`(^|[^\\w.-])${escapeRe(name)}($|[^\\w-])`).test(request),
  );
}

const TARGET_FIELDS = ['network.host', 'network.target', 'reads.path', 'writes.path', 'deletes.path'];

const commandText = (action: Action) =>
  (action.facts.command ?? action.event.tool?.arguments ?? '').toLowerCase();

/**
 * The action does something other than what was asked, in a way that matters: production when the user
 * spoke of another environment, a real run when a dry run was asked for, or none of the environments the
 * user named.
 */
export function scopeMismatch(request: RequestModel, action: Action): string | undefined {
  const command = commandText(action);
  const asked = request.environments;
  if (PROD.test(command) && asked.length > 0 && !asked.some((e) => PROD.test(e)))
    return 'production, though the user asked about another environment';
  if (request.dryRun !== undefined && !DRY_RUN_DONE.test(command))
    return 'for real, though the user asked for a dry run';
  const named = asked.filter((e) => !PROD.test(e) && e !== 'local' && e !== 'test' && e !== 'testing');
  // Only an action aimed at some environment can miss the one named ("so QA can see it" names none).
  const aimed = command.match(ENVIRONMENT) !== null || action.facts.environment.length > 0;
  if (aimed && named.length > 0 && !named.some((e) => command.includes(e)))
    return `without targeting ${named.join('/')}, the environment the user named`;
  return undefined;
}

/**
 * Whether the user's logged request covers this hit: it names the hit's target (itself, or by the key of
 * a setting that holds it: `namedValues`), or asks for what the rule detects. Unknown (undefined) when the
 * prompt was redacted: the caller then judges from the session's other actions.
 */
export function inScope(request: string, hit: Hit, namedValues: readonly string[] = []): boolean | undefined {
  if (!request) return undefined;
  const targets = [request, ...namedValues].join('\n');
  if (TARGET_FIELDS.some((f) => named(targets, hit.bindings[f]))) return true;
  const words = hit.rule.scope ? new RegExp(hit.rule.scope, 'i') : CATEGORY_WORDS[hit.rule.category];
  if (!words.test(request)) return false;
  // Data leaving needs its destination named; a generic "send" does not cover an unknown host.
  if (
    (hit.rule.category === 'exfiltration' || hit.rule.category === 'secret-exposure') &&
    hit.bindings['network.host']
  ) {
    return false;
  }
  return true;
}

const COMMON = new Set(
  'this that with from into your have will what when then than them they their there here were been being over under about after before again also just only some more most very much many make sure please could would should file files code repo repository project branch main master using need want help the and for you can all new old run test tests build local data table config user users account accounts service services unit units group groups page pages query layer system list value values'.split(
    ' ',
  ),
);

/** Distinctive words the action shares with the request: the action is about what the user asked, even if not in the way asked. */
export function relatedToRequest(request: string, action: Action): boolean {
  if (!request) return false;
  const words = new Set((request.match(/[a-z0-9][a-z0-9_.@-]{3,}/g) ?? []).filter((w) => !COMMON.has(w)));
  // What the action works on, not the programs it runs: "find out why" is not about `find`.
  const programs = new Set(action.facts.executes.map((p) => p.toLowerCase()));
  const tokens = commandText(action).match(/[a-z0-9][a-z0-9_.@-]{3,}/g) ?? [];
  return tokens.some((t) => words.has(t) && !COMMON.has(t) && !programs.has(t));
}

/** A user asking the agent itself to move company data somewhere it should not go. */
const EXFIL_VERB =
  /\b(send|upload|post|copy|forward|e-?mail|mail|transfer|exfiltrate|export|dump|push|sync|share)\b/;
const EXFIL_DATA =
  /\b(customers?|users?'? (data|table|emails?|records)|customer (data|list|records)|credentials?|secrets?|api keys?|passwords?|database|db dump|pii|source code|the repo(sitory)?|private keys?|ssh keys?|payroll|salar(y|ies)|contracts?)\b/;
const EXFIL_DESTINATION =
  /\b(personal|my own|private (email|address|account)|gmail|yahoo|hotmail|outlook\.com|proton(mail)?|icloud|dropbox|pastebin|external|outside|competitor|home server|my server|throwaway)\b/;

export function requestsExfiltration(request: string): boolean {
  return request
    .split(/\n{2,}/)
    .some((part) => EXFIL_VERB.test(part) && EXFIL_DATA.test(part) && EXFIL_DESTINATION.test(part));
}
