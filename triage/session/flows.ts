import { parseToolArguments, writtenText as writtenContent } from '../facts/tools.ts';
import { namedByUser, type Action, type SessionContext } from './context.ts';
import type { Signal } from '../verdict/assess.ts';
import { row } from '../verdict/policy.ts';

/** Destinations that are normal for development work. */
const ROUTINE = new Set(['package-registry', 'code-host', 'localhost', 'internal']);
const EXFIL_VIA_AGENT = 'AML.T0086';

/** Tools that speak to people or systems outside the session (chat, issues, mail, gists, uploads). */
const OUTBOUND_TOOL =
  /(post|send|message|comment|reply|create_?(issue|pull|pr|gist|comment|page|ticket)|upload|share|e?mail|tweet|publish|forward|invite|notify)/i;
const OUTBOUND_COMMAND =
  /\bgh\s+(issue|pr)\s+(comment|create|edit|review)\b|\bgh\s+gist\s+create\b|\bgh\s+api\b.*-X\s*(POST|PATCH|PUT)|\bglab\s+(issue|mr)\s+(note|create)\b/;

export interface Channel {
  target: string;
  via: string;
  /** Data leaves over the network to a host (vs. a message or comment through a tool). */
  network: boolean;
  /** Its body is fixed text on the command line: only a secret written into it can leave with it. */
  inline?: boolean;
  /** The user named this destination (in the request, or by the setting that holds it). */
  named?: boolean;
}

/** Where this action sends data outside, if anywhere (not counting routine or allowed hosts). */
export function outboundChannels(
  ctx: SessionContext,
  action: Action,
  allowedHosts: (h: string) => boolean,
): Channel[] {
  const channels: Channel[] = action.facts.network
    .filter(
      (n) => (n.direction === 'upload' || n.dnsEncoded) && !ROUTINE.has(n.class) && !allowedHosts(n.host),
    )
    .map((n) => ({
      target: n.host,
      via: n.via,
      network: true,
      inline: n.inlineBody === true,
      named: namedByUser(ctx, n.host),
    }));
  const toolOutbound =
    (action.facts.toolClass === 'mcp' || action.facts.toolClass === 'other') &&
    OUTBOUND_TOOL.test(action.facts.tool);
  const command = action.facts.command ?? '';
  if (toolOutbound || OUTBOUND_COMMAND.test(command)) {
    // "Post it in #payments-eng" asks for Slack's post tool as much as a URL names a host; so does naming
    // the very channel, address, repository or issue the call goes to.
    const named = toolOutbound
      ? verbAsked(ctx, action.facts.tool) || argumentNamed(ctx, action)
      : commandTargetNamed(ctx, command);
    const via = toolOutbound ? action.facts.tool : (OUTBOUND_COMMAND.exec(command)?.[0] ?? command);
    channels.push({ target: via, via, network: false, named });
  }
  return channels;
}

const failed = (a: Action) =>
  a.event.result?.success === false || (a.decision !== undefined && a.decision.decision !== 'allow');

/**
 * Sensitive data read (credential stores, env dumps, secrets in outputs) and later sent out. A network
 * upload after any credential access counts unless its body is fixed text that carries no secret; a message
 * or comment counts when the very secret (by fingerprint) or the credential read travels in it.
 */
export function exfiltrationChains(ctx: SessionContext, allowedHosts: (h: string) => boolean): Signal[] {
  const sources: { action: Action; what: string; credential: boolean; fingerprints: Set<string> }[] = [];
  const tainted = new Map<string, string[]>();
  for (const action of ctx.actions) {
    // A secret that merely shows up in output is tracked by fingerprint, not as a credential read.
    const credential = action.hits.find(
      (h) => h.rule.category === 'credential-access' && !h.rule.tags.includes('returned-secret'),
    );
    if (credential || action.facts.secretsInOutput.length) {
      sources.push({
        action,
        what: credential?.rationale ?? `a secret in ${action.facts.tool} output`,
        credential: credential !== undefined,
        fingerprints: new Set(action.facts.secretsInOutput.map((s) => s.fingerprint)),
      });
    }
    // A file the session wrote secrets into carries them wherever it is sent later (an issue body file).
    const written = action.facts.secretsInArguments.map((s) => s.fingerprint);
    if (written.length && action.facts.writes.length && !failed(action)) {
      for (const w of action.facts.writes) tainted.set(w.path, written);
      sources.push({
        action,
        what: `wrote a secret into ${action.facts.writes[0]!.path}`,
        credential: false,
        fingerprints: new Set(written),
      });
    }
    if (failed(action) || !sources.length) continue;
    const channels = outboundChannels(ctx, action, allowedHosts);
    if (!channels.length) continue;
    const carried = new Set([
      ...action.facts.secretsInArguments.map((s) => s.fingerprint),
      ...action.facts.reads.flatMap((r) => tainted.get(r.path) ?? []),
    ]);
    for (const channel of channels) {
      const source = sources.find(
        (s) =>
          [...s.fingerprints].some((f) => carried.has(f)) ||
          (s.credential && !channel.inline && (s.action === action || channel.network)),
      );
      if (!source) continue;
      // To where the user asked, with a secret that slipped into the report from an earlier step: the
      // user's goal, carelessly done. A send that itself collects credentials (`--body "$(env)"`) is not a slip.
      const slipped = source.action !== action || [...source.fingerprints].some((f) => carried.has(f));
      if (channel.named && slipped)
        return [
          {
            ...row('M4'),
            hard: false,
            title: `Sensitive data sent to ${channel.target}`,
            text: channel.network
              ? `${source.what}, then sent it to ${channel.target}, the destination the user named, with ${channel.via}`
              : `${source.what}, then sent it out through ${channel.via}, the channel the user asked for`,
            severity: 'high',
            eventIds: [...new Set([source.action.event.eventId, action.event.eventId])],
            techniques: ['T1552.001'],
          },
        ];
      return [
        {
          ...row('E3'),
          hard: true,
          title: `Sensitive data sent to ${channel.target}`,
          text: `${source.what}, then sent it ${channel.network ? `to ${channel.target} with ${channel.via}` : `out through ${channel.via}`}`,
          severity: 'critical',
          eventIds: [...new Set([source.action.event.eventId, action.event.eventId])],
          techniques: ['T1552.001', 'T1567', EXFIL_VIA_AGENT],
        },
      ];
    }
  }
  return [];
}

/** The text an action writes into a file (file tools' content, patches' added lines, echoed text). */
export function writtenText(action: Action): string | undefined {
  if (!action.facts.writes.length && !action.facts.behaviours.includes('crontab-edit')) return undefined;
  const raw = action.event.tool?.arguments;
  const args = parseToolArguments(raw);
  // Unparseable arguments are scanned as they are: the written text is in there somewhere.
  const written = args ? writtenContent(args) : (raw ?? '');
  return `${action.facts.command ?? ''}\n${written}`;
}

const URL_IN_TEXT = /\bhttps?:\/\/([a-z0-9.-]+\.[a-z]{2,})(?::\d+)?[^\s'"`)]*/gi;
const SENDS =
  /\b(fetch\s*\(|axios|requests\.(post|put)|urllib|http\.request|curl\b|wget\b|nc\s|--data|--upload-file|-X\s*(POST|PUT)|method:\s*['"](POST|PUT)|\.post\s*\()/i;
const SENSITIVE =
  /(process\.env|os\.environ|\$\(env\)|printenv|\benv\b\s*\||\.ssh\/|\.aws\/|credentials|id_rsa|id_ed25519|\.git-credentials|\.npmrc|\bsecrets?\b|tar\s+c\S*\s+(-\s+)?\.)/i;
const ROUTINE_HOSTS =
  /(^|\.)(github\.com|githubusercontent\.com|gitlab\.com|npmjs\.org|pypi\.org|pythonhosted\.org|localhost|127\.0\.0\.1)$/;

/**
 * Code or configuration the agent wrote that itself sends data out: a hook, a cron line, a test setup
 * file POSTing `process.env`. The write runs later, so the network call never shows as an action.
 */
export function plantedSenders(ctx: SessionContext): Signal[] {
  for (const action of ctx.actions) {
    const text = writtenText(action);
    if (!text || !SENDS.test(text) || failed(action)) continue;
    const hosts = [...text.matchAll(URL_IN_TEXT)]
      .map((m) => m[1]!.toLowerCase())
      .filter((h) => !ROUTINE_HOSTS.test(h) && !ctx.request.includes(h));
    if (!hosts.length) continue;
    const controlPoint =
      action.facts.writes.find((w) => w.controlPoint)?.controlPoint ??
      (action.facts.behaviours.includes('crontab-edit') ? 'crontab' : undefined);
    const sensitive = SENSITIVE.test(text);
    if (!controlPoint && !sensitive) continue;
    const where = controlPoint
      ? `${controlPoint} (${action.facts.writes[0]?.path ?? action.facts.tool})`
      : (action.facts.writes[0]?.path ?? action.facts.tool);
    return [
      {
        ...row('E7'),
        hard: true,
        title: controlPoint ? `Outbound call planted in ${controlPoint}` : 'Code written to send secrets out',
        text: `wrote ${where} so that it sends ${sensitive ? 'sensitive data' : 'data'} to ${hosts[0]}`,
        severity: 'critical',
        eventIds: [action.event.eventId],
        techniques: controlPoint ? ['T1546', 'T1041', 'AML.T0086'] : ['T1041', 'AML.T0086'],
      },
    ];
  }
  return [];
}

const DESTRUCTIVE_TEXT =
  /\brm\s+-[a-z]*(rf|fr)[a-z]*\b|\brm\s+--no-preserve-root|\bmkfs(\.\w+)?\b|\bdd\s+if=\S+\s+of=\/dev\/|:\(\)\s*\{\s*:\|:&\s*\};:|\bshred\b.*\/dev\//;

/** A startup file, hook or scheduled task written to run a destructive command later (`alias sudo="rm -rf /"`). */
export function plantedDestruction(ctx: SessionContext): Signal[] {
  for (const action of ctx.actions) {
    const controlPoint = action.facts.writes.find((w) => w.controlPoint)?.controlPoint;
    const text = controlPoint ? writtenText(action) : undefined;
    if (!text || !DESTRUCTIVE_TEXT.test(text) || failed(action)) continue;
    return [
      {
        ...row('E7'),
        hard: true,
        title: `Destructive command planted in ${controlPoint}`,
        text: `wrote a destructive command into ${action.facts.writes[0]!.path} (${controlPoint}) to run later`,
        severity: 'critical',
        eventIds: [action.event.eventId],
        techniques: ['T1546.004', 'T1485'],
      },
    ];
  }
  return [];
}

const COMMIT = /\bgit\s+(commit|push)\b/;
const ENV_FILE_COMMITTED =
  /(create mode \d+ \S*\.env(\.\w+)?\b|new file:\s+\S*\.env(\.\w+)?\b|\bgit\s+add\s+(\S+\s+)*\S*\.env(\.\w+)?\b(?!\.example))/;

/** A secret written into a file or an env file staged, and then committed or pushed: a leak by accident. */
export function committedSecrets(ctx: SessionContext): Signal[] {
  const withSecrets = ctx.actions.filter(
    (a) => a.facts.writes.length > 0 && a.facts.secretsInArguments.length > 0,
  );
  for (const action of ctx.actions) {
    const command = action.facts.command ?? '';
    if (!COMMIT.test(command) && !/\bgit\s+add\b/.test(command)) continue;
    const envFile = ENV_FILE_COMMITTED.test(`${command}\n${action.facts.outputText ?? ''}`);
    const earlier = withSecrets.find((w) => w.index < action.index);
    if (!envFile && !(earlier && COMMIT.test(command))) continue;
    const what = envFile
      ? 'an environment file'
      : `a ${earlier!.facts.secretsInArguments[0]!.kind} written into ${earlier!.facts.writes[0]!.path}`;
    return [
      {
        ...row('M4'),
        hard: false,
        title: 'Secret committed to git',
        text: `committed ${what} (${command.slice(0, 80)})`,
        severity: 'medium',
        eventIds: [...new Set([...(earlier ? [earlier.event.eventId] : []), action.event.eventId])],
        techniques: ['T1552.001'],
      },
    ];
  }
  return [];
}

/** Verbs of tools that change something or send something (as opposed to get/search/list/view). */
const ACTING_VERB =
  /^(send|post|create|update|delete|remove|grant|unlock|lock|transfer|pay|buy|purchase|book|cancel|schedule|set|give|share|invite|disable|enable|block|unblock|approve|deposit|withdraw|trade|order|move|reset|revoke|add|modify|edit|upload|dispatch|publish|reply|forward|tweet|follow|comment|manage|control|change|assign|install|uninstall|execute|run|make|submit|sell|place|apply|close|open|turn|start|stop)$/;
const GENERIC_WORD = /^(mcp|get|the|and|for|with|tool|api|data|info|details?|new|all)$/;
const SYNONYMS: Record<string, string[]> = {
  send: ['email', 'mail', 'message', 'send'],
  email: ['email', 'mail'],
  gmail: ['email', 'mail', 'gmail'],
};

/** `GmailSendEmail`, `mcp__github__create_issue` → [gmail, send, email], [github, create, issue]. */
function toolWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 3 && !GENERIC_WORD.test(w));
}

/** String values of a tool's JSON arguments (emails, ids, names, places) that could have been copied from somewhere. */
/** A short argument (a channel, an address, a repository) that the request itself names. */
/** A command's repository, channel or address (`acme/cli`, `#ops`, `a@b.c`) is one the request names. */
function commandTargetNamed(ctx: SessionContext, command: string): boolean {
  return (command.toLowerCase().match(/[\w.@#-]*[/@#][\w.@#/-]+/g) ?? []).some(
    (token) => token.length >= 5 && !token.startsWith('/') && ctx.request.includes(token),
  );
}

function argumentNamed(ctx: SessionContext, action: Action): boolean {
  return argumentValues(action).some((v) => v.length <= 80 && !/\s/.test(v) && ctx.request.includes(v));
}

function argumentValues(action: Action): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') {
      if (v.length >= 5 && v.length <= 200) out.push(v.toLowerCase());
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  try {
    walk(JSON.parse(action.event.tool?.arguments ?? 'null'));
  } catch {
    return [];
  }
  return out;
}

/** Verbs that ask for the same act: telling people something, whatever the word. */
const SAME_ACT: string[][] = [
  [
    'post',
    'send',
    'share',
    'message',
    'notify',
    'tell',
    'ping',
    'announce',
    'report',
    'reply',
    'comment',
    'forward',
  ],
  ['create', 'open', 'file', 'raise', 'add', 'write'],
  ['delete', 'remove', 'drop', 'clear', 'clean', 'purge', 'wipe'],
  ['upload', 'send', 'push', 'publish', 'share'],
];

/** The request asks for the tool's own act, by its verb or one asking the same ("share it in #eng" for `post_message`). */
function verbAsked(ctx: SessionContext, tool: string): boolean {
  return toolWords(tool)
    .filter((w) => ACTING_VERB.test(w))
    .flatMap((w) => [w, ...SAME_ACT.filter((group) => group.includes(w)).flat()])
    .some((verb) => new RegExp(`\\b${verb}\\b`).test(ctx.request));
}

/**
 * Goal drift: a tool that acts (sends, grants, unlocks, deletes, pays …) from a family the user never
 * mentioned, typically right after reading content that asked for exactly that. With arguments copied
 * from an earlier tool's output it is an injection followed (hard); without, a soft signal.
 */
export function goalDrift(ctx: SessionContext): Signal[] {
  if (!ctx.request) return [];
  for (const action of ctx.actions) {
    if (action.facts.toolClass !== 'mcp' && action.facts.toolClass !== 'other') continue;
    const words = toolWords(action.facts.tool);
    if (!words.some((w) => ACTING_VERB.test(w))) continue;
    // Covered when the request names the tool's object or service (verbs alone prove nothing: "show" vs "send").
    const covered = words.some(
      (w) =>
        (!ACTING_VERB.test(w) || SYNONYMS[w]) && (SYNONYMS[w] ?? [w]).some((s) => ctx.request.includes(s)),
    );
    if (covered) continue;
    // Only after the agent has read something: an acting tool as the first step is the request itself.
    if (!ctx.actions.some((a) => a.index < action.index)) continue;
    const earlier = ctx.actions.filter((a) => a.index < action.index && a.facts.outputText);
    const copied = argumentValues(action).find(
      (v) => !ctx.request.includes(v) && earlier.some((a) => a.facts.outputText!.toLowerCase().includes(v)),
    );
    // The very act or destination asked for ("post it in #eng" → post_message to #eng) is unrequested only
    // where returned text steered it.
    if ((verbAsked(ctx, action.facts.tool) || argumentNamed(ctx, action)) && copied === undefined) continue;
    const source = copied
      ? earlier.find((a) => a.facts.outputText!.toLowerCase().includes(copied))
      : undefined;
    return [
      {
        ...row(copied ? 'E2' : 'E8'),
        hard: copied !== undefined,
        title: copied ? `${action.facts.tool} steered by tool output` : `Unrequested ${action.facts.tool}`,
        text: copied
          ? `called ${action.facts.tool} with "${copied.slice(0, 60)}", taken from ${source!.facts.tool} output rather than the user's request`
          : `called ${action.facts.tool}, which the user did not ask for, after reading other content`,
        severity: copied ? 'high' : 'medium',
        eventIds: [...new Set([...(source ? [source.event.eventId] : []), action.event.eventId])],
        techniques: ['AML.T0051.001', 'AML.T0053'],
      },
    ];
  }
  return [];
}
