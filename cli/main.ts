import pino from 'pino';
import { BusConfig, openBus } from '../bus/index.ts';
import { CollectorConfig, start as startCollector } from '../collector/index.ts';
import { ConfigError, LogConfig, parseEnv } from './env.ts';
import { ensureLocalIngestToken } from './ingest-token.ts';

const USAGE = `usage: warden <command>

commands:
  start       all-in-one on this machine: OTLP collector and bus (embedded log under WARDEN_DATA_DIR,
              or Kafka when KAFKA_BROKERS is set)
  collector   the OTLP collector alone, publishing to Kafka (needs KAFKA_BROKERS and WARDEN_INGEST_TOKENS)

Settings come from the environment; see README.md.`;

type Env = Record<string, string | undefined>;
interface Running {
  close(): Promise<void>;
}

async function runCollector(env: Env, logger: pino.Logger, embedded: boolean): Promise<Running> {
  const busConfig = parseEnv(BusConfig, env);
  if (!embedded && !busConfig.KAFKA_BROKERS?.length) {
    throw new ConfigError(
      'invalid configuration:\n  KAFKA_BROKERS: the collector alone publishes to Kafka; set host:port,…',
    );
  }
  if (embedded && !env.WARDEN_INGEST_TOKENS) {
    const local = await ensureLocalIngestToken(busConfig.WARDEN_DATA_DIR);
    env = { ...env, WARDEN_INGEST_TOKENS: local.spec };
    logger.info(
      { tokenFile: local.path, workspace: 'default' },
      'no WARDEN_INGEST_TOKENS set: using the local ingest token',
    );
  }
  const collectorConfig = parseEnv(CollectorConfig, env);
  const bus = await openBus(busConfig, logger);
  const collector = await startCollector(collectorConfig, { bus, logger }).catch(async (err: unknown) => {
    await bus.close();
    throw err;
  });
  logger.info(
    {
      bus: bus.kind,
      otlpGrpc: `${collectorConfig.WARDEN_OTLP_HOST}:${collector.grpcPort}`,
      otlpHttp: `http://${collectorConfig.WARDEN_OTLP_HOST}:${collector.httpPort}`,
    },
    'warden is running',
  );
  const statsTimer = setInterval(() => logger.info({ stats: collector.stats() }, 'ingest stats'), 60_000);
  statsTimer.unref();
  return {
    close: async () => {
      clearInterval(statsTimer);
      await collector.close();
      await bus.close();
    },
  };
}

async function main(argv: string[], env: Env): Promise<number> {
  const command = argv[0];
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const logger = pino({ level: parseEnv(LogConfig, env).WARDEN_LOG_LEVEL, base: { app: 'warden' } });
  let running: Running;
  switch (command) {
    case 'start':
      running = await runCollector(env, logger, true);
      break;
    case 'collector':
      running = await runCollector(env, logger, false);
      break;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      logger.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await running.close();
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
