import { readFileSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import {
  AGENT_IDS,
  AGENTS,
  agentConfigCommand,
  README_BLOCK,
  README_REGENERATE,
  renderAgentConfig,
  renderReadmeSection,
  resolveEndpoint,
  type AgentId,
  type Protocol,
} from './agent-config.ts';
import { printedSnippets, shellEnv } from '../test/helpers/printed-config.ts';
import { readmeBlock } from '../scripts/readme-block.ts';

const TOKEN = 'tok-unit-0123456789abcdef';
const ENDPOINT = 'https://warden.example.com';

const run = (...argv: string[]) => agentConfigCommand(argv);
const ok = (...argv: string[]) => {
  const r = run(...argv);
  expect(r.exitCode, r.output).toBe(0);
  return r.output;
};

describe('warden agent-config: the printed configuration', () => {
  it('Codex: the [otel] table with logs and trace exporters over OTLP/HTTP, the token in headers', () => {
    const out = ok('codex', '--endpoint', ENDPOINT, '--token', TOKEN);
    const [toml, ...rest] = printedSnippets(out);
    expect(rest).toEqual([]);
    expect(toml!.language).toBe('toml');
    expect(parseToml(toml!.text)).toEqual({
      otel: {
        log_user_prompt: true,
        metrics_exporter: 'none',
        exporter: {
          'otlp-http': {
            endpoint: 'https://warden.example.com:4318/v1/logs',
            protocol: 'binary',
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        },
        trace_exporter: {
          'otlp-http': {
            endpoint: 'https://warden.example.com:4318/v1/traces',
            protocol: 'binary',
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        },
      },
    });
    expect(out).toContain('~/.codex/config.toml');
    expect(out).toMatch(/`log_user_prompt = true`: .*\[REDACTED\]/);
  });

  it('Codex over gRPC and OTLP/HTTP JSON', () => {
    const grpc = parseToml(
      printedSnippets(ok('codex', '--endpoint', ENDPOINT, '--token', TOKEN, '--protocol', 'grpc'))[0]!.text,
    );
    expect(grpc).toEqual({
      otel: {
        log_user_prompt: true,
        metrics_exporter: 'none',
        exporter: {
          'otlp-grpc': {
            endpoint: 'https://warden.example.com:4317',
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        },
        trace_exporter: {
          'otlp-grpc': {
            endpoint: 'https://warden.example.com:4317',
            headers: { authorization: `Bearer ${TOKEN}` },
          },
        },
      },
    });
    const json = printedSnippets(
      ok('codex', `--endpoint=${ENDPOINT}`, `--token=${TOKEN}`, '--protocol=http/json'),
    );
    expect(parseToml(json[0]!.text)).toMatchObject({
      otel: {
        exporter: { 'otlp-http': { protocol: 'json' } },
        trace_exporter: { 'otlp-http': { protocol: 'json' } },
      },
    });
  });

  it('Claude Code: the managed-settings env block, with where the file lives and that users cannot override it', () => {
    const out = ok('claude-code', '--endpoint', ENDPOINT, '--token', TOKEN);
    const [json, ...rest] = printedSnippets(out);
    expect(rest).toEqual([]);
    expect(json!.language).toBe('json');
    expect(JSON.parse(json!.text)).toEqual({
      env: {
        CLAUDE_CODE_ENABLE_TELEMETRY: '1',
        OTEL_LOGS_EXPORTER: 'otlp',
        OTEL_TRACES_EXPORTER: 'otlp',
        CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'https://warden.example.com:4317',
        OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
        OTEL_LOG_TOOL_DETAILS: '1',
        OTEL_LOG_TOOL_CONTENT: '1',
        OTEL_LOG_USER_PROMPTS: '1',
      },
    });
    expect(out).toContain('/Library/Application Support/ClaudeCode/managed-settings.json');
    expect(out).toContain('/etc/claude-code/managed-settings.json');
    expect(out).toContain('C:\\Program Files\\ClaudeCode\\managed-settings.json');
    expect(out).toContain('cannot be overridden by users');
    expect(out).toMatch(/`tool\.output` event/);

    const http = JSON.parse(
      printedSnippets(
        ok('claude-code', '--endpoint', ENDPOINT, '--token', TOKEN, '--protocol', 'http/json'),
      )[0]!.text,
    );
    expect(http.env).toMatchObject({
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://warden.example.com:4318',
    });
  });

  it('Gemini CLI: the telemetry block in the system settings, and the token header as an environment variable', () => {
    const out = ok('gemini-cli', '--endpoint', ENDPOINT, '--token', TOKEN);
    const [settings, env, ...rest] = printedSnippets(out);
    expect(rest).toEqual([]);
    expect(settings!.language).toBe('json');
    expect(JSON.parse(settings!.text)).toEqual({
      telemetry: {
        enabled: true,
        target: 'local',
        otlpEndpoint: 'https://warden.example.com:4317',
        otlpProtocol: 'grpc',
        logPrompts: true,
      },
    });
    expect(env!.language).toBe('sh');
    expect(shellEnv(env!.text)).toEqual({ OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}` });
    expect(out).toContain('/etc/gemini-cli/settings.json');
    expect(out).toContain('GEMINI_CLI_SYSTEM_SETTINGS_PATH');
    // Why a project's settings do not do: headless runs in an untrusted folder export nothing.
    expect(out).toMatch(/trusted folder/);
    expect(out).toContain('"selectedType": "gemini-api-key"');

    const http = JSON.parse(
      printedSnippets(
        ok('gemini-cli', '--endpoint', ENDPOINT, '--token', TOKEN, '--protocol', 'http/json'),
      )[0]!.text,
    );
    expect(http.telemetry).toMatchObject({
      otlpEndpoint: 'https://warden.example.com:4318',
      otlpProtocol: 'http',
    });
  });

  it('any OpenTelemetry SDK: the standard OTLP variables and the GenAI opt-ins', () => {
    const out = ok('otel-sdk', '--endpoint', ENDPOINT, '--token', TOKEN);
    const [sh, ...rest] = printedSnippets(out);
    expect(rest).toEqual([]);
    expect(sh!.language).toBe('sh');
    expect(shellEnv(sh!.text)).toEqual({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'https://warden.example.com:4318',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_EXPORTER_OTLP_HEADERS: `Authorization=Bearer ${TOKEN}`,
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_SEMCONV_STABILITY_OPT_IN: 'gen_ai_latest_experimental',
      OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'SPAN_ONLY',
    });
    expect(out).toMatch(/\*\*Approvals\*\*/);
  });

  const cases: [AgentId, Protocol][] = AGENT_IDS.flatMap((id) =>
    AGENTS[id].protocols.map((p): [AgentId, Protocol] => [id, p]),
  );

  it.each(cases)(
    '%s over %s: the token appears only in the header lines of the snippets',
    (agent, protocol) => {
      const out = ok(agent, '--endpoint', ENDPOINT, '--token', TOKEN, '--protocol', protocol);
      const withToken = out.split('\n').filter((l) => l.includes(TOKEN));
      expect(withToken.length).toBe(agent === 'codex' ? 2 : 1);
      for (const line of withToken)
        expect(line).toMatch(
          /^(headers = \{ authorization = |\s*"OTEL_EXPORTER_OTLP_HEADERS": |export OTEL_EXPORTER_OTLP_HEADERS=)/,
        );
      // The explanations, visibility and notes name the header without the secret.
      const code = printedSnippets(out)
        .map((s) => s.text)
        .join('\n');
      expect(out.split(TOKEN).length - 1).toBe(code.split(TOKEN).length - 1);
    },
  );

  it.each(cases)(
    '%s over %s: essentials agree with the snippet and every section is present',
    (agent, protocol) => {
      const spec = AGENTS[agent];
      const { endpoint } = resolveEndpoint(ENDPOINT, protocol);
      const rendered = spec.render(endpoint, TOKEN, protocol);
      expect(rendered.essentials.protocol).toBe(protocol);
      expect(Object.values(rendered.essentials.headers)).toEqual([`Bearer ${TOKEN}`]);
      expect(rendered.text).toContain(rendered.essentials.endpoint);
      const out = renderAgentConfig(agent, { endpoint: ENDPOINT, token: TOKEN, protocol });
      for (const heading of [
        'What each line does:',
        'What Warden sees:',
        'What Warden cannot see:',
        'Notes:',
      ])
        expect(out).toContain(`\n${heading}\n`);
      expect(rendered.lines.length).toBeGreaterThan(3);
      expect(spec.visibility.sees.length).toBeGreaterThan(0);
      expect(spec.visibility.doesNotSee.length).toBeGreaterThan(0);
    },
  );
});

describe('warden agent-config --user: the person on every record', () => {
  const withUser = (agent: AgentId, user: string) =>
    ok(agent, '--endpoint', ENDPOINT, '--token', TOKEN, '--user', user);

  it('Codex and Gemini CLI: OTEL_RESOURCE_ATTRIBUTES in the environment the agent starts in', () => {
    for (const agent of ['codex', 'gemini-cli'] as const) {
      const sh = printedSnippets(withUser(agent, 'dana@example.com')).find((x) => x.language === 'sh');
      expect(shellEnv(sh!.text)).toMatchObject({ OTEL_RESOURCE_ATTRIBUTES: 'user.email=dana@example.com' });
    }
  });

  it('Claude Code: in the managed env block; an id that is not an address is enduser.id', () => {
    const [json] = printedSnippets(withUser('claude-code', 'u-4711'));
    expect(JSON.parse(json!.text).env.OTEL_RESOURCE_ATTRIBUTES).toBe('enduser.id=u-4711');
  });

  it('every agent explains who the user is without it, and the per-person ingest token', () => {
    for (const agent of AGENT_IDS) {
      const out = ok(agent, '--endpoint', ENDPOINT, '--token', TOKEN);
      expect(out).toContain('Who the user is:');
      expect(out).toContain("WARDEN_INGEST_TOKENS='<token>=<workspace>:<person>'");
      expect(out).not.toContain('OTEL_RESOURCE_ATTRIBUTES=');
    }
  });
});

describe('warden agent-config: endpoints', () => {
  const essentials = (endpoint: string, protocol: Protocol) => resolveEndpoint(endpoint, protocol);

  it("adds Warden's port only when none is given, and keeps an OTLP/HTTP path prefix", () => {
    expect(essentials('https://w.example.com', 'grpc').endpoint).toBe('https://w.example.com:4317');
    expect(essentials('https://w.example.com/', 'http/json').endpoint).toBe('https://w.example.com:4318');
    expect(essentials('https://w.example.com:443', 'http/protobuf').endpoint).toBe('https://w.example.com');
    expect(essentials('http://127.0.0.1:14318/otlp/', 'http/protobuf').endpoint).toBe(
      'http://127.0.0.1:14318/otlp',
    );
    expect(essentials('http://[::1]:9000', 'grpc').endpoint).toBe('http://[::1]:9000');
    expect(essentials('https://w.example.com', 'grpc').notices.join()).toMatch(/using 4317/);
    expect(essentials('https://w.example.com:4317', 'grpc').notices).toEqual([]);
  });

  it('warns when the token would cross the network over plain http', () => {
    const out = ok('claude-code', '--endpoint', 'http://10.1.2.3:4317', '--token', TOKEN);
    expect(out).toMatch(/^WARNING: The token would travel unencrypted .*10\.1\.2\.3/m);
    for (const safe of ['http://127.0.0.1:4317', 'http://localhost:4317', 'http://[::1]:4317', ENDPOINT])
      expect(ok('claude-code', '--endpoint', safe, '--token', TOKEN)).not.toContain('WARNING');
  });

  it("warns when an explicit port is Warden's port for the other protocol", () => {
    const http = ok('codex', '--endpoint', 'http://127.0.0.1:4317', '--token', TOKEN);
    expect(http).toMatch(
      /^WARNING: Port 4317 is Warden's OTLP\/gRPC port, but the protocol is http\/protobuf: .*port 4318/m,
    );
    const grpc = ok('claude-code', '--endpoint', 'http://127.0.0.1:4318', '--token', TOKEN);
    expect(grpc).toMatch(
      /^WARNING: Port 4318 is Warden's OTLP\/HTTP port, but the protocol is grpc: .*port 4317/m,
    );
    expect(ok('codex', '--endpoint', 'http://127.0.0.1:14318', '--token', TOKEN)).not.toContain('WARNING');
  });
});

describe('warden agent-config: arguments', () => {
  const fails = (pattern: RegExp, ...argv: string[]) => {
    const r = run(...argv);
    expect(r.exitCode).toBe(2);
    expect(r.output).toMatch(pattern);
    expect(r.output).toContain('usage: warden agent-config');
    expect(r.output).not.toContain(TOKEN);
  };

  it('--help prints the usage; no arguments is an error', () => {
    expect(run('--help')).toEqual({
      exitCode: 0,
      output: expect.stringContaining('usage: warden agent-config'),
    });
    expect(run('codex', '-h').exitCode).toBe(0);
    for (const id of AGENT_IDS) expect(run('--help').output).toContain(id);
    fails(/name an agent/);
  });

  it('names what is wrong', () => {
    fails(
      /unknown agent "cursor"; use one of codex, claude-code, gemini-cli, otel-sdk/,
      'cursor',
      '--endpoint',
      ENDPOINT,
      '--token',
      TOKEN,
    );
    fails(/--endpoint is required/, 'codex', '--token', TOKEN);
    fails(/--token is required/, 'codex', '--endpoint', ENDPOINT);
    fails(/--endpoint is required[\s\S]*--token is required/, 'codex');
    fails(/--endpoint needs a value/, 'codex', '--token', TOKEN, '--endpoint');
    fails(/--endpoint needs a value/, 'codex', '--endpoint', '--token', TOKEN);
    fails(/unknown option --tokn/, 'codex', '--endpoint', ENDPOINT, '--tokn', TOKEN);
    fails(/--token given twice/, 'codex', '--endpoint', ENDPOINT, '--token', TOKEN, '--token', TOKEN);
    fails(
      /1 unexpected argument\(s\) after the agent name/,
      'codex',
      'extra',
      '--endpoint',
      ENDPOINT,
      '--token',
      TOKEN,
    );
    fails(
      /--protocol: use grpc, http\/protobuf, http\/json \(not http\)/,
      'codex',
      '--endpoint',
      ENDPOINT,
      '--token',
      TOKEN,
      '--protocol',
      'http',
    );
  });

  it('rejects bad endpoints', () => {
    const bad = (endpoint: string, pattern: RegExp, protocol = 'http/protobuf') =>
      fails(pattern, 'otel-sdk', '--endpoint', endpoint, '--token', TOKEN, '--protocol', protocol);
    bad('warden.example.com:4317', /use an http:\/\/ or https:\/\/ URL/);
    bad('not a url', /is not a URL/);
    bad('ftp://warden.example.com', /use an http:\/\/ or https:\/\/ URL/);
    bad('https://user:pw@warden.example.com', /no user or password/);
    bad('https://warden.example.com/?x=1', /no query string/);
    bad('https://warden.example.com:4318/v1/logs', /base URL without \/v1\/logs/);
    bad('https://warden.example.com/otlp', /without a path/, 'grpc');
  });

  it('rejects a protocol the agent does not speak, and tokens Warden or the formats would not take', () => {
    fails(
      /Gemini CLI supports grpc, http\/json \(not http\/protobuf\).*OTLP\/HTTP JSON, so use --protocol http\/json/,
      'gemini-cli',
      '--endpoint',
      ENDPOINT,
      '--token',
      TOKEN,
      '--protocol',
      'http/protobuf',
    );
    fails(
      /--user: an e-mail address or an id/,
      'codex',
      '--endpoint',
      ENDPOINT,
      '--token',
      TOKEN,
      '--user',
      'a b',
    );
    fails(/at least 16 characters/, 'codex', '--endpoint', ENDPOINT, '--token', 'short');
    fails(
      /only letters, digits/,
      'codex',
      '--endpoint',
      ENDPOINT,
      '--token',
      'tok with "quotes" and, commas',
    );
  });
});

describe('README.md "Connect your agents"', () => {
  it('is the section cli/agent-config.ts generates', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = readmeBlock(readme, README_BLOCK);
    expect(
      block,
      'README.md lacks the <!-- agent-config:start --> … <!-- agent-config:end --> markers',
    ).toBeDefined();
    expect(
      block === renderReadmeSection(),
      `README.md's "Connect your agents" block differs from cli/agent-config.ts; regenerate it with \`${README_REGENERATE}\``,
    ).toBe(true);
  });

  it('shows every agent with the placeholders, never a real-looking token', () => {
    const section = renderReadmeSection();
    for (const id of AGENT_IDS) expect(section).toContain(`### ${AGENTS[id].title}`);
    expect(section).toContain('Bearer <ingest-token>');
    expect(section).toContain('https://warden.example.com:4318/v1/logs');
    expect(section).not.toContain('WARNING');
  });
});

describe('warden agent-config --review: the pre-action review hook', () => {
  it('prints each agent’s hook configuration, verbatim usable, beside the telemetry', () => {
    for (const [agent, event] of [
      ['claude-code', 'PreToolUse'],
      ['codex', 'PreToolUse'],
      ['gemini-cli', 'BeforeTool'],
    ] as const) {
      const { exitCode, output } = agentConfigCommand([
        agent,
        '--endpoint',
        'http://127.0.0.1:4318',
        '--token',
        'ingest-acme-0123456789abcdef',
        '--review',
        'http://127.0.0.1:8080',
      ]);
      expect(exitCode, output).toBe(0);
      const json = /## Pre-action review[\s\S]*?```json\n([\s\S]*?)\n```/.exec(output)?.[1];
      const hooks = JSON.parse(json!).hooks[event];
      const command: string = hooks[0].hooks[0].command;
      expect(command).toContain(`warden-hook.js' ${agent}`);
      expect(command).toContain("WARDEN_REVIEW_URL='http://127.0.0.1:8080'");
      expect(command).toContain("WARDEN_REVIEW_TOKEN='ingest-acme-0123456789abcdef'");
    }
    const bad = agentConfigCommand([
      'codex',
      '--endpoint',
      'http://127.0.0.1:4318',
      '--token',
      'ingest-acme-0123456789abcdef',
      '--review',
      'nope',
    ]);
    expect(bad.exitCode).toBe(2);
  });
});
