import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { ApiConfig } from '../api/config.ts';
import { BusConfig } from '../bus/config.ts';
import { LogConfig, parseEnv } from '../cli/env.ts';
import { CollectorConfig } from '../collector/config.ts';
import { StoreConfig } from '../store/config.ts';
import { TriageConfig } from '../triage/config.ts';

// docker-compose.yml and the Dockerfile, checked without a Docker engine: the services run the CLI's
// commands with settings their own zod configs accept, every host path they mount exists, and the image
// holds every folder the CLI loads at runtime.

const ROOT = resolve(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string[];
  container_name?: string;
  deploy?: { replicas?: number };
  environment?: Record<string, string | number | boolean | null>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] | string };
  depends_on?: Record<string, { condition: string }>;
}
const COMPOSE_TEXT = read('docker-compose.yml');
const compose = parseDocument(COMPOSE_TEXT, { merge: true }).toJS() as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

/** What an operator sets before `docker compose up` (docker compose refuses to start without them). */
const OPERATOR_ENV: Record<string, string> = {
  WARDEN_INGEST_TOKENS: 'tok-agents-0123456789=acme',
  WARDEN_FINGERPRINT_KEY: 'fp-key-0123456789abcdef0123456789abcdef',
  WARDEN_API_KEYS: 'key-analyst-0123456789=acme:analyst:erin',
  CLICKHOUSE_PASSWORD: 'ch-warden-secret',
  CLICKHOUSE_GRAFANA_PASSWORD: 'ch-grafana-secret',
  GRAFANA_ADMIN_PASSWORD: 'grafana-secret',
};

/** Compose's variable interpolation: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(
    /\$\$|\$\{(\w+)(?:(:?[-?])([^}]*))?\}|\$(\w+)/g,
    (match, name?: string, op?: string, arg?: string, bare?: string) => {
      if (match === '$$') return '$';
      const key = (name ?? bare)!;
      const v = env[key];
      const unset = op?.startsWith(':') ? !v : v === undefined;
      if (op?.endsWith('?') && unset) throw new Error(`${key} is required: ${arg}`);
      if (op?.endsWith('-') && unset) return arg ?? '';
      return v ?? '';
    },
  );
}

/** A service's environment as the container sees it, after interpolation with `env`. */
function containerEnv(service: Service, env: Record<string, string> = OPERATOR_ENV): Record<string, string> {
  return Object.fromEntries(
    Object.entries(service.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), env)]),
  );
}

/** The commands `warden` accepts, from the USAGE text in cli/main.ts (read, not imported: it runs main()). */
function cliCommands(): string[] {
  const usage = /const USAGE = `([\s\S]*?)`;/.exec(read('cli/main.ts'))?.[1];
  if (!usage) throw new Error('no USAGE in cli/main.ts');
  const section = usage.split(/^commands:\s*$/m)[1] ?? '';
  return [...section.matchAll(/^ {2}([a-z][\w-]*) {2,}/gm)].map((m) => m[1]!);
}

/** The setting names a zod config reads (objects, and objects behind a transform). */
function keysOf(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
  if (schema instanceof z.ZodPipe) return keysOf(schema.in as z.ZodType);
  throw new Error('not an object schema');
}

// Settings each role parses (cli/main.ts compose(): bus, store and log settings always, then the role's own).
const COMMON_CONFIGS: z.ZodType[] = [BusConfig, StoreConfig, LogConfig];
const ROLE_CONFIGS: Record<string, z.ZodType[]> = {
  collector: [CollectorConfig],
  triage: [TriageConfig],
  api: [ApiConfig],
};
// Alert settings, once alerts/config.ts exists, may be read by any role: their names are allowed everywhere
// (which role parses them, and what they require, is the alerts issue's to decide).
const ALERT_CONFIGS: z.ZodType[] = [];
const alertsConfigPath = join(ROOT, 'alerts/config.ts');
if (existsSync(alertsConfigPath)) {
  const mod = (await import(pathToFileURL(alertsConfigPath).href)) as Record<string, unknown>;
  for (const value of Object.values(mod)) {
    if (value instanceof z.ZodObject || value instanceof z.ZodPipe) ALERT_CONFIGS.push(value as z.ZodType);
  }
}

const wardenServices = Object.entries(services).filter(([, s]) => s.build !== undefined);

describe('docker-compose.yml', () => {
  it('runs Kafka, ClickHouse, the three Warden roles and Grafana', () => {
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'clickhouse',
      'collector',
      'grafana',
      'kafka',
      'triage',
    ]);
    expect(services.kafka!.image).toMatch(/^apache\/kafka:\d/);
    expect(services.clickhouse!.image).toMatch(/^clickhouse\/clickhouse-server:\d/);
    expect(services.grafana!.image).toMatch(/^grafana\/grafana:\d/);
    expect(wardenServices.map(([name]) => name).sort()).toEqual(['api', 'collector', 'triage']);
  });

  it('asks the operator for exactly the secrets, never with a default', () => {
    const required = new Set([...COMPOSE_TEXT.matchAll(/\$\{(\w+):\?/g)].map((m) => m[1]!));
    expect([...required].sort()).toEqual(Object.keys(OPERATOR_ENV).sort());
    const raw = (service: string, name: string) => String(services[service]!.environment?.[name]);
    for (const [service, name] of [
      ['collector', 'WARDEN_INGEST_TOKENS'],
      ['collector', 'WARDEN_FINGERPRINT_KEY'],
      ['api', 'WARDEN_API_KEYS'],
      ['triage', 'CLICKHOUSE_PASSWORD'],
      ['api', 'CLICKHOUSE_PASSWORD'],
      ['clickhouse', 'CLICKHOUSE_PASSWORD'],
      ['clickhouse', 'CLICKHOUSE_GRAFANA_PASSWORD'],
      ['grafana', 'CLICKHOUSE_GRAFANA_PASSWORD'],
      ['grafana', 'GF_SECURITY_ADMIN_PASSWORD'],
    ] as const) {
      expect(raw(service, name), `${service}.${name}`).toMatch(/^\$\{\w+:\?[^}]+\}$/);
    }
    // Without a secret, interpolation (like `docker compose up`) fails.
    const { WARDEN_API_KEYS: _omitted, ...partial } = OPERATOR_ENV;
    expect(() => containerEnv(services.api!, partial)).toThrow(/WARDEN_API_KEYS is required/);
  });

  describe.each(wardenServices)('%s', (name, service) => {
    const command = service.command?.[0] ?? '';
    const env = containerEnv(service);

    it('is built from the Dockerfile and runs a command the CLI accepts', () => {
      expect(service.build).toBe('.');
      expect(cliCommands()).toContain(command);
      expect(command).toBe(name);
      expect(service.command).toHaveLength(1);
    });

    it("sets only settings its role reads, and they parse with the role's own config", () => {
      const configs = [...COMMON_CONFIGS, ...(ROLE_CONFIGS[command] ?? [])];
      const known = new Set([...configs, ...ALERT_CONFIGS].flatMap(keysOf));
      for (const key of Object.keys(env))
        expect(known, `${name}: ${key} is read by no config`).toContain(key);
      for (const schema of configs) expect(() => parseEnv(schema, env)).not.toThrow();
      // cli/main.ts: every role needs Kafka (the API to replay dead letters), all but the collector ClickHouse.
      expect(env.KAFKA_BROKERS, `${name}: KAFKA_BROKERS`).toBeTruthy();
      if (command !== 'collector') expect(env.CLICKHOUSE_URL, `${name}: CLICKHOUSE_URL`).toBeTruthy();
    });

    it('points at the compose services and their credentials', () => {
      for (const broker of parseEnv(BusConfig, env).KAFKA_BROKERS ?? []) {
        expect(Object.keys(services)).toContain(broker.split(':')[0]);
      }
      if (env.CLICKHOUSE_URL) {
        const url = new URL(env.CLICKHOUSE_URL);
        expect(url.hostname).toBe('clickhouse');
        expect(url.port).toBe('8123');
        const server = containerEnv(services.clickhouse!);
        const store = parseEnv(StoreConfig, env);
        expect(store.CLICKHOUSE_USER).toBe(server.CLICKHOUSE_USER);
        expect(store.CLICKHOUSE_PASSWORD).toBe(server.CLICKHOUSE_PASSWORD);
        expect(store.CLICKHOUSE_DATABASE).toBe(server.CLICKHOUSE_DB);
      }
    });

    it('listens on all interfaces, on the ports it publishes', () => {
      const published = (service.ports ?? []).map((p) => Number(p.split(':').at(-1)));
      if (command === 'collector') {
        const c = parseEnv(CollectorConfig, env);
        expect(c.WARDEN_OTLP_HOST).toBe('0.0.0.0');
        expect(published.sort()).toEqual([c.WARDEN_OTLP_GRPC_PORT, c.WARDEN_OTLP_HTTP_PORT].sort());
      }
      if (command === 'api') {
        const c = parseEnv(ApiConfig, env);
        expect(c.WARDEN_API_HOST).toBe('0.0.0.0');
        expect(published).toEqual([c.WARDEN_API_PORT]);
      }
      if (command === 'triage') expect(published).toEqual([]);
    });
  });

  it('scales triage: two replicas, no fixed container name, no host ports', () => {
    const triage = services.triage!;
    expect(triage.deploy?.replicas).toBe(2);
    expect(triage.container_name).toBeUndefined();
    expect(triage.ports).toBeUndefined();
  });

  it('waits for healthy dependencies, which all have healthchecks', () => {
    expect(Object.keys(services.collector!.depends_on ?? {})).toEqual(['kafka']);
    expect(Object.keys(services.triage!.depends_on ?? {}).sort()).toEqual(['clickhouse', 'kafka']);
    expect(Object.keys(services.api!.depends_on ?? {}).sort()).toEqual(['clickhouse', 'kafka']);
    expect(Object.keys(services.grafana!.depends_on ?? {})).toEqual(['clickhouse']);
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(condition, `${name} → ${dep}`).toBe('service_healthy');
        expect(services[dep]?.healthcheck, `${dep} has a healthcheck`).toBeDefined();
      }
    }
  });

  it('mounts only host paths that exist, and declares its named volumes', () => {
    const named = new Set(Object.keys(compose.volumes ?? {}));
    for (const [name, s] of Object.entries(services)) {
      for (const volume of s.volumes ?? []) {
        const [source = ''] = volume.split(':');
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(resolve(ROOT, source)), `${name} mounts ${source}`).toBe(true);
          expect(volume.endsWith(':ro'), `${name} mounts ${source} read-only`).toBe(true);
        } else {
          expect(named, `${name} uses volume ${source}`).toContain(source);
        }
      }
    }
  });

  it('gives ClickHouse the read-only Grafana user and its password', () => {
    const ch = services.clickhouse!;
    expect(ch.volumes).toContain(
      './dashboards/clickhouse/users.d/grafana-readonly.xml:/etc/clickhouse-server/users.d/grafana-readonly.xml:ro',
    );
    expect(ch.volumes?.some((v) => v.endsWith(':/var/lib/clickhouse'))).toBe(true);
    const xml = read('dashboards/clickhouse/users.d/grafana-readonly.xml');
    const env = containerEnv(ch);
    for (const [, variable] of xml.matchAll(/from_env="(\w+)"/g)) expect(env[variable!]).toBeTruthy();
  });

  it('provisions Grafana with the ClickHouse plugin, the data source and the dashboards', () => {
    const grafana = services.grafana!;
    const env = containerEnv(grafana);
    const plugins =
      env.GF_PLUGINS_PREINSTALL_SYNC ?? env.GF_PLUGINS_PREINSTALL ?? env.GF_INSTALL_PLUGINS ?? '';
    // Pinned: grafana-clickhouse-datasource@<version>.
    expect(plugins.split(',')).toContainEqual(
      expect.stringMatching(/^grafana-clickhouse-datasource@\d+\.\d+\.\d+$/),
    );
    expect(env.GF_SECURITY_ADMIN_PASSWORD).toBe(OPERATOR_ENV.GRAFANA_ADMIN_PASSWORD);
    expect(grafana.volumes).toContain('./dashboards/provisioning:/etc/grafana/provisioning:ro');
    expect(grafana.volumes?.some((v) => v.startsWith('./dashboards/json:') && v.endsWith(':ro'))).toBe(true);
    // Every $VAR in the provisioning files is in Grafana's environment.
    for (const file of ['datasources/clickhouse.yaml', 'dashboards/warden.yaml']) {
      const text = read(`dashboards/provisioning/${file}`).replace(/^\s*#.*$/gm, '');
      for (const [, variable] of text.matchAll(/\$\{?(\w+)\}?/g)) {
        expect(env[variable!], `${file} needs ${variable}`).toBeTruthy();
      }
    }
    // The home dashboard is one of the mounted files.
    const home = env.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH;
    if (home) {
      const mount = grafana.volumes!.find((v) => v.startsWith('./dashboards/json:'))!.split(':')[1]!;
      expect(existsSync(join(ROOT, 'dashboards/json', relative(mount, home)))).toBe(true);
    }
  });

  // What `docker compose config` checks (schema, interpolation, references), by compose-go: the library
  // the compose plugin is built on, compiled from the Go module proxy by scripts/test.sh.
  const composeConfig = join(ROOT, '.cache/bin/compose-config');
  const runComposeConfig = (env: Record<string, string>) =>
    spawnSync(composeConfig, ['docker-compose.yml'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });

  it('passes compose-go validation (as `docker compose config`), and names every missing secret', () => {
    expect(existsSync(composeConfig), 'build it: scripts/test.sh (go build ./scripts/compose-config)').toBe(
      true,
    );
    const ok = runComposeConfig(OPERATOR_ENV);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    const project = JSON.parse(ok.stdout) as { services: Record<string, { command?: string[] }> };
    expect(project.services.triage?.command).toEqual(['triage']);
    const missing = runComposeConfig({});
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('WARDEN_INGEST_TOKENS');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const copied = new Set(
    [...dockerfile.matchAll(/^COPY\s+(?!--)(\S+)\s+\.\/(\S+?)\/?$/gm)].map((m) => {
      expect(m[1], `COPY ${m[1]} keeps its name`).toBe(m[2]);
      return m[1]!;
    }),
  );

  /** Top-level folders reached from a file through runtime imports and `new URL(…, import.meta.url)` reads. */
  function runtimeFolders(entry: string): Set<string> {
    const seen = new Set<string>();
    const folders = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      folders.add(relative(ROOT, file).split(sep)[0]!);
      if (!/\.[cm]?[jt]s$/.test(file)) return;
      const source = readFileSync(file, 'utf8');
      const specifiers = [
        // import x from '…', import { a, type B } from '…', export … from '…' (not `import type` / `export type`)
        ...[...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^'";]*?\bfrom\s+['"]([^'"]+)['"]/gm)].map(
          (m) => m[1]!,
        ),
        ...[...source.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!),
        ...[...source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
        ...[...source.matchAll(/new URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g)].map(
          (m) => m[1]!,
        ),
      ].filter((s) => s.startsWith('.'));
      for (const spec of specifiers) {
        const target = fileURLToPath(new URL(spec, pathToFileURL(file)));
        if (!existsSync(target))
          throw new Error(`${relative(ROOT, file)} loads ${spec}, which does not exist`);
        if (statSync(target).isDirectory()) folders.add(relative(ROOT, target).split(sep)[0]!);
        else visit(target);
      }
    };
    visit(join(ROOT, entry));
    return folders;
  }

  it('starts bin/warden.js, which loads the CLI', () => {
    expect(dockerfile).toMatch(/^ENTRYPOINT \["node", "bin\/warden\.js"\]$/m);
    expect(dockerfile).toMatch(/^COPY package\.json package-lock\.json \.\/$/m);
  });

  it('copies every folder the CLI loads at runtime, and only folders that exist', () => {
    const needed = runtimeFolders('bin/warden.js');
    for (const folder of ['bin', 'cli', 'bus', 'schemas', 'store', 'collector', 'triage', 'api', 'alerts']) {
      expect(needed, `the CLI loads ${folder}/`).toContain(folder);
    }
    // Root files (package.json, read for the product version) come with `COPY … ./`.
    const rootFiles = /^COPY\s+((?:\S+\s+)+)\.\/$/m.exec(dockerfile)?.[1]!.trim().split(/\s+/) ?? [];
    for (const folder of needed) expect([...copied, ...rootFiles], `COPY ${folder}`).toContain(folder);
    // dashboards/ is mounted into Grafana and ClickHouse, not part of the image.
    expect(copied).not.toContain('dashboards');
    for (const folder of copied) {
      expect(existsSync(join(ROOT, folder)) && statSync(join(ROOT, folder)).isDirectory(), `${folder}/`).toBe(
        true,
      );
      expect(readdirSync(join(ROOT, folder)).length, `${folder}/ is not empty`).toBeGreaterThan(0);
    }
  });
});
