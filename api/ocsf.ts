import type { AgentEvent } from '../schemas/agent-event.ts';
import type {
  AnalystVerdict,
  CaseState,
  DispositionStatus,
  Finding,
  SessionState,
  Severity,
} from '../schemas/findings.ts';

/**
 * Findings as OCSF Detection Finding events (class 2004), the form SIEMs and data lakes import. The schema
 * version is pinned; every field below is one the 1.6.0 Detection Finding (or an object it references)
 * defines. Warden-specific values that have no OCSF home travel in `unmapped`.
 */
export const OCSF_VERSION = '1.6.0';

const SEVERITY_ID: Record<Severity, [number, string]> = {
  info: [1, 'Informational'],
  low: [2, 'Low'],
  medium: [3, 'Medium'],
  high: [4, 'High'],
  critical: [5, 'Critical'],
};

/** The case lifecycle → OCSF finding status (acknowledged is "In Progress"). */
const STATUS_ID: Record<DispositionStatus, [number, string]> = {
  new: [1, 'New'],
  acknowledged: [2, 'In Progress'],
  suppressed: [3, 'Suppressed'],
  resolved: [4, 'Resolved'],
};

/** The analyst's verdict → the evidence `verdict_id` enum. */
const VERDICT_ID: Record<AnalystVerdict, [number, string]> = {
  undetermined: [0, 'Unknown'],
  false_positive: [1, 'False Positive'],
  true_positive: [2, 'True Positive'],
  benign: [5, 'Benign'],
};

const ACTIVITY: Record<1 | 2 | 3, string> = { 1: 'Create', 2: 'Update', 3: 'Close' };

const nanosToMs = (nanos: string) => Number(BigInt(nanos) / 1_000_000n);

/** `T1552.001` → technique T1552 + sub-technique T1552.001; ATLAS ids are not ATT&CK and go to tags. */
function attacks(techniques: string[]) {
  return techniques
    .filter((t) => /^T\d{4}(\.\d{3})?$/.test(t))
    .map((t) => {
      const [technique] = t.split('.');
      return {
        technique: { uid: technique! },
        ...(t.includes('.') ? { sub_technique: { uid: t } } : {}),
      };
    });
}

function confidenceId(confidence: number): [number, string] {
  if (confidence >= 0.8) return [3, 'High'];
  if (confidence >= 0.5) return [2, 'Medium'];
  return [1, 'Low'];
}

export interface OcsfInput {
  finding: Finding;
  case: CaseState;
  session: SessionState | undefined;
  /** The finding's evidence events that are still stored. */
  evidence: AgentEvent[];
  /** Console deep link of the session. */
  consoleUrl: string;
  productVersion: string;
}

export function toOcsfDetectionFinding({
  finding: f,
  case: c,
  session,
  evidence,
  consoleUrl,
  productVersion,
}: OcsfInput) {
  const closed = c.status === 'resolved' || c.status === 'suppressed';
  const activityId: 1 | 2 | 3 = closed ? 3 : f.version > 1 ? 2 : 1;
  const [severityId, severity] = SEVERITY_ID[f.severity];
  const [statusId, status] = STATUS_ID[c.status];
  const [verdictId, verdictCaption] = VERDICT_ID[c.analystVerdict];
  const [confId, confidence] = confidenceId(f.confidence);
  const actor = {
    // OCSF's user is a person: an unattributed session has none (unmapped.attribution says so).
    ...(session?.identitySource
      ? {
          user: {
            ...(session.userEmail ? { email_addr: session.userEmail, name: session.userEmail } : {}),
            ...(session.userId ? { uid: session.userId } : {}),
          },
        }
      : {}),
    app_name: session?.agent ?? evidence[0]?.agent.name ?? 'unknown agent',
  };
  const atlas = f.techniques.filter((t) => t.startsWith('AML.'));
  return {
    class_uid: 2004,
    class_name: 'Detection Finding',
    category_uid: 2,
    category_name: 'Findings',
    activity_id: activityId,
    activity_name: ACTIVITY[activityId],
    type_uid: 200400 + activityId,
    type_name: `Detection Finding: ${ACTIVITY[activityId]}`,
    // A Close happened when the case was closed; Create and Update when the verdict version was written.
    time: activityId === 3 ? (c.updatedAtMs ?? f.createdAtMs) : f.createdAtMs,
    ...(session
      ? {
          start_time: nanosToMs(session.firstEventTimeUnixNano),
          end_time: nanosToMs(session.lastEventTimeUnixNano),
        }
      : {}),
    severity_id: severityId,
    severity,
    status_id: statusId,
    status,
    confidence_id: confId,
    confidence,
    confidence_score: Math.round(f.confidence * 100),
    risk_score: f.score,
    is_alert: activityId === 1 && f.verdict !== 'benign',
    message: f.title,
    metadata: {
      version: OCSF_VERSION,
      product: { name: 'Warden', vendor_name: 'Warden', version: productVersion },
      uid: f.findingId,
      correlation_uid: f.sessionId,
      log_name: 'findings',
      log_provider: 'warden',
    },
    finding_info: {
      uid: f.findingId,
      title: f.title,
      desc: f.rationale,
      types: [f.verdict, ...f.detectors],
      created_time: f.createdAtMs,
      modified_time: Math.max(f.createdAtMs, c.updatedAtMs ?? 0),
      ...(session
        ? {
            first_seen_time: nanosToMs(session.firstEventTimeUnixNano),
            last_seen_time: nanosToMs(session.lastEventTimeUnixNano),
          }
        : {}),
      src_url: consoleUrl,
      analytic: f.judge
        ? {
            uid: f.judge,
            name: `LLM judge ${f.judge}`,
            type_id: 4,
            type: 'Learning (ML/DL)',
            version: f.engineVersion,
          }
        : {
            uid: f.detectors[0] ?? 'warden-triage',
            name: f.detectors.length ? f.detectors.join(', ') : 'Warden triage',
            type_id: 1,
            type: 'Rule',
            version: f.engineVersion,
          },
      related_events: f.evidenceEventIds.map((uid) => ({ uid })),
      related_events_count: f.evidenceEventIds.length,
      attacks: attacks(f.techniques),
      ...(atlas.length ? { tags: atlas.map((value) => ({ name: 'mitre_atlas', value })) } : {}),
    },
    // At least one evidence carries the actor, so a finding whose events expired still names who and what.
    evidences: (evidence.length ? evidence : [undefined]).map((e) => ({
      actor,
      verdict_id: verdictId,
      verdict: verdictCaption,
      ...(e?.tool?.command ? { process: { cmd_line: e.tool.command } } : {}),
      ...(e
        ? {
            data: {
              event_uid: e.eventId,
              kind: e.kind,
              tool: e.tool?.name,
              time: nanosToMs(e.timeUnixNano),
            },
          }
        : {}),
    })),
    unmapped: {
      workspace: f.workspace,
      session_id: f.sessionId,
      verdict: f.verdict,
      finding_version: f.version,
      analyst_verdict: c.analystVerdict,
      assignee: c.assignee || null,
      attribution: session?.identitySource ?? 'unattributed',
    },
  };
}
