import pino from 'pino';
import { AlertsConfig } from '../alerts/config.ts';
import { ApiConfig } from '../api/config.ts';
import { defaultConsoleUrl } from '../api/console-url.ts';
import { BusConfig, openBus } from '../bus/index.ts';
import { CollectorConfig } from '../collector/config.ts';
import { StoreConfig } from '../store/config.ts';
import { TriageConfig } from '../triage/config.ts';
import { ReviewConfig } from '../triage/review/config.ts';
import type { Env } from './client.ts';
import { ConfigError, LogConfig, parseEnv } from './env.ts';
import { localApiKeys, localFingerprintKey, localIngestTokens } from './local-secrets.ts';

const USAGE = `usage: warden <command>

commands:
  start       everything on this machine: collector, triage and API, with the embedded bus and
              ClickHouse (chDB) under WARDEN_DATA_DIR (Kafka / a ClickHouse server when configured)
  collector   the OTLP collector alone, publishing to Kafka (KAFKA_BROKERS, WARDEN_INGEST_TOKENS)
  triage      the triage engine alone: a Kafka consumer writing to ClickHouse (KAFKA_BROKERS, CLICKHOUSE_URL)
  api         the query API alone, over ClickHouse (CLICKHOUSE_URL, WARDEN_API_KEYS)

client commands (--help on each):
  agent-config  prints the telemetry settings that point an agent (codex, claude-code, gemini-cli,
                otel-sdk) at Warden, with what each line does
  demo          against a running Warden: replays three sample agent sessions and prints their verdicts
  status        against a running Warden: ingest rate, bus lag, open sessions, latest verdicts, store size
  dead-letters  against a running Warden: the records triage set aside, and \`replay\` to send them again
  hook          an agent's pre-tool hook (codex, claude-code, gemini-cli): asks Warden's pre-action
                review and answers in the agent's format

Settings come from the environment; see README.md.`;

/** Commands that talk to a running Warden: loaded on demand, they print and exit. */
const CLIENT_COMMANDS: Record<
  string,
  () => Promise<(argv: string[], env: Env, io: ClientIo) => Promise<number>>
> = {
  demo: async () => (await import('./demo.ts')).demoCommand,
  status: async () => (await import('./status.ts')).statusCommand,
  'dead-letters': async () => (await import('./dead-letters.ts')).deadLettersCommand,
  hook: async () => (await import('./hook.ts')).hookCommand,
  'agent-config': async () => {
    const { agentConfigCommand } = await import('./agent-config.ts');
    return async (argv, _env, io) => {
      const { exitCode, output } = agentConfigCommand(argv);
      (exitCode === 0 ? io.out : io.err)(`${output}\n`);
      return exitCode;
    };
  },
};
export interface ClientIo {
  out: (s: string) => void;
  err: (s: string) => void;
  errIsTTY?: boolean;
}

type Command = 'start' | 'collector' | 'triage' | 'api';
interface Closer {
  name: string;
  close(): Promise<void>;
}

/**
 * Builds what `command` needs, in data-flow order (store and bus first, then triage and API, then the
 * collector), and returns closers in shutdown order: intake stops first, then triage drains, then the rest.
 */
async function compose(command: Command, env: Env, logger: pino.Logger): Promise<Closer[]> {
  const embedded = command === 'start';
  const busConfig = parseEnv(BusConfig, env);
  if (!embedded && command !== 'api' && !busConfig.KAFKA_BROKERS?.length) {
    throw new ConfigError(
      `invalid configuration:\n  KAFKA_BROKERS: \`warden ${command}\` runs against Kafka; set host:port,…`,
    );
  }
  const storeConfig = parseEnv(StoreConfig, env);
  if (!embedded && command !== 'collector' && !storeConfig.CLICKHOUSE_URL) {
    throw new ConfigError(
      `invalid configuration:\n  CLICKHOUSE_URL: \`warden ${command}\` runs against a ClickHouse server`,
    );
  }
  if (embedded && !env.WARDEN_INGEST_TOKENS) {
    const local = await localIngestTokens(busConfig.WARDEN_DATA_DIR);
    env = { ...env, WARDEN_INGEST_TOKENS: local.spec };
    logger.info(
      { tokenFile: local.path, workspace: 'default' },
      'no WARDEN_INGEST_TOKENS set: using the local ingest token',
    );
  }
  if (embedded && !env.WARDEN_API_KEYS) {
    const local = await localApiKeys(busConfig.WARDEN_DATA_DIR);
    env = { ...env, WARDEN_API_KEYS: local.spec };
    logger.info(
      { keyFile: local.path, workspace: 'default', role: 'admin' },
      'no WARDEN_API_KEYS set: using the local API key',
    );
  }
  if ((embedded || command === 'collector') && !env.WARDEN_FINGERPRINT_KEY) {
    const local = await localFingerprintKey(busConfig.WARDEN_DATA_DIR);
    env = { ...env, WARDEN_FINGERPRINT_KEY: local.key };
    // Alone, a collector is usually one of several: the same secret must get the same mask on each.
    if (embedded) logger.debug({ keyFile: local.path }, 'no WARDEN_FINGERPRINT_KEY set: using the local key');
    else
      logger.warn(
        { keyFile: local.path },
        'no WARDEN_FINGERPRINT_KEY set: using this machine’s key; collectors that share a bus need one shared key',
      );
  }
  // Parse every service's settings before opening anything, so a bad value fails fast.
  const collectorConfig = embedded || command === 'collector' ? parseEnv(CollectorConfig, env) : undefined;
  const triageConfig = embedded || command === 'triage' ? parseEnv(TriageConfig, env) : undefined;
  const apiConfig = embedded || command === 'api' ? parseEnv(ApiConfig, env) : undefined;
  const reviewConfig = apiConfig ? parseEnv(ReviewConfig, env) : undefined;
  // Alert links point where this process serves the console unless told otherwise.
  const alertsConfig =
    command !== 'collector'
      ? parseEnv(AlertsConfig, {
          ...env,
          WARDEN_CONSOLE_URL:
            env.WARDEN_CONSOLE_URL ||
            (apiConfig && defaultConsoleUrl(apiConfig.WARDEN_API_HOST, apiConfig.WARDEN_API_PORT)),
        })
      : undefined;

  const closers: Closer[] = [];
  try {
    const needsStore = command !== 'collector';
    // Services load on demand: a collector-only process never maps the ClickHouse engine (chDB) into memory.
    const { openStore } = needsStore ? await import('../store/index.ts') : { openStore: undefined };
    const store = openStore ? await openStore(storeConfig, logger) : undefined;
    if (store) closers.unshift({ name: 'store', close: () => store.close() });
    // The API alone uses the bus only to replay dead letters, and only when Kafka is configured.
    const bus =
      command !== 'api' || busConfig.KAFKA_BROKERS?.length ? await openBus(busConfig, logger) : undefined;
    if (bus) closers.unshift({ name: 'bus', close: () => bus.close() });
    // Triage raises alerts; the API resolves them when an analyst closes a false positive.
    const alerts =
      alertsConfig && store
        ? await (
            await import('../alerts/index.ts')
          ).start(alertsConfig, { store, logger, resume: triageConfig !== undefined })
        : undefined;
    if (alerts) closers.unshift({ name: 'alerts', close: () => alerts.close() });
    if (triageConfig && bus && store) {
      const { start: startTriage } = await import('../triage/index.ts');
      const triage = await startTriage(triageConfig, {
        bus,
        store,
        logger,
        onVerdict: alerts && ((session, finding) => alerts.onVerdict(session, finding)),
      });
      closers.unshift({ name: 'triage', close: () => triage.close() });
    }
    if (apiConfig && store) {
      // Its own store session: API reads then run beside triage's inserts instead of queueing behind them.
      const apiStore = triageConfig && openStore ? await openStore(storeConfig, logger) : store;
      if (apiStore !== store) closers.unshift({ name: 'api store', close: () => apiStore.close() });
      // The pre-action review runs where the API does, on triage's engine, over the API's store session.
      const { startReviewService } = await import('../triage/review/service.ts');
      const reviewer = await startReviewService(reviewConfig!, { store: apiStore, logger });
      closers.unshift({ name: 'review', close: () => reviewer.close() });
      const { start: startApi } = await import('../api/index.ts');
      const api = await startApi(apiConfig, {
        store: apiStore,
        bus,
        reviewer,
        logger,
        onDisposition: alerts && ((f, d, previous) => alerts.onDisposition(f, d, previous)),
      });
      closers.unshift({ name: 'api', close: () => api.close() });
      logger.info(
        { api: `http://${apiConfig.WARDEN_API_HOST}:${api.port}`, console: `${api.consoleUrl}/console/` },
        'api ready',
      );
    }
    if (collectorConfig && bus) {
      const { start: startCollector } = await import('../collector/index.ts');
      const collector = await startCollector(collectorConfig, { bus, logger });
      closers.unshift({ name: 'collector', close: () => collector.close() });
      logger.info(
        {
          bus: bus.kind,
          otlpGrpc: `${collectorConfig.WARDEN_OTLP_HOST}:${collector.grpcPort}`,
          otlpHttp: `http://${collectorConfig.WARDEN_OTLP_HOST}:${collector.httpPort}`,
        },
        'collector ready',
      );
      const statsTimer = setInterval(() => logger.info({ stats: collector.stats() }, 'ingest stats'), 60_000);
      statsTimer.unref();
    }
  } catch (err) {
    await closeAll(closers, logger);
    throw err;
  }
  return closers;
}

async function closeAll(closers: Closer[], logger: pino.Logger) {
  for (const c of closers) {
    try {
      await c.close();
    } catch (err) {
      logger.error({ err, component: c.name }, 'error while stopping');
    }
  }
}

async function main(argv: string[], env: Env): Promise<number> {
  const command = argv[0];
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const client = CLIENT_COMMANDS[command];
  if (client) {
    const code = await (
      await client()
    )(argv.slice(1), env, {
      out: (s) => process.stdout.write(s),
      err: (s) => process.stderr.write(s),
      errIsTTY: process.stderr.isTTY,
    });
    // process.exit does not wait for piped output: flush it first.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    return code;
  }
  if (!['start', 'collector', 'triage', 'api'].includes(command)) {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const logger = pino({ level: parseEnv(LogConfig, env).WARDEN_LOG_LEVEL, base: { app: 'warden' } });
  const closers = await compose(command as Command, env, logger);
  logger.info({ command }, 'warden is running');
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await closeAll(closers, logger);
  logger.info('stopped');
  return 0;
}

main(process.argv.slice(2), { ...process.env }).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
