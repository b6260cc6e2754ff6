// A real single-node KRaft Apache Kafka broker for tests, CI and benchmarks, run from Kafka's own jars
// (fetched from Maven Central by scripts/kafka/pom.xml). Recipe: shared reference kafka.md, Part B.
//
//   node bin/run-ts.js scripts/kafka-broker.ts fetch [--version 4.1.2]
//   node bin/run-ts.js scripts/kafka-broker.ts start [--port 9092] [--controller-port N] [--data-dir DIR] [--version V]
//
// Importing this module has no side effects; the CLI only runs when the file is the entry point.
import { execFile, spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';

export const DEFAULT_KAFKA_VERSION = '4.1.2';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KAFKA_SCRIPTS = join(REPO_ROOT, 'scripts', 'kafka');
const READY_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;

export interface KafkaBrokerOptions {
  version?: string;
  /** Reused as-is when it already holds a formatted broker: that is how a stopped broker is restarted. */
  dataDir?: string;
  port?: number;
  controllerPort?: number;
  logFile?: string;
}

export interface KafkaBroker {
  /** Bootstrap address of the PLAINTEXT broker listener, e.g. "127.0.0.1:9092". Never the controller. */
  brokers: string;
  port: number;
  controllerPort: number;
  dataDir: string;
  logFile: string;
  version: string;
  /** SIGTERM (controlled shutdown), wait up to 15 s, then SIGKILL. */
  stop(): Promise<void>;
  /** SIGKILL immediately (crash simulation). */
  kill(): Promise<void>;
}

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  process.stderr.write(JSON.stringify({ level, msg, ...fields }) + '\n');
}

/** Kafka 3.x has no logging backend of its own; we bind it to reload4j. 4.x uses Log4j 2. */
const isKafka3 = (version: string): boolean => version.startsWith('3.');

function requireTool(cmd: string, args: string[], why: string): void {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  if (r.error || r.status !== 0) {
    throw new Error(
      `kafka-broker: '${cmd}' is not usable (${r.error?.message ?? `exit ${r.status}`}); ${why}`,
    );
  }
}

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const out = `${stdout}${stderr}`;
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${tail(out, 60)}`));
      else resolvePromise(out);
    });
  });
}

function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

const jarFetches = new Map<string, Promise<string>>();

/**
 * Copies kafka_2.13:<version> and its runtime dependencies into .cache/kafka/<version>/libs (git-ignored).
 * A marker file written after Maven succeeds makes a half-finished copy be redone next time.
 */
export function ensureKafkaJars(
  version = process.env.WARDEN_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION,
): Promise<string> {
  let p = jarFetches.get(version); // one fetch per version per process
  if (!p) {
    p = fetchJars(version);
    jarFetches.set(version, p);
    p.catch(() => jarFetches.delete(version));
  }
  return p;
}

async function fetchJars(version: string): Promise<string> {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`kafka-broker: bad Kafka version '${version}'`);
  const versionDir = join(REPO_ROOT, '.cache', 'kafka', version);
  const libs = join(versionDir, 'libs');
  const marker = join(versionDir, 'libs.complete'); // outside libs/ so it never lands on the classpath
  if (existsSync(marker) && existsSync(libs)) return libs;

  requireTool('java', ['-version'], 'Kafka needs a JDK (17+) on PATH');
  requireTool('mvn', ['-v'], 'Apache Maven (3.8+) is needed to fetch the Kafka jars from Maven Central');
  await rm(libs, { recursive: true, force: true });
  await rm(marker, { force: true });
  const started = performance.now();
  log('info', 'fetching kafka jars from maven central', { version, libs });
  await run('mvn', [
    '-B',
    '-q',
    '-Dstyle.color=never',
    '-f',
    join(KAFKA_SCRIPTS, 'pom.xml'),
    `-Dkafka.version=${version}`,
    `-Dkafka.logging=${isKafka3(version) ? 'reload4j' : 'log4j2'}`,
    `-Dlibs.dir=${libs}`,
    'package',
  ]);
  const jars = readdirSync(libs).filter((f) => f.endsWith('.jar'));
  if (!jars.some((f) => f.startsWith('kafka_2.13-')))
    throw new Error(`kafka-broker: no kafka_2.13 jar in ${libs}`);
  await writeFile(marker, `${new Date().toISOString()} ${jars.length} jars\n`);
  log('info', 'kafka jars ready', { version, jars: jars.length, seconds: secondsSince(started) });
  return libs;
}

const secondsSince = (t0: number): number => Math.round((performance.now() - t0) / 100) / 10;

function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() =>
        typeof addr === 'object' && addr ? resolvePromise(addr.port) : reject(new Error('no port')),
      );
    });
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise(true)));
  });
}

/** Unpadded base64url of 16 random bytes, as Kafka's own random-uuid; a leading '-' would parse as a flag. */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** B.4: one combined broker+controller on loopback with static voters, sized for tests. */
function serverProperties(version: string, dataDir: string, port: number, controllerPort: number): string {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(dataDir, 'logs'),
    // Single node: internal topics must not ask for more replicas than exist, or InitProducerId
    // (idempotence, transactions) and group coordination never find a coordinator.
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'num.partitions': 1,
    'auto.create.topics.enable': false, // tests create topics via the admin API
    'group.initial.rebalance.delay.ms': 0, // default 3 s per first join
    'num.network.threads': 2,
    'num.io.threads': 2,
    'num.recovery.threads.per.data.dir': 1,
    'background.threads': 2,
    'log.cleaner.threads': 1,
    'log.cleaner.dedupe.buffer.size': 2 * 1024 * 1024, // default 128 MiB of heap
  };
  if (!isKafka3(version)) {
    props['share.coordinator.state.topic.replication.factor'] = 1;
    props['share.coordinator.state.topic.min.isr'] = 1;
  }
  return (
    Object.entries(props)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n'
  );
}

function loggingFlag(version: string): string {
  return isKafka3(version)
    ? `-Dlog4j.configuration=${pathToFileURL(join(KAFKA_SCRIPTS, 'log4j.properties')).href}`
    : `-Dlog4j2.configurationFile=${join(KAFKA_SCRIPTS, 'log4j2.properties')}`;
}

/** B.5: small heap, G1 with capped GC threads (2-core CI machines). */
const BROKER_JVM_FLAGS = [
  '-Xms256m',
  '-Xmx768m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-XX:ParallelGCThreads=2',
  '-XX:ConcGCThreads=1',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const sock = createConnection({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (ok: boolean) => {
      sock.destroy();
      resolvePromise(ok);
    };
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
    sock.once('timeout', () => done(false));
  });
}

/** Ready = the broker listener accepts TCP and answers a Metadata request (admin listTopics). */
async function adminAnswers(brokers: string): Promise<boolean> {
  const admin = new Kafka({
    clientId: 'kafka-broker-readiness',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 2000,
    requestTimeout: 5000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    await admin.listTopics();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readTail(file: string, lines = 40): string {
  try {
    return tail(readFileSync(file, 'utf8'), lines);
  } catch {
    return '(no log)';
  }
}

/** The controller port a previous run in this data dir used, so a restart keeps the same quorum address. */
async function previousControllerPort(propsFile: string): Promise<number | undefined> {
  const text = await readFile(propsFile, 'utf8').catch(() => '');
  const m = /^controller\.quorum\.voters=1@127\.0\.0\.1:(\d+)$/m.exec(text);
  return m ? Number(m[1]) : undefined;
}

export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
  const version = opts.version ?? process.env.WARDEN_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  const libs = await ensureKafkaJars(version);
  requireTool('java', ['-version'], 'Kafka needs a JDK (17+) on PATH');

  const dataDir = resolve(opts.dataDir ?? (await mkdtemp(join(tmpdir(), 'warden-kafka-'))));
  await mkdir(dataDir, { recursive: true });
  const propsFile = join(dataDir, 'server.properties');
  const logFile = resolve(opts.logFile ?? join(dataDir, 'broker.log'));
  const port = opts.port ?? (await freePort());
  // Static voters may change address across restarts, but keeping it is tidier; a busy one is replaced.
  let controllerPort = opts.controllerPort;
  if (controllerPort === undefined) {
    const previous = await previousControllerPort(propsFile);
    if (previous !== undefined && previous !== port && (await isFree(previous))) controllerPort = previous;
  }
  while (controllerPort === undefined || controllerPort === port) controllerPort = await freePort();

  await writeFile(propsFile, serverProperties(version, dataDir, port, controllerPort));
  const classpath = `${libs}/*`; // the JVM expands the wildcard itself
  const logging = loggingFlag(version);

  // Format only once: a formatted data dir keeps its cluster id and data across stop()/start.
  if (!existsSync(join(dataDir, 'logs', 'meta.properties'))) {
    await run('java', [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1', // short-lived tool: start-up matters, not peak speed
      logging,
      '-cp',
      classpath,
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId(),
      '-c',
      propsFile,
    ]);
  }

  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n===== ${new Date().toISOString()} starting Kafka ${version} on 127.0.0.1:${port} =====\n`);
  let child: ChildProcess;
  try {
    child = spawn('java', [...BROKER_JVM_FLAGS, logging, '-cp', classpath, 'kafka.Kafka', propsFile], {
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd); // the child holds its own copy
  }
  const exited = new Promise<number | string>((r) => {
    child.once('exit', (code, signal) => r(signal ?? code ?? -1));
    child.once('error', (err) => r(err.message)); // e.g. spawn failure; never an unhandled 'error'
  });
  let exitStatus: number | string | undefined;
  void exited.then((s) => (exitStatus = s));
  // Never leave a JVM behind when this Node process ends (the 'exit' handler must be synchronous).
  const killOnExit = () => {
    if (exitStatus === undefined) child.kill('SIGKILL');
  };
  process.on('exit', killOnExit);

  const brokers = `127.0.0.1:${port}`;
  const waitExit = (ms: number) =>
    new Promise<boolean>((r) => {
      const timer = setTimeout(() => r(false), ms); // cleared below so it never holds the event loop
      void exited.then(() => {
        clearTimeout(timer);
        r(true);
      });
    });
  const broker: KafkaBroker = {
    brokers,
    port,
    controllerPort,
    dataDir,
    logFile,
    version,
    async stop() {
      if (exitStatus === undefined) {
        child.kill('SIGTERM');
        if (!(await waitExit(STOP_GRACE_MS))) {
          log('warn', 'kafka broker did not stop in time; killing', { brokers, graceMs: STOP_GRACE_MS });
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', killOnExit);
    },
    async kill() {
      if (exitStatus === undefined) {
        child.kill('SIGKILL');
        await exited;
      }
      process.off('exit', killOnExit);
    },
  };

  // Readiness: poll, never a blind sleep; an early exit fails at once with the log tail.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exitStatus !== undefined) {
      process.off('exit', killOnExit);
      throw new Error(`kafka broker exited early (${exitStatus}); ${logFile}:\n${readTail(logFile)}`);
    }
    if ((await tcpOpen(port)) && (await adminAnswers(brokers))) return broker;
    if (Date.now() > deadline) {
      await broker.kill();
      throw new Error(
        `kafka broker not ready after ${READY_TIMEOUT_MS / 1000}s; ${logFile}:\n${readTail(logFile)}`,
      );
    }
    await delay(250);
  }
}

// ---------------------------------------------------------------------------------------------- CLI

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(argv: string[]): Promise<void> {
  const [cmd, ...args] = argv;
  const version = argValue(args, '--version') ?? process.env.WARDEN_KAFKA_VERSION ?? DEFAULT_KAFKA_VERSION;
  if (cmd === 'fetch') {
    const libs = await ensureKafkaJars(version);
    log('info', 'kafka jars present', { version, libs });
    return;
  }
  if (cmd === 'start') {
    const port = Number(argValue(args, '--port') ?? process.env.WARDEN_KAFKA_PORT ?? 9092);
    const cport = argValue(args, '--controller-port');
    const started = performance.now();
    const broker = await startKafkaBroker({
      version,
      port,
      controllerPort: cport ? Number(cport) : undefined,
      dataDir: resolve(argValue(args, '--data-dir') ?? join(REPO_ROOT, '.cache', 'kafka', 'data')),
    });
    // The ready line goes to stdout (the CLI's one machine-readable result); other logs go to stderr.
    const ready = { level: 'info', msg: 'kafka broker ready', brokers: broker.brokers, version };
    process.stdout.write(
      JSON.stringify({ ...ready, dataDir: broker.dataDir, seconds: secondsSince(started) }) + '\n',
    );
    await new Promise<void>((r) => {
      process.once('SIGINT', r);
      process.once('SIGTERM', r);
    });
    log('info', 'stopping kafka broker', { brokers: broker.brokers });
    await broker.stop();
    log('info', 'kafka broker stopped', { brokers: broker.brokers });
    return;
  }
  throw new Error(
    `usage: kafka-broker.ts fetch|start [--version V] [--port N] [--controller-port N] [--data-dir DIR]`,
  );
}

const entry = process.argv[1];
if (entry && import.meta.url === pathToFileURL(resolve(entry)).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    log('error', err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  });
}
