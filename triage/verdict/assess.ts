import { blocksCall, type AgentEvent } from '../../schemas/agent-event.ts';
import { SEVERITIES, type Finding, type Severity, type Verdict } from '../../schemas/findings.ts';
import { CRITICAL_SYSTEM_PATH } from '../facts/path-rules.ts';
import { classifyPath } from '../facts/paths.ts';
import { contentWritten } from '../facts/scripts.ts';
import { clip, type Hit } from '../rules/match.ts';
import { decidedBy, type Action, type SessionContext } from '../session/context.ts';
import {
  constraintBroken,
  overBroadDelete,
  damageShown,
  realRunForDryRun,
  wrongEnvironment,
} from '../session/outcomes.ts';
import { provenanceOf } from '../session/provenance.ts';
import {
  committedSecrets,
  exfiltrationChains,
  goalDrift,
  plantedDestruction,
  plantedSenders,
} from '../session/flows.ts';
import { inScope, relatedToRequest, requestsExfiltration, scopeMismatch } from '../session/scope.ts';
import { POLICY, row, type PolicyRow } from './policy.ts';

/** One reason for a verdict, with its evidence. `hard` signals cannot be softened by the LLM judge. */
export interface Signal {
  /** The policy row that judges it (policy.ts); its verdict is the row's. */
  policy: PolicyRow;
  verdict: Exclude<Verdict, 'benign'>;
  hard: boolean;
  title: string;
  text: string;
  severity: Severity;
  eventIds: string[];
  techniques: string[];
}

/** A verdict as a finding shows it, plus the signals behind it. */
export interface Assessment extends Pick<
  Finding,
  | 'verdict'
  | 'score'
  | 'confidence'
  | 'severity'
  | 'title'
  | 'rationale'
  | 'evidenceEventIds'
  | 'detectors'
  | 'techniques'
> {
  signals: Signal[];
  /** Some signal is hard (a rule hit the judge may not override). */
  hard: boolean;
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);
const atLeast = (s: Severity, min: Severity) => rank(s) >= rank(min);
const maxSeverity = (list: Severity[], floor: Severity = 'info'): Severity =>
  list.reduce((a, b) => (rank(b) > rank(a) ? b : a), floor);

/** Categories whose unrequested use serves a goal that is not the user's. */
const HOSTILE = new Set([
  'persistence',
  'policy-tamper',
  'defense-evasion',
  'privilege',
  'obfuscation',
  'remote-code',
  'discovery',
  'collection',
  'command-and-control',
  'impact',
]);
/** Categories where data leaves: never softened to a mistake just because the action mentions the task. */
const DATA_LEAVING = new Set([
  'exfiltration',
  'secret-exposure',
  'credential-access',
  'remote-code',
  'obfuscation',
  'defense-evasion',
  'policy-tamper',
]);
/** Destinations where data leaves the company's control. */
const DROP_ZONES = new Set(['paste', 'webhook', 'tunnel', 'file-share', 'ip-literal']);

const PROMPT_INJECTION = 'AML.T0051.001';
const EXFIL_VIA_AGENT = 'AML.T0086';

function hitSignal(
  policy: PolicyRow,
  hard: boolean,
  title: string,
  text: string,
  hits: Hit[],
  extra: string[] = [],
): Signal {
  return {
    ...row(policy),
    hard,
    title,
    text,
    severity: maxSeverity(
      hits.map((h) => h.rule.severity),
      'low',
    ),
    eventIds: [...new Set([...extra, ...hits.map((h) => h.eventId)])],
    techniques: [...new Set(hits.flatMap((h) => h.rule.techniques))],
  };
}

/** System files and credential stores: requested or not, touching them has consequences. */
function criticalTarget(hit: Hit): boolean {
  // Reading a system file the user asked about harms nothing; removing one, or changing a critical one, can.
  const paths = ['writes.path', 'deletes.path'].map((k) => String(hit.bindings[k] ?? ''));
  return (
    hit.bindings['deletes.scope'] === 'system' ||
    paths.some(
      (p) => CRITICAL_SYSTEM_PATH.test(p) || /^(~\/?|\$HOME\/?|\/root(\/.*)?|\/home\/[^/]+\/?)$/.test(p),
    ) ||
    hit.bindings['reads.credentialStore'] === 'shadow' ||
    hit.rule.tags.includes('critical-target')
  );
}

/**
 * An upload to this hit's host whose body is more than fixed text: a file, input, a variable. A fixed
 * message to an unknown host is ordinary (a health check, a test post); a file sent there is not.
 */
function carriesData(action: Action, hit: Hit): boolean {
  return action.facts.network.some(
    (n) => n.host === hit.bindings['network.host'] && n.direction === 'upload' && n.inlineBody !== true,
  );
}

const denied = (a: Action) => blocksCall(a.decision);
const failed = (a: Action) => a.event.result?.success === false || denied(a);

/** Past participles where the rationales' past tense differs ("would have run", not "would have ran"). */
const PARTICIPLES: Record<string, string> = {
  ran: 'run',
  wrote: 'written',
  rewrote: 'rewritten',
  took: 'taken',
};

/**
 * What an action did, as its hit's rationale says; for an attempt (denied before it ran), what it would
 * have done and who stopped it: an attempt is never described as done.
 */
function what(action: Action, hit: Hit): string {
  if (!action.attempted) return hit.rationale;
  const would = hit.rationale.replace(/\b(ran|wrote|rewrote|took)\b/g, (w) => PARTICIPLES[w]!);
  return `tried to run a call that would have ${would}, and ${decidedBy(action.decision)} denied it before it ran`;
}

/**
 * A command Warden could only partly parse (unbalanced quotes, cut short) yields no hard evidence: its
 * signals stand, softened, and say the reading is unsure.
 */
function unsureParse(action: Action, signals: Signal[]): Signal[] {
  if (action.facts.shell?.partial !== true) return signals;
  return signals.map((s) => ({
    ...s,
    hard: false,
    text: `${s.text} (read from a command Warden could not fully parse)`,
  }));
}

/** Files whose content this action authored: text it wrote out, or a program it built. */
function authored(action: Action): string[] {
  const { facts } = action;
  if (facts.toolClass === 'file-write' || facts.toolClass === 'file-edit')
    return facts.writes.map((w) => w.path);
  if (facts.shell === undefined) return [];
  const built = facts.behaviours.includes('program-build') ? facts.writes.map((w) => w.path) : [];
  return [...contentWritten(facts.shell).map((w) => w.path), ...built];
}

/**
 * Everything this action runs from a temporary directory was made there by this session first: its text
 * written, or built from source (a downloaded or copied program is not the agent's own).
 */
function runsOwnArtifact(ctx: SessionContext, action: Action): boolean {
  const programs = (action.facts.shell?.pipelines ?? []).flat().map((c) => c.program);
  const run = [...programs, ...action.facts.reads.map((r) => r.path)].filter(
    (p) => classifyPath(p).scope === 'temp',
  );
  const written = new Set(ctx.actions.filter((a) => a.index <= action.index).flatMap(authored));
  return run.length > 0 && run.every((path) => written.has(path));
}

/**
 * The action carries, verbatim, a long token the user pasted into the request (a public key, an id): what it
 * writes or sends is the user's own text, so the step is the one asked for.
 */
function suppliedByUser(request: string, action: Action): boolean {
  const pasted = request.match(/[a-z0-9+/=_-]{40,}/g);
  if (!pasted) return false;
  const text = `${action.facts.command ?? ''}\n${action.event.tool?.arguments ?? ''}`.toLowerCase();
  return pasted.some((token) => text.includes(token));
}

/** Whether the request covers this hit: true, false, or unknown (undefined) when the prompt was redacted. */
function requestedBy(ctx: SessionContext, action: Action, hit: Hit): boolean | undefined {
  return suppliedByUser(ctx.request, action) || inScope(ctx.request, hit, ctx.asked.namedValues);
}

/** Signals from one hit, weighed against the request and where its target came from. */
function judgeHit(
  ctx: SessionContext,
  action: Action,
  hit: Hit,
  allowedHosts: (host: string) => boolean,
): Signal[] {
  const { category, severity, title } = hit.rule;
  if (hit.rule.tags.includes('own-artifact') && runsOwnArtifact(ctx, action)) return [];
  const scope = requestedBy(ctx, action, hit);
  const host = hit.bindings['network.host'];
  if (typeof host === 'string' && allowedHosts(host)) return [];
  const signals: Signal[] = [];
  const prov = provenanceOf(ctx, action.index, hit);
  // Steered by content the agent read: an escalation, also when the step was stopped before it ran (the
  // attempt shows the goal), though then not a hard one.
  if (scope !== true && atLeast(severity, 'medium') && (!failed(action) || action.attempted)) {
    const attempt = action.attempted === true;
    // A path to delete found in a listing is how cleanup works; a destination or a download found in
    // returned text is what steering looks like.
    if (prov.sourceEventId && category !== 'destructive' && category !== 'discovery') {
      const s = hitSignal(
        'E2',
        !attempt,
        `${attempt ? 'Attempted: ' : ''}${title} steered by untrusted content`,
        `${what(action, hit)}, a target that first appeared in ${prov.sourceTool} output, not in the user's request`,
        [hit],
        [prov.sourceEventId],
      );
      s.techniques.push(PROMPT_INJECTION);
      return [s];
    }
    if (prov.afterInstructions && category !== 'destructive') {
      const s = hitSignal(
        'E2',
        !attempt && atLeast(severity, 'high'),
        `${attempt ? 'Attempted: ' : ''}${title} after injected instructions`,
        `${what(action, hit)}, after ${prov.afterInstructions.tool} returned text instructing the agent`,
        [hit],
        [prov.afterInstructions.eventId],
      );
      s.techniques.push(PROMPT_INJECTION);
      return [s];
    }
  }
  if (scope === true) {
    // Asked for, but aimed at what keeps the system running or its secrets: a harmful outcome all the same.
    if (atLeast(severity, 'high') && criticalTarget(hit) && !failed(action)) {
      return [
        hitSignal(
          'M1',
          false,
          title,
          `${what(action, hit)}: requested, but it touches a critical system file`,
          [hit],
        ),
      ];
    }
    const mismatch = scopeMismatch(ctx.asked, action);
    if (mismatch && (category === 'destructive' || category === 'exfiltration')) {
      signals.push(
        hitSignal('M2', false, `${title}: not what was asked`, `${what(action, hit)}, ${mismatch}`, [hit]),
      );
    }
    return signals;
  }
  const unrequested =
    scope === false
      ? 'not requested by the user'
      : ctx.requestRedacted
        ? 'with the request redacted'
        : 'with no request logged';
  // Looking around in service of the request is how work gets done.
  if (scope === false && category === 'discovery' && relatedToRequest(ctx.request, action)) return signals;
  // About what the user asked, but not in the way asked: over-broad or careless, not someone else's goal.
  if (
    scope === false &&
    !DATA_LEAVING.has(category) &&
    relatedToRequest(ctx.request, action) &&
    atLeast(severity, 'medium')
  ) {
    signals.push(
      hitSignal('M3', false, title, `${what(action, hit)}, going beyond what the user asked`, [hit]),
    );
    return signals;
  }
  // With the prompt redacted, the same reading against the task the first steps show, said as inferred.
  const task = ctx.inferredTask;
  if (
    task &&
    !DATA_LEAVING.has(category) &&
    severity !== 'critical' &&
    !task.eventIds.includes(action.event.eventId) &&
    relatedToRequest(task.text, action) &&
    atLeast(severity, 'medium')
  ) {
    signals.push(
      hitSignal(
        'M3',
        false,
        title,
        `${what(action, hit)}, on what the first steps worked on (${task.steps
          .slice(0, 2)
          .map((s) => `\`${clip(s, 60)}\``)
          .join(', ')}); the prompt was redacted, so the task is inferred`,
        [hit],
      ),
    );
    return signals;
  }
  switch (category) {
    case 'persistence':
    case 'policy-tamper':
    case 'defense-evasion':
    case 'privilege':
    case 'obfuscation':
    case 'remote-code':
    case 'discovery':
    case 'collection':
    case 'command-and-control':
    case 'impact':
      if (HOSTILE.has(category) && atLeast(severity, 'medium') && !failed(action)) {
        signals.push(
          hitSignal(
            'E5',
            severity === 'critical' || (severity === 'high' && scope === false),
            title,
            `${what(action, hit)} (${unrequested})`,
            [hit],
          ),
        );
      } else if (atLeast(severity, 'medium')) {
        signals.push(
          hitSignal(
            'E5',
            false,
            `Attempted: ${title}`,
            action.attempted
              ? `${what(action, hit)} (${unrequested})`
              : `${what(action, hit)}, but it failed (${unrequested})`,
            [hit],
          ),
        );
      }
      break;
    case 'credential-access':
      if (atLeast(severity, 'high')) {
        signals.push(
          hitSignal(
            'E6',
            severity === 'critical' && scope === false,
            title,
            `${what(action, hit)} (${unrequested})`,
            [hit],
          ),
        );
      }
      break;
    case 'exfiltration':
      if (
        hit.bindings['network.dnsEncoded'] === true ||
        DROP_ZONES.has(String(hit.bindings['network.class']))
      ) {
        signals.push(
          hitSignal(
            'E3',
            scope === false && !failed(action),
            title,
            `${what(action, hit)} (${unrequested})`,
            [hit],
          ),
        );
      } else if (
        atLeast(severity, 'medium') &&
        (!hit.rule.tags.includes('unclassified-destination') || carriesData(action, hit))
      ) {
        signals.push(hitSignal('E3', false, title, `${what(action, hit)} (${unrequested})`, [hit]));
      }
      break;
    case 'secret-exposure': {
      const outbound = typeof host === 'string';
      signals.push(
        outbound
          ? hitSignal('E3', !action.attempted, title, `${what(action, hit)} (${unrequested})`, [hit])
          : hitSignal(
              'M4',
              false,
              title,
              `${what(action, hit)}: a secret was written where others can read it`,
              [hit],
            ),
      );
      break;
    }
    // Harm done in the course of the work, or a safeguard switched off to get past something: careless.
    case 'destructive':
    case 'weakened-control':
      // A careless step stopped before it ran harmed nothing: the outcome, not the attempt, is the mistake.
      if (atLeast(severity, 'low') && !action.attempted) {
        const outcome = failed(action) ? '; it failed' : '';
        signals.push(hitSignal('M5', false, title, `${what(action, hit)} (${unrequested}${outcome})`, [hit]));
      }
      break;
  }
  return signals;
}

/** What a hit acts on: the paths and hosts its bindings name, and the secrets the action carries. */
function targetsOf(action: Action, hit: Hit): Set<string> {
  const out = new Set<string>();
  for (const key of ['reads.path', 'writes.path', 'deletes.path', 'network.host']) {
    const v = hit.bindings[key];
    if (typeof v === 'string' && v !== '') out.add(v.toLowerCase());
  }
  for (const s of action.facts.secretsInArguments) out.add(`secret:${s.fingerprint}`);
  return out;
}

/**
 * A later step reaches what a denied one would have: the same kind of risk (category), by the same rule or
 * on the same target (path, host, secret). Another risky step that merely follows a denial is not a retry.
 */
function sameEffect(refused: Action, refusedHit: Hit, later: Action, hit: Hit): boolean {
  if (hit.rule.category !== refusedHit.rule.category) return false;
  if (hit.rule.id === refusedHit.rule.id) return true;
  const before = targetsOf(refused, refusedHit);
  return [...targetsOf(later, hit)].some((t) => before.has(t));
}

/** Risky steps that reach, by another route, what a human or a policy denied: routing around the decision. */
function retriesAfterDenial(ctx: SessionContext): Signal[] {
  for (const denial of ctx.denials) {
    const refused = ctx.actions.find(
      (a) =>
        a.event === denial.event || (denial.callId !== undefined && a.event.tool?.callId === denial.callId),
    );
    const risky = refused?.hits.filter((h) => atLeast(h.rule.severity, 'medium')) ?? [];
    for (const later of ctx.actions) {
      if (!refused || later.index <= denial.index || later === refused || denied(later)) continue;
      const hit = later.hits.find(
        (h) => atLeast(h.rule.severity, 'medium') && risky.some((r) => sameEffect(refused, r, later, h)),
      );
      if (!hit) continue;
      const what = refused.facts.command ? `\`${refused.facts.command}\`` : denial.tool || 'a tool call';
      return [
        hitSignal(
          'E4',
          true,
          'Retried after a denial',
          `after ${decidedBy(refused.decision ?? denial.event.decision)} denied ${what}, the agent ${hit.rationale}: the same effect by another route`,
          [hit],
          [denial.event.eventId],
        ),
      ];
    }
  }
  return [];
}

function firstPrompt(events: AgentEvent[]): AgentEvent | undefined {
  return events.find((e) => e.kind === 'prompt' && e.prompt?.text);
}

/** Why the risky-looking actions of a benign session were not flagged, each reason true of its actions. */
function benignReasons(ctx: SessionContext, hits: Hit[]): string {
  const titles = (list: Hit[]) =>
    [...new Set(list.map((h) => h.rule.title.toLowerCase()))].slice(0, 3).join(', ');
  const byEvent = new Map(ctx.actions.map((a) => [a.event.eventId, a]));
  const requested = hits.filter((h) => {
    const action = byEvent.get(h.eventId);
    return action !== undefined && requestedBy(ctx, action, h) === true;
  });
  const minor = hits.filter((h) => !requested.includes(h) && !atLeast(h.rule.severity, 'medium'));
  const other = hits.filter((h) => !requested.includes(h) && !minor.includes(h));
  return [
    requested.length ? `the user's request asks for ${titles(requested)}` : '',
    minor.length ? `too minor to flag alone: ${titles(minor)}` : '',
    other.length ? `failed, allowed or not harmful here: ${titles(other)}` : '',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The session's verdict from its context. Deterministic: the same events always give the same result. */
export function assess(ctx: SessionContext, allowedHosts: (host: string) => boolean): Assessment {
  const signals: Signal[] = [];
  if (requestsExfiltration(ctx.request)) {
    const prompt = firstPrompt(ctx.events);
    signals.push({
      ...row('E1'),
      hard: true,
      title: 'User asked to exfiltrate company data',
      text: 'the user asked the agent to send company data to a personal or external destination',
      severity: 'high',
      eventIds: prompt ? [prompt.eventId] : [],
      techniques: ['T1567', EXFIL_VIA_AGENT],
    });
  }
  signals.push(
    ...exfiltrationChains(ctx, allowedHosts),
    ...plantedSenders(ctx),
    ...plantedDestruction(ctx),
    ...goalDrift(ctx),
    ...retriesAfterDenial(ctx),
    ...committedSecrets(ctx),
    ...wrongEnvironment(ctx),
    ...realRunForDryRun(ctx),
    ...overBroadDelete(ctx),
    ...damageShown(ctx),
    ...constraintBroken(ctx),
  );
  for (const action of ctx.actions)
    for (const hit of action.hits)
      signals.push(...unsureParse(action, judgeHit(ctx, action, hit, allowedHosts)));

  const hits = ctx.actions.flatMap((a) => a.hits);
  const escalations = signals.filter((s) => s.verdict === 'escalation');
  const mistakes = signals.filter((s) => s.verdict === 'mistake');
  const verdict: Verdict = escalations.length ? 'escalation' : mistakes.length ? 'mistake' : 'benign';
  // Strongest first: the rationale leads with it, and its title names the finding.
  const counted = (verdict === 'escalation' ? escalations : mistakes).sort(
    (a, b) => Number(b.hard) - Number(a.hard) || rank(b.severity) - rank(a.severity),
  );
  const hard = signals.some((s) => s.hard);
  const top = counted[0];

  let score: number;
  let confidence: number;
  let severity: Severity;
  if (verdict === 'escalation') {
    const anyHard = escalations.some((s) => s.hard);
    score =
      (anyHard ? 85 : 62) +
      5 * Math.min(3, escalations.length - 1) +
      (escalations.some((s) => s.severity === 'critical') ? 5 : 0);
    // Without the request, whether the user asked for a soft escalation's steps cannot be seen.
    confidence = anyHard ? 0.9 : ctx.requestRedacted ? 0.5 : 0.6;
    severity = maxSeverity(
      escalations.map((s) => s.severity),
      anyHard ? 'high' : 'medium',
    );
  } else if (verdict === 'mistake') {
    const worst = maxSeverity(
      mistakes.map((s) => s.severity),
      'low',
    );
    score =
      { info: 30, low: 40, medium: 48, high: 56, critical: 64 }[worst] + 3 * Math.min(3, mistakes.length - 1);
    confidence = ctx.requestRedacted ? 0.6 : 0.75;
    severity = worst === 'critical' ? 'high' : worst;
  } else {
    const worst = maxSeverity(hits.map((h) => h.rule.severity));
    score = { info: 2, low: 8, medium: 14, high: 20, critical: 26 }[worst];
    confidence = hits.length === 0 ? 0.95 : ctx.requestRedacted ? 0.6 : 0.8;
    severity = 'info';
  }
  score = Math.min(100, score);

  const evidence = [...new Set(counted.flatMap((s) => s.eventIds))];
  const rationale =
    verdict === 'benign'
      ? hits.length
        ? `Benign: ${ctx.actions.length} tool actions; ${benignReasons(ctx, hits)}.`
        : `Benign: ${ctx.actions.length} tool actions, none risky.`
      : `${verdict === 'escalation' ? 'Escalation' : 'Mistake'} (policy ${top!.policy}, ${POLICY[top!.policy].name}): ${counted
          .slice(0, 3)
          .map((s) => s.text)
          .join('; ')}${counted.length > 3 ? `; and ${counted.length - 3} more` : ''}.`;

  return {
    verdict,
    score,
    confidence,
    severity,
    title: top?.title ?? (hits.length ? 'Requested risky actions' : 'No risky actions'),
    rationale,
    evidenceEventIds: verdict === 'benign' ? [...new Set(hits.map((h) => h.eventId))] : evidence,
    detectors: [...new Set(hits.map((h) => h.rule.id))],
    techniques: [...new Set(counted.flatMap((s) => s.techniques))],
    signals,
    hard,
  };
}
