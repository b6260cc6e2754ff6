/**
 * What a conformance run must show in Warden: one session per agent conversation (none derived, an approval
 * reviewer linked to the conversation it reviewed), the person, each tool call with its tool, command, exit
 * status and decision as the scenario says, and the scenario's verdict. Each failed check is one line.
 */
import type { ToolCall } from '../helpers/tool-calls.ts';
import type { ConformanceAgent } from './agents.ts';
import type { ToolCallStep } from './model-server.ts';
import type { RunResult } from './results.ts';
import type { Scenario } from './scenarios.ts';

/** The command or path a tool call names, as the timeline shows it. */
const targetOf = (call: ToolCallStep) =>
  String(call.args['cmd'] ?? call.args['command'] ?? call.args['file_path']);

/** Session ids Warden derives when telemetry carries none (collector/normalize: `trace:`, `resource:`). */
const DERIVED = /^(trace|resource):/;

function checkCalls(
  agent: ConformanceAgent,
  scenario: Scenario,
  allSteps: ToolCallStep[],
  calls: ToolCall[],
) {
  const failures: string[] = [];
  const visible = scenario.steps.map((s) => !(s.byAgent?.[agent.id] ?? s.expect).unseen);
  const steps = allSteps.filter((_, i) => visible[i]);
  const expected = scenario.steps.filter((_, i) => visible[i]);
  if (calls.length !== steps.length)
    failures.push(
      `calls: ${calls.length} seen (${calls.map((c) => c.target).join(' | ')}), ${steps.length} made`,
    );
  expected.forEach((step, i) => {
    const want = step.byAgent?.[agent.id] ?? step.expect;
    const got = calls[i];
    const call = steps[i]!;
    const name = `call ${i + 1} (${targetOf(call)})`;
    if (!got) return;
    // A call only Warden's review saw goes by the hook's name for the tool (Codex's `Bash` for `exec_command`).
    const reviewedOnly = scenario.hook === 'reachable' && !want.ran;
    if ((got.tool !== call.tool && !reviewedOnly) || got.target !== targetOf(call))
      failures.push(`${name}: seen as ${got.tool} ${got.target}`);
    if (got.decision !== want.decision)
      failures.push(`${name}: decision ${got.decision}, expected ${want.decision}`);
    if (!want.ran) {
      if (got.exitCode !== undefined) failures.push(`${name}: denied, yet an exit code ${got.exitCode}`);
      if (got.success === true) failures.push(`${name}: denied, yet it succeeded`);
      return;
    }
    if (got.success !== want.ok) failures.push(`${name}: success ${got.success}, expected ${want.ok}`);
    const exitWanted =
      agent.exitCodes === 'always' || (agent.exitCodes === 'nonzero' && want.exitCode !== 0)
        ? want.exitCode
        : undefined;
    if (
      got.exitCode !== exitWanted &&
      !(agent.exitCodes === 'nonzero' && got.exitCode === 0 && want.exitCode === 0)
    )
      failures.push(`${name}: exit code ${got.exitCode}, expected ${exitWanted}`);
  });
  return failures;
}

export function checkRun(
  agent: ConformanceAgent,
  scenario: Scenario,
  r: RunResult,
  expected: { sessions: number; steps: ToolCallStep[]; person: { fleet: string; token: string } },
): string[] {
  const failures: string[] = [];
  if (r.exitCode === null) failures.push('agent: killed at the time limit');
  if (r.rejected > 0) failures.push(`collector: ${r.rejected} records rejected`);
  const own = r.sessions.filter((s) => !s.link);
  const linked = r.sessions.filter((s) => s.link);
  if (r.sessions.length !== expected.sessions || own.length !== 1)
    failures.push(
      `sessions: ${own.length} conversations and ${linked.length} linked, expected 1 and ${expected.sessions - 1}`,
    );
  for (const s of r.sessions)
    if (DERIVED.test(s.sessionId)) failures.push(`sessions: ${s.sessionId} is derived`);
  for (const s of linked)
    if (s.link!.session_id !== own[0]?.sessionId)
      failures.push(`sessions: ${s.sessionId} is linked to ${s.link!.session_id}, not to the conversation`);
  const session = own[0];
  if (!session) return failures;

  const person = r.identity === 'fleet' ? expected.person.fleet : expected.person.token;
  if (session.user.email !== person || session.user.identity_source !== r.identity)
    failures.push(
      `actor: ${session.user.email ?? session.user.id ?? 'none'} (${session.user.identity_source ?? 'unattributed'}), expected ${person} (${r.identity})`,
    );
  failures.push(...checkCalls(agent, scenario, expected.steps, r.calls));
  if (session.verdict !== scenario.verdict)
    failures.push(`verdict: ${session.verdict} ("${session.rationale}"), expected ${scenario.verdict}`);
  if (
    scenario.denyLast &&
    (!/tried|denied|blocked/i.test(session.rationale) ||
      /(?<!would have )\bsent data\b/.test(session.rationale))
  )
    failures.push(
      `verdict: the rationale does not say the upload was only attempted: "${session.rationale}"`,
    );
  return failures;
}
