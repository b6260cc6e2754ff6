/**
 * What a conformance run found, as written to its results file: each run's observations and the checks
 * that failed, and what each agent version sent (for `--latest`'s comparison).
 */
import type { Protocol } from '../../cli/agent-config.ts';
import type { ToolCall } from '../helpers/tool-calls.ts';
import type { ConformanceAgentId } from './agents.ts';
import type { Scenario } from './scenarios.ts';

export interface PlannedRun {
  name: string;
  agent: ConformanceAgentId;
  version: string;
  protocol: Protocol;
  scenario: Scenario['id'];
  /** How the person is named: `--user` (resource attributes, "fleet") or a per-person ingest token. */
  identity: 'fleet' | 'ingest-token';
}

export interface Plan {
  /** The program of each agent, installed. */
  programs: Record<string, string>;
  runs: PlannedRun[];
  workDir: string;
}

export interface ObservedSession {
  sessionId: string;
  verdict: string;
  rationale: string;
  user: { email: string | null; id: string | null; identity_source: string | null };
  link: { session_id: string; relation: string } | null;
  source: string;
  agent: string;
}

/** What Warden saw of a run, by the fields the compatibility table reports. */
export interface Sees {
  prompt: boolean;
  arguments: boolean;
  output: boolean;
  exitStatus: boolean;
  decisions: boolean;
  identity: string | null;
}

export interface RunResult extends PlannedRun {
  /** The agent's exit code (null: killed at the time limit). */
  exitCode: number | null;
  seconds: number;
  sessions: ObservedSession[];
  calls: ToolCall[];
  sees: Sees;
  /** Checks that failed; empty when the run conforms. */
  failures: string[];
  /** Judged otherwise than the scenario says, for a reason another issue owns. */
  knownGap?: string;
  /** Records the collector refused during the run. */
  rejected: number;
}

export interface TelemetryShape {
  agent: string;
  agent_version: string;
  source_event: string;
  attribute_keys: string[];
}

export interface ConformanceResults {
  date: string;
  /** `skipped` with the reason when no private network namespace could be made. */
  skipped?: string;
  versions: Record<string, string>;
  runs: RunResult[];
  shapes: TelemetryShape[];
}
