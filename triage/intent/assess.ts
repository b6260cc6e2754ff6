import type { AgentEvent } from '../../schemas/agent-event.ts';
import { SEVERITIES, type Finding, type Severity, type Verdict } from '../../schemas/tables.ts';
import type { Hit } from '../rules/match.ts';
import type { Action, SessionContext } from './context.ts';
import { provenanceOf } from './provenance.ts';
import {
  committedSecrets,
  exfiltrationChains,
  goalDrift,
  plantedDestruction,
  plantedSenders,
} from './flows.ts';
import { inScope, relatedToRequest, requestsExfiltration, scopeMismatch } from './scope.ts';

/** One reason for a verdict, with its evidence. `hard` signals cannot be softened by the LLM judge. */
export interface Signal {
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
  'recon',
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
  verdict: Signal['verdict'],
  hard: boolean,
  title: string,
  text: string,
  hits: Hit[],
  extra: string[] = [],
): Signal {
  return {
    verdict,
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
  const scopes = ['reads.scope', 'writes.scope', 'deletes.scope'].map((k) => hit.bindings[k]);
  const paths = ['writes.path', 'deletes.path'].map((k) => String(hit.bindings[k] ?? ''));
  return (
    scopes.includes('system') ||
    paths.some((p) => /^(\/|~\/?|\$HOME\/?|\/root(\/.*)?|\/home\/[^/]+\/?)$/.test(p)) ||
    hit.bindings['reads.credentialStore'] === 'shadow' ||
    hit.rule.id === 'WDN-MALWARE-001'
  );
}

const denied = (a: Action) =>
  a.decision !== undefined && ['deny', 'abort', 'timeout'].includes(a.decision.decision);
const failed = (a: Action) => a.event.result?.success === false || denied(a);

/** Signals from one hit, weighed against the request and where its target came from. */
function judgeHit(
  ctx: SessionContext,
  action: Action,
  hit: Hit,
  allowedHosts: (host: string) => boolean,
): Signal[] {
  const { category, severity, title } = hit.rule;
  const scope = inScope(ctx.request, hit);
  const host = hit.bindings['network.host'];
  if (typeof host === 'string' && allowedHosts(host)) return [];
  const signals: Signal[] = [];
  const prov = provenanceOf(ctx, action.index, hit);
  if (scope !== true && atLeast(severity, 'medium') && !failed(action)) {
    if (prov.sourceEventId) {
      const s = hitSignal(
        'escalation',
        true,
        `${title} steered by untrusted content`,
        `${hit.rationale}, a target that first appeared in ${prov.sourceTool} output, not in the user's request`,
        [hit],
        [prov.sourceEventId],
      );
      s.techniques.push(PROMPT_INJECTION);
      return [s];
    }
    if (prov.afterInstructions && category !== 'destructive') {
      const s = hitSignal(
        'escalation',
        atLeast(severity, 'high'),
        `${title} after injected instructions`,
        `${hit.rationale} after ${prov.afterInstructions.tool} returned text instructing the agent`,
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
          'mistake',
          false,
          title,
          `${hit.rationale}: requested, but it touches a critical system file`,
          [hit],
        ),
      ];
    }
    const mismatch = scopeMismatch(ctx.request, action);
    if (mismatch && (category === 'destructive' || category === 'exfiltration')) {
      signals.push(
        hitSignal('mistake', false, `${title}: not what was asked`, `${hit.rationale}, ${mismatch}`, [hit]),
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
  // About what the user asked, but not in the way asked: over-broad or careless, not someone else's goal.
  if (
    scope === false &&
    !DATA_LEAVING.has(category) &&
    relatedToRequest(ctx.request, action) &&
    atLeast(severity, 'medium')
  ) {
    signals.push(
      hitSignal('mistake', false, title, `${hit.rationale}, going beyond what the user asked`, [hit]),
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
    case 'recon':
      if (HOSTILE.has(category) && atLeast(severity, 'medium') && !failed(action)) {
        signals.push(
          hitSignal(
            'escalation',
            severity === 'critical' || (severity === 'high' && scope === false),
            title,
            `${hit.rationale} (${unrequested})`,
            [hit],
          ),
        );
      } else if (atLeast(severity, 'medium')) {
        signals.push(
          hitSignal(
            'escalation',
            false,
            `Attempted: ${title}`,
            `tried to ${hit.rationale} (${unrequested}; it did not go through)`,
            [hit],
          ),
        );
      }
      break;
    case 'credential-access':
      if (atLeast(severity, 'high')) {
        signals.push(
          hitSignal(
            'escalation',
            severity === 'critical' && scope === false,
            title,
            `${hit.rationale} (${unrequested})`,
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
            'escalation',
            scope === false && !failed(action),
            title,
            `${hit.rationale} (${unrequested})`,
            [hit],
          ),
        );
      } else if (atLeast(severity, 'medium') && hit.rule.id !== 'WDN-EXFIL-004') {
        signals.push(hitSignal('escalation', false, title, `${hit.rationale} (${unrequested})`, [hit]));
      }
      break;
    case 'secret-exposure': {
      const outbound = typeof host === 'string';
      signals.push(
        outbound
          ? hitSignal('escalation', true, title, `${hit.rationale} (${unrequested})`, [hit])
          : hitSignal(
              'mistake',
              false,
              title,
              `${hit.rationale}: a secret was written where others can read it`,
              [hit],
            ),
      );
      break;
    }
    case 'destructive':
      if (atLeast(severity, 'low')) {
        const outcome = failed(action) ? '; it failed' : '';
        signals.push(
          hitSignal('mistake', false, title, `${hit.rationale} (${unrequested}${outcome})`, [hit]),
        );
      }
      break;
  }
  return signals;
}

/** Risky actions taken after a denial: the agent routed around the human's decision. */
function retriesAfterDenial(ctx: SessionContext): Signal[] {
  for (const denial of ctx.denials) {
    const refused = ctx.actions.find(
      (a) => denial.callId !== undefined && a.event.tool?.callId === denial.callId,
    );
    const refusedCategories = new Set(refused?.hits.map((h) => h.rule.category));
    const retry = ctx.actions.find(
      (a) =>
        a.index > denial.index &&
        !denied(a) &&
        a.hits.some(
          (h) =>
            atLeast(h.rule.severity, 'medium') &&
            (refusedCategories.size === 0 || refusedCategories.has(h.rule.category)),
        ),
    );
    if (!retry) continue;
    const hit = retry.hits.find((h) => atLeast(h.rule.severity, 'medium'))!;
    return [
      hitSignal(
        'escalation',
        true,
        'Retried after a denial',
        `after the user denied ${denial.tool || 'a tool call'}, the agent went on to ${hit.rationale}`,
        [hit],
        [denial.event.eventId],
      ),
    ];
  }
  return [];
}

function firstPrompt(events: AgentEvent[]): AgentEvent | undefined {
  return events.find((e) => e.kind === 'prompt' && e.prompt?.text);
}

/** The session's verdict from its context. Deterministic: the same events always give the same result. */
export function assess(ctx: SessionContext, allowedHosts: (host: string) => boolean): Assessment {
  const signals: Signal[] = [];
  if (requestsExfiltration(ctx.request)) {
    const prompt = firstPrompt(ctx.events);
    signals.push({
      verdict: 'escalation',
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
  );
  for (const action of ctx.actions)
    for (const hit of action.hits) signals.push(...judgeHit(ctx, action, hit, allowedHosts));

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
    confidence = anyHard ? 0.9 : 0.6;
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
  const requested = hits.filter((h) => !signals.some((s) => s.eventIds.includes(h.eventId)));
  const rationale =
    verdict === 'benign'
      ? hits.length
        ? `Benign: ${ctx.actions.length} tool actions; the risky ones match the user's request (${[...new Set(requested.map((h) => h.rule.title.toLowerCase()))].slice(0, 3).join(', ')}).`
        : `Benign: ${ctx.actions.length} tool actions, none risky.`
      : `${verdict === 'escalation' ? 'Escalation' : 'Mistake'}: ${counted
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
