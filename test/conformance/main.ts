/**
 * `npm run conformance [-- --latest] [--agent ID]… [--scenario ID]… [--keep]`: installs the real agent CLIs
 * from npm (pinned versions, cached under .cache/conformance; `--latest`: the newest published), then runs
 * each against a real Warden and the scripted model server inside a private network namespace with only
 * loopback (`unshare -n`), and checks what Warden made of it. Prints a line per run and the failed checks;
 * exits 1 when any check failed. Results go to .cache/conformance/last-run.json; with `--record`, a full run
 * of the pinned versions becomes test/conformance/last-run.json and the README's compatibility table.
 * `--latest` also prints what changed in each agent's telemetry since the recorded run.
 * Where no network namespace can be made, says so and skips (exit 0): it never passes without running.
 * `--readme` only rewrites the README's table from test/conformance/last-run.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as prettier from 'prettier';
import { replaceReadmeBlock } from '../../scripts/readme-block.ts';
import { CONFORMANCE_AGENTS, type ConformanceAgent } from './agents.ts';
import { CONFORMANCE_BLOCK, LAST_RUN, renderCompatibility, shapeChanges } from './report.ts';
import type { ConformanceResults, Plan, PlannedRun } from './results.ts';
import { SCENARIOS } from './scenarios.ts';

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const CACHE = join(REPO, '.cache', 'conformance');
const log = (level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}) =>
  console.log(JSON.stringify({ level, msg, ...fields }));

const { values: args } = parseArgs({
  options: {
    latest: { type: 'boolean', default: false },
    agent: { type: 'string', multiple: true },
    scenario: { type: 'string', multiple: true },
    keep: { type: 'boolean', default: false },
    readme: { type: 'boolean', default: false },
    record: { type: 'boolean', default: false },
  },
});

function npm(...argv: string[]): string {
  const r = spawnSync('npm', argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ${argv.join(' ')}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/** The agent's program, installed from npm into its own cached folder. */
function install(agent: ConformanceAgent, version: string): string {
  const dir = join(CACHE, `${agent.id}-${version}`);
  const program = join(dir, 'node_modules', '.bin', agent.bin);
  if (existsSync(program)) return program;
  log('info', 'installing from npm', { pkg: `${agent.pkg}@${version}`, into: dir });
  mkdirSync(dir, { recursive: true });
  npm('install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `${agent.pkg}@${version}`);
  if (!existsSync(program)) throw new Error(`${agent.pkg}@${version} installed no ${agent.bin} program`);
  return program;
}

/**
 * The runs' namespace: a network with only loopback, and a private copy of /etc (an overlay whose writes
 * land in `etcDir`), where the agents' machine-wide settings go. The shell that enters it runs its arguments.
 */
const ENTER = (etcDir: string) =>
  [
    'mount --make-rprivate /',
    `mkdir -p ${etcDir}/upper ${etcDir}/work`,
    `mount -t overlay overlay -o lowerdir=/etc,upperdir=${etcDir}/upper,workdir=${etcDir}/work /etc`,
    'ip link set lo up',
    'exec "$0" "$@"',
  ].join(' && ');

/** How to enter that namespace here, or why not. */
function namespace(probeDir: string): { argv: string[] } | { skip: string } {
  for (const tool of ['unshare', 'ip'])
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0)
      return { skip: `\`${tool}\` is not installed (util-linux, iproute2)` };
  const errors: string[] = [];
  // As root, plain namespaces; otherwise inside a user namespace that maps us to root.
  for (const flags of [
    ['-n', '-m'],
    ['-r', '-n', '-m'],
  ]) {
    const r = spawnSync('unshare', [...flags, 'sh', '-c', ENTER(probeDir), 'true'], { encoding: 'utf8' });
    if (r.status === 0) return { argv: ['unshare', ...flags] };
    errors.push(`unshare ${flags.join(' ')}: ${r.stderr.trim()}`);
  }
  return {
    skip: `no private network and mount namespace with an /etc overlay can be made here (${errors.join('; ')})`,
  };
}

function plan(versions: Record<string, string>): PlannedRun[] {
  const agents = CONFORMANCE_AGENTS.filter((a) => !args.agent || args.agent.includes(a.id));
  const scenarios = SCENARIOS.filter((s) => !args.scenario || args.scenario.includes(s.id));
  const runs: PlannedRun[] = [];
  for (const a of agents)
    for (const s of scenarios) {
      // Benign work over every protocol; the rest over the agent's default one.
      const protocols = s.id === 'benign' ? a.protocols : [a.defaultProtocol];
      for (const protocol of protocols)
        runs.push({
          name: `${a.id}-${s.id}-${protocol.replace('/', '-')}`,
          agent: a.id,
          version: versions[a.id]!,
          protocol,
          scenario: s.id,
          // The person by --user where the protocol is the default, else by a per-person ingest token.
          identity: protocol === a.defaultProtocol ? 'fleet' : 'ingest-token',
        });
    }
  return runs;
}

/** The README's compatibility table, from a run's results. */
async function updateReadme(results: ConformanceResults): Promise<void> {
  const readmePath = join(REPO, 'README.md');
  const readme = readFileSync(readmePath, 'utf8');
  const updated = replaceReadmeBlock(readme, CONFORMANCE_BLOCK, renderCompatibility(results));
  // As the format check wants it (aligned table columns).
  const options = { ...(await prettier.resolveConfig(readmePath)), filepath: readmePath };
  writeFileSync(readmePath, await prettier.format(updated, options));
}

async function main(): Promise<number> {
  if (args.readme) {
    await updateReadme(JSON.parse(readFileSync(join(REPO, LAST_RUN), 'utf8')) as ConformanceResults);
    return 0;
  }
  const workDir = mkdtempSync(join(tmpdir(), 'warden-conformance-'));
  const ns = namespace(join(workDir, 'probe-etc'));
  if ('skip' in ns) {
    log('warn', `CONFORMANCE SKIPPED: ${ns.skip}; the real agents were not run`);
    rmSync(workDir, { recursive: true, force: true });
    return 0;
  }
  const versions = Object.fromEntries(
    CONFORMANCE_AGENTS.map((a) => [a.id, args.latest ? npm('view', a.pkg, 'version') : a.pinned]),
  );
  const runs = plan(versions);
  const programs: Record<string, string> = {};
  try {
    for (const a of CONFORMANCE_AGENTS)
      if (runs.some((r) => r.agent === a.id)) programs[a.id] = install(a, versions[a.id]!);
  } catch (err) {
    // A machine without the disk space (about 1 GB) or the registry: said as loudly as a failure, not one.
    log('warn', `CONFORMANCE SKIPPED: the agents could not be installed: ${(err as Error).message}`);
    rmSync(workDir, { recursive: true, force: true });
    return 0;
  }

  const planFile = join(workDir, 'plan.json');
  const resultsFile = join(workDir, 'results.json');
  writeFileSync(planFile, JSON.stringify({ programs, runs, workDir } satisfies Plan, null, 2));
  log('info', 'running the agents in a private network namespace', { runs: runs.length, versions, workDir });
  const status = await new Promise<number | null>((done) => {
    const child = spawn(
      ns.argv[0]!,
      [
        ...ns.argv.slice(1),
        'sh',
        '-c',
        ENTER(join(workDir, 'etc')),
        process.execPath,
        join(REPO, 'bin', 'run-ts.js'),
        join(REPO, 'test', 'conformance', 'run.ts'),
        planFile,
        resultsFile,
      ],
      { stdio: 'inherit' },
    );
    child.on('exit', (code) => done(code));
  });
  if (status !== 0 || !existsSync(resultsFile)) {
    log('error', 'the conformance runner failed', { status, workDir });
    return 1;
  }
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as ConformanceResults;
  const failed = results.runs.filter((r) => r.failures.length);
  for (const r of results.runs)
    for (const f of r.failures) log('error', 'conformance check failed', { run: r.name, failure: f });
  for (const r of results.runs.filter((x) => x.knownGap))
    log('warn', 'known gap', { run: r.name, gap: r.knownGap });

  const full = !args.agent && !args.scenario;
  const lastRun = join(REPO, LAST_RUN);
  writeFileSync(join(CACHE, 'last-run.json'), `${JSON.stringify(results, null, 2)}\n`);
  if (args.latest) {
    const before = existsSync(lastRun)
      ? (JSON.parse(readFileSync(lastRun, 'utf8')) as ConformanceResults)
      : undefined;
    const changes = before ? shapeChanges(before.shapes, results.shapes) : ['no pinned run to compare with'];
    for (const c of changes) log('info', 'telemetry change', { change: c });
    if (!changes.length) log('info', 'no change in the telemetry of the newest versions', { versions });
  } else if (args.record && full) {
    writeFileSync(lastRun, `${JSON.stringify(results, null, 2)}\n`);
    await updateReadme(results);
  }
  log(failed.length ? 'error' : 'info', 'conformance', {
    runs: results.runs.length,
    passed: results.runs.length - failed.length,
    failed: failed.length,
    knownGaps: results.runs.filter((r) => r.knownGap).length,
  });
  if (args.keep || failed.length) log('info', 'run folders kept', { workDir });
  else rmSync(workDir, { recursive: true, force: true });
  return failed.length ? 1 : 0;
}

process.exitCode = await main();
