/**
 * The real agents' recorded exports (`<repo>/../shared/real-agents`, see its README): each run folder's OTLP
 * exports, in the order they were sent, through the collector's own intake (decode → normalize → masking).
 * Read at test time, never copied into the project.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareExport, type PreparedExport, type Signal } from '../../collector/prepare.ts';
import { decodeAgentEventBatch, type AgentEvent } from '../../schemas/agent-event.ts';
import { keyedFingerprint } from '../../schemas/secrets.ts';

const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const REAL_AGENTS = resolve(REPO_ROOT, '..', 'shared', 'real-agents');

export interface RecordedRun {
  name: string;
  events: AgentEvent[];
  /** What intake said about each export: rejected records and why, records it dropped on purpose. */
  exports: {
    file: string;
    signal: Signal;
    accepted: number;
    reasons: string[];
    dropped: PreparedExport['dropped'];
  }[];
}

/** The run folders that hold exports (some recorded runs exported nothing). */
export function recordedRuns(): string[] {
  if (!existsSync(REAL_AGENTS))
    throw new Error(`real-agent recordings missing: expected them beside the checkout at ${REAL_AGENTS}`);
  return readdirSync(REAL_AGENTS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .filter((name) => readdirSync(join(REAL_AGENTS, name)).some((f) => /^\d{3}-\w+\.json$/.test(f)))
    .sort();
}

/** One run's exports through intake, as the collector would take them (secrets masked, no retention). */
export function loadRun(name: string, workspace = 'acme'): RecordedRun {
  const dir = join(REAL_AGENTS, name);
  const order = JSON.parse(readFileSync(join(dir, 'exports.json'), 'utf8')) as {
    file: string;
    signal: Signal;
  }[];
  const run: RecordedRun = { name, events: [], exports: [] };
  for (const { file, signal } of order) {
    const prepared = prepareExport(
      signal,
      readFileSync(join(dir, file)),
      'json',
      { workspace },
      {
        text: { fingerprint: keyedFingerprint('real-agents-test-key-0123456789abcdef') },
        retentionDays: 0,
        nowMs: Date.now(),
      },
    );
    run.events.push(...prepared.messages.flatMap((m) => decodeAgentEventBatch(m.value)));
    run.exports.push({
      file,
      signal,
      accepted: prepared.accepted,
      reasons: prepared.reasons,
      dropped: prepared.dropped,
    });
  }
  return run;
}
