/**
 * `warden agent-config <agent> --endpoint URL --token T [--protocol P]`: the exact configuration that makes an
 * agent export its telemetry to Warden, what each line does, and what Warden can and cannot see with it.
 *
 * One table (`AGENTS`) is the single source of truth for the command's output, the README's "Connect your
 * agents" section (`renderReadmeSection`) and the tests that drive real OTLP exporters from the printed
 * configuration. Every key and value follows /work/shared/reference/agent-telemetry.md (its section numbers are
 * cited as "reference §n"); where the reference is silent, the printed notes say so.
 */

import { fileURLToPath } from 'node:url';

export const PROTOCOLS = ['grpc', 'http/protobuf', 'http/json'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const AGENT_IDS = ['codex', 'claude-code', 'gemini-cli', 'otel-sdk'] as const;
export type AgentId = (typeof AGENT_IDS)[number];

export type SnippetLanguage = 'toml' | 'json' | 'sh';

/** A piece of configuration to paste, and where it goes. */
export interface Snippet {
  /** Where it goes, as a sentence fragment in Markdown ("`~/.codex/config.toml`"). */
  where: string;
  language: SnippetLanguage;
  text: string;
}

/** What the agent's logs exporter ends up with, read back from the configuration as the agent reads it. */
export interface ExporterEssentials {
  /** The endpoint exactly as the agent takes it: a full signal URL (Codex over HTTP) or a base URL. */
  endpoint: string;
  protocol: Protocol;
  headers: Record<string, string>;
}

export interface RenderedConfig {
  /** The main snippet. */
  text: string;
  language: SnippetLanguage;
  where: string;
  /** Further snippets the agent needs beside the main one (Gemini CLI: the token header's variable). */
  extra: Snippet[];
  essentials: ExporterEssentials;
  /** What each line does: the setting as written, then its purpose (Markdown). */
  lines: { setting: string; meaning: string }[];
}

export interface AgentSpec {
  id: AgentId;
  title: string;
  /** Where the configuration lives (Markdown). */
  location: string;
  protocols: readonly Protocol[];
  defaultProtocol: Protocol;
  /** Why that default (Markdown). */
  defaultProtocolWhy: string;
  /**
   * @param endpoint Warden's collector for this protocol, normalized by `resolveEndpoint`: scheme://host:port
   *   for gRPC; scheme://host:port[/prefix] without a trailing slash for OTLP/HTTP.
   * @param person who uses this agent on this device, stamped on its telemetry (`--user`), if given.
   */
  render(endpoint: string, token: string, protocol: Protocol, person?: string): RenderedConfig;
  /** What Warden sees with this configuration, and what it cannot see (with it, or with the agent's defaults). */
  visibility: { sees: string[]; doesNotSee: string[] };
  /** Who the user is: what the agent sends of its own accord, and how the person gets stamped (Markdown). */
  identity: string[];
  /** Caveats, and what the reference does not say (Markdown). */
  notes: string[];
}

/** Warden's default OTLP ports (collector/config.ts). */
export const DEFAULT_PORTS = { grpc: 4317, http: 4318 } as const;

const isHttp = (p: Protocol) => p !== 'grpc';
const bearer = (token: string) => `Bearer ${token}`;
/** TOML basic strings share JSON's escapes for everything JSON.stringify emits. */
const tomlString = (s: string) => JSON.stringify(s);
const shQuote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
const envLines = (vars: [string, string][]) => vars.map(([k, v]) => `export ${k}=${shQuote(v)}`).join('\n');
const tokenHeaderEnv = (token: string) => `Authorization=${bearer(token)}`;

/**
 * The resource attribute that names the person (`OTEL_RESOURCE_ATTRIBUTES`): `user.email` for an address,
 * else `enduser.id`. Warden reads either as the person, with the identity source "fleet".
 */
export const personAttribute = (person: string) =>
  `${person.includes('@') ? 'user.email' : 'enduser.id'}=${person}`;

const personEnvLine = (person: string): RenderedConfig['lines'][number] => ({
  setting: `OTEL_RESOURCE_ATTRIBUTES='${personAttribute(person)}'`,
  meaning:
    "Who uses the agent on this device, on every record it exports (a resource attribute, read by the agent's OpenTelemetry SDK). Set it per device from your device management, where the person assigned to the machine is known; Warden marks the session's identity source `fleet`.",
});

/** The identity bullets every agent shares: the two ways to stamp a person. */
const STAMP_PERSON = [
  '`--user PERSON` adds `OTEL_RESOURCE_ATTRIBUTES` with `user.email=PERSON` (or `enduser.id=PERSON` for an id that is not an address) to the configuration above: render it per device from your device management, where the person assigned to the machine is known. Warden records the identity source as `fleet`.',
  "Or give each person their own ingest token: `WARDEN_INGEST_TOKENS='<token>=<workspace>:<person>'` on the collector, and that token in this person's configuration. Warden then attributes everything the token sends to that person (identity source `ingest-token`), with no change to the agent.",
  "Sessions with no person from any of these are listed as _unattributed_ (API `attribution=unattributed`, the console's Person filter, OCSF `unmapped.attribution`).",
];

// ---------------------------------------------------------------------------------------------------------
// Codex CLI (reference §1)

function codexExporterTable(
  table: 'exporter' | 'trace_exporter',
  endpoint: string,
  token: string,
  protocol: Protocol,
  signalPath: string,
): { text: string; url: string } {
  const kind = isHttp(protocol) ? 'otlp-http' : 'otlp-grpc';
  // Codex uses an OTLP/HTTP endpoint verbatim (reference §1.2), so it is the full signal URL.
  const url = isHttp(protocol) ? `${endpoint}${signalPath}` : endpoint;
  const lines = [`[otel.${table}.${kind}]`, `endpoint = ${tomlString(url)}`];
  if (isHttp(protocol)) lines.push(`protocol = ${tomlString(protocol === 'http/json' ? 'json' : 'binary')}`);
  // Lower-case: over gRPC the headers become metadata, whose keys are lower-case.
  lines.push(`headers = { authorization = ${tomlString(bearer(token))} }`);
  return { text: lines.join('\n'), url };
}

const codex: AgentSpec = {
  id: 'codex',
  title: 'Codex CLI',
  location: '`~/.codex/config.toml` (`$CODEX_HOME/config.toml`)',
  protocols: ['grpc', 'http/protobuf', 'http/json'],
  defaultProtocol: 'http/protobuf',
  defaultProtocolWhy:
    'Codex\'s own examples use `otlp-http` with `protocol = "binary"`; Codex itself has no default, its `exporter` is `none` until set',
  render(endpoint, token, protocol, person) {
    const logs = codexExporterTable('exporter', endpoint, token, protocol, '/v1/logs');
    const traces = codexExporterTable('trace_exporter', endpoint, token, protocol, '/v1/traces');
    const text = [
      '[otel]',
      'log_user_prompt = true',
      'metrics_exporter = "none"',
      '',
      logs.text,
      '',
      traces.text,
    ].join('\n');
    const kind = isHttp(protocol) ? 'otlp-http' : 'otlp-grpc';
    const lines: RenderedConfig['lines'] = [
      {
        setting: '[otel]',
        meaning:
          "Codex's telemetry table. TOML allows a table once: if `config.toml` already has `[otel]` or `[otel.exporter…]`, merge these keys into it.",
      },
      {
        setting: 'log_user_prompt = true',
        meaning:
          "Sends the prompt text on `codex.user_prompt`; by default Codex sends `[REDACTED]` and only `prompt_length`. Triage weighs every action against what the user asked for: with the prompt it can tell requested risky work (benign) from actions serving another goal (escalation); without it, only the session's other actions decide, and more sessions stay uncertain.",
      },
      {
        setting: 'metrics_exporter = "none"',
        meaning:
          "Codex's metrics exporter defaults to `statsig`, which sends usage metrics to OpenAI (`https://ab.chatgpt.com/otlp`) whatever else is set; Warden does not use them.",
      },
      {
        setting: `[otel.exporter.${kind}]`,
        meaning:
          "The **logs** exporter (default `none`). Every security fact (prompt, tool arguments and output, approvals, the user's identity) exists only in Codex's logs.",
      },
      {
        setting: `endpoint = ${tomlString(logs.url)}`,
        meaning: isHttp(protocol)
          ? "Warden's OTLP/HTTP logs URL. Codex uses it verbatim, so it includes `/v1/logs`."
          : "Warden's OTLP/gRPC address (`scheme://host:port`); `https://` uses TLS.",
      },
      ...(isHttp(protocol)
        ? [
            {
              setting: `protocol = ${tomlString(protocol === 'http/json' ? 'json' : 'binary')}`,
              meaning: '`"binary"` is OTLP/HTTP protobuf, `"json"` OTLP/HTTP JSON. Required for `otlp-http`.',
            },
          ]
        : []),
      {
        setting: 'headers = { authorization = "Bearer …" }',
        meaning: `Your ingest token: Warden maps it to your workspace and refuses exports without it.${isHttp(protocol) ? '' : ' Over gRPC Codex sends headers as metadata.'}`,
      },
      {
        setting: `[otel.trace_exporter.${kind}]`,
        meaning: `The **trace** exporter (default \`none\`), to ${isHttp(protocol) ? '`/v1/traces`' : 'the same address'} with the same token. Codex's spans carry timings, token counts and "trace-safe" copies of events with lengths instead of content: useful context, never a substitute for the logs.`,
      },
    ];
    return {
      text,
      language: 'toml',
      where: '`~/.codex/config.toml`',
      extra: person
        ? [
            {
              where: 'the environment `codex` starts in',
              language: 'sh',
              text: envLines([['OTEL_RESOURCE_ATTRIBUTES', personAttribute(person)]]),
            },
          ]
        : [],
      essentials: { endpoint: logs.url, protocol, headers: { authorization: bearer(token) } },
      lines: person ? [...lines, personEnvLine(person)] : lines,
    };
  },
  visibility: {
    sees: [
      'Every `codex.*` log event, each with `conversation.id` (the session).',
      'The prompt text (`codex.user_prompt`, thanks to `log_user_prompt = true`).',
      "Each tool call's raw `arguments` (`exec_command` `{\"cmd\": …}`) and its `output` (`codex.tool_result`). Codex's `success` flag is `true` whatever the command's exit code: Warden reads the exit status from the output's `Process exited with code N`.",
      "Approvals and who made them (`codex.tool_decision`: `decision`, `source`, e.g. `user`, `AutomatedReviewer`). A call Codex's own exec policy or sandbox refused (`Rejected(…)` in its output) counts as an attempt denied before it ran.",
      'The automatic approval reviewer (`--approve-for-me`, `approvals_reviewer = "auto_review"`) runs as a conversation of its own: Warden links it to the conversation it reviewed.',
      "The session's `approval_policy` and `sandbox_policy`, once, on `codex.conversation_starts`.",
    ],
    doesNotSee: [
      "With Codex's defaults: nothing at all (`exporter` is `none`); and once exporting, the prompt is `[REDACTED]` unless `log_user_prompt = true`.",
      'From traces: no prompt, arguments, output, identity or approvals; the spans copy the log events with lengths instead of content. Warden counts them as copies (`warden_ingest_records_dropped_total{reason="mirror"}`) and keeps none.',
      'A call blocked by a `PreToolUse` hook leaves no `codex.tool_decision` and no `codex.tool_result`: Warden cannot see it.',
      'Who the user is, with API-key auth: Codex sends `user.email` and `user.account_id` only when signed in with ChatGPT (see "Who the user is").',
    ],
  },
  identity: [
    'Codex sends `user.email` and `user.account_id` when signed in with a ChatGPT account; with an API key it sends no person at all (only `auth.env_*` flags and `host.name`).',
    ...STAMP_PERSON,
  ],
  notes: [
    'Only the user-level `config.toml` is read for telemetry: Codex 0.169 ignores `[otel]` in a project\'s `.codex/config.toml`, trusted or not ("Ignored unsupported project-local config keys").',
    "Warden's telemetry reference does not say whether Codex caps the size of `output` (a `[otel.tool_result] max_bytes` key is reported by third parties, unconfirmed); long outputs may arrive as a preview.",
    'Codex event shapes "may change as we iterate" (Codex docs): `npm run conformance` checks a Codex version against Warden.',
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Claude Code (reference §2)

/** Claude Code's managed-settings locations: Claude Code's settings page (https://code.claude.com/docs/en/settings#settings-files). */
export const CLAUDE_MANAGED_SETTINGS_PATHS = [
  ['macOS', '/Library/Application Support/ClaudeCode/managed-settings.json'],
  ['Linux and WSL', '/etc/claude-code/managed-settings.json'],
  ['Windows', 'C:\\Program Files\\ClaudeCode\\managed-settings.json'],
] as const;

const claudeCode: AgentSpec = {
  id: 'claude-code',
  title: 'Claude Code',
  location: 'the managed settings file, `managed-settings.json` (see the notes for its path on each OS)',
  protocols: ['grpc', 'http/protobuf', 'http/json'],
  defaultProtocol: 'grpc',
  defaultProtocolWhy: "Claude Code's own managed-settings example uses `grpc`; it supports all three",
  render(endpoint, token, protocol, person) {
    const env: Record<string, string> = {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_TRACES_EXPORTER: 'otlp',
      CLAUDE_CODE_ENHANCED_TELEMETRY_BETA: '1',
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: tokenHeaderEnv(token),
      OTEL_LOG_TOOL_DETAILS: '1',
      OTEL_LOG_TOOL_CONTENT: '1',
      OTEL_LOG_USER_PROMPTS: '1',
      ...(person ? { OTEL_RESOURCE_ATTRIBUTES: personAttribute(person) } : {}),
    };
    const lines: RenderedConfig['lines'] = [
      {
        setting: '"env"',
        meaning:
          'Environment variables Claude Code sets for itself. From managed settings, users cannot override them.',
      },
      {
        setting: '"CLAUDE_CODE_ENABLE_TELEMETRY": "1"',
        meaning: 'The master switch; nothing is exported without it.',
      },
      {
        setting: '"OTEL_LOGS_EXPORTER": "otlp"',
        meaning:
          "Claude Code's events (prompts, tool results, decisions) are log records; this sends them over OTLP.",
      },
      {
        setting: '"OTEL_TRACES_EXPORTER": "otlp", "CLAUDE_CODE_ENHANCED_TELEMETRY_BETA": "1"',
        meaning:
          "Claude Code's traces (beta). Their tool spans carry what each tool returned (with `OTEL_LOG_TOOL_CONTENT`), which the logs never do; Warden reads that and drops the spans that copy log events.",
      },
      {
        setting: `"OTEL_EXPORTER_OTLP_PROTOCOL": "${protocol}"`,
        meaning: '`grpc`, `http/protobuf` or `http/json`.',
      },
      {
        setting: `"OTEL_EXPORTER_OTLP_ENDPOINT": "${endpoint}"`,
        meaning: isHttp(protocol)
          ? "Warden's OTLP/HTTP base URL; the exporter appends `/v1/logs`."
          : "Warden's OTLP/gRPC address; `https://` uses TLS.",
      },
      {
        setting: '"OTEL_EXPORTER_OTLP_HEADERS": "Authorization=Bearer …"',
        meaning: 'Your ingest token: Warden maps it to your workspace and refuses exports without it.',
      },
      {
        setting: '"OTEL_LOG_TOOL_DETAILS": "1"',
        meaning:
          "Adds each tool call's arguments (`tool_parameters`, `tool_input`: the Bash command, file paths, MCP server and tool names) and the full `error` text. Without it Warden sees only tool names and outcomes, and cannot judge what a command did.",
      },
      {
        setting: '"OTEL_LOG_TOOL_CONTENT": "1"',
        meaning:
          'Adds what each tool returned to its trace span (the `tool.output` event, cut at 60 KB): the text a file, web page or command put in front of the agent. Without it Warden cannot see an injected instruction nor tell which output a later command copied. Secrets in it are masked when Warden stores it.',
      },
      {
        setting: '"OTEL_LOG_USER_PROMPTS": "1"',
        meaning:
          'Sends the prompt text instead of `<REDACTED>`, so triage can check each action against what the user asked for.',
      },
      ...(person
        ? [
            {
              ...personEnvLine(person),
              setting: `"OTEL_RESOURCE_ATTRIBUTES": "${personAttribute(person)}"`,
            },
          ]
        : []),
    ];
    return {
      text: JSON.stringify({ env }, null, 2),
      language: 'json',
      where: '`managed-settings.json`',
      extra: [],
      essentials: { endpoint, protocol, headers: { Authorization: bearer(token) } },
      lines,
    };
  },
  visibility: {
    sees: [
      '`claude_code.*` events with `session.id`, `prompt.id` and `event.sequence` (order).',
      'The prompt text (with `OTEL_LOG_USER_PROMPTS=1`).',
      'Each tool call: `tool_name`, `tool_use_id`, `success`, `error_type`, duration, sizes, and with `OTEL_LOG_TOOL_DETAILS=1` its arguments (`tool_parameters`, `tool_input`) and the full `error` text.',
      "What each tool returned: the `tool.output` event of the beta traces' `claude_code.tool` span (with `OTEL_LOG_TOOL_CONTENT=1`), joined to its call by `tool_use_id`.",
      'Approvals (`claude_code.tool_decision`: `decision`, `source`). A rejected call has a decision with its command and no result: Warden counts it as an attempt denied before it ran.',
      'Permission-mode changes, hook runs, MCP server connections, plugin installs and logins.',
    ],
    doesNotSee: [
      "With Claude Code's defaults: the prompt is `<REDACTED>`, tool arguments are absent and there are no traces, leaving only tool names, outcomes and decisions; no tool output at all.",
      'Long arguments are cut: `tool_input` values over 512 characters are truncated, about 4 K characters in total; tool output over 60 KB is cut.',
      'Who the user is, with an API key, Bedrock, Vertex or Foundry (see "Who the user is").',
    ],
  },
  identity: [
    'Claude Code sends `user.email`, `user.account_uuid` and `organization.id` when signed in with a Claude account. With an API key, Bedrock, Vertex or Foundry it sends only `user.id`, a hash of the installation: Warden keeps it as the installation, not as a person.',
    ...STAMP_PERSON,
  ],
  notes: [
    `Where the managed settings file lives, from Claude Code's settings page (https://code.claude.com/docs/en/settings#settings-files; Warden's telemetry reference only says "the managed settings file"): ${CLAUDE_MANAGED_SETTINGS_PATHS.map(([os, path]) => `${os} \`${path}\``).join('; ')}. If the file exists, add these keys to its \`env\`; the same page documents a \`managed-settings.d/\` drop-in directory beside it.`,
    'Managed settings cannot be overridden by users, so a user cannot switch telemetry off or redact prompts again. The same `env` block in `~/.claude/settings.json` works for one user but can be overridden.',
    "The traces are beta: their shape may change between versions (`npm run conformance` checks a version against Warden). Without them, Warden still reads every log event, only not the tools' output.",
    "In `claude -p` (headless) runs, a project's `.claude/settings.json` `env` block does not turn telemetry on: use the managed settings or `~/.claude/settings.json`.",
    'With `otelHeadersHelper` (dynamic headers) the helper applies to OTLP/HTTP only; gRPC uses only the static `OTEL_EXPORTER_OTLP_HEADERS`.',
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Gemini CLI (reference §3)

/** Gemini CLI's system settings, which override user and project settings (its configuration docs). */
export const GEMINI_SYSTEM_SETTINGS_PATHS = [
  ['Linux', '/etc/gemini-cli/settings.json'],
  ['macOS', '/Library/Application Support/GeminiCli/settings.json'],
  ['Windows', 'C:\\ProgramData\\gemini-cli\\settings.json'],
] as const;

const geminiCli: AgentSpec = {
  id: 'gemini-cli',
  title: 'Gemini CLI',
  location:
    "Gemini CLI's system settings file, `settings.json` (see the notes for its path on each OS), under `telemetry`, and the environment for the token",
  protocols: ['grpc', 'http/json'],
  defaultProtocol: 'grpc',
  defaultProtocolWhy:
    "Gemini CLI's `otlpProtocol` defaults to `grpc` (gzip-compressed); its other value, `http`, is OTLP/HTTP JSON, and it has no OTLP/HTTP protobuf",
  render(endpoint, token, protocol, person) {
    const otlpProtocol = isHttp(protocol) ? 'http' : 'grpc';
    const telemetry = {
      enabled: true,
      target: 'local',
      otlpEndpoint: endpoint,
      otlpProtocol,
      logPrompts: true,
    };
    const env: [string, string][] = [['OTEL_EXPORTER_OTLP_HEADERS', tokenHeaderEnv(token)]];
    if (person) env.push(['OTEL_RESOURCE_ATTRIBUTES', personAttribute(person)]);
    const lines: RenderedConfig['lines'] = [
      { setting: '"enabled": true', meaning: 'Turns telemetry on (default `false`).' },
      {
        setting: '"target": "local"',
        meaning: 'Exports over OTLP to `otlpEndpoint` (the other target, `gcp`, sends to Google Cloud).',
      },
      {
        setting: `"otlpEndpoint": "${endpoint}"`,
        meaning: isHttp(protocol)
          ? "Warden's OTLP/HTTP base URL; Gemini CLI appends `/v1/logs`, `/v1/traces` and `/v1/metrics`."
          : "Warden's OTLP/gRPC address; Gemini CLI keeps only `scheme://host:port`, and `https://` uses TLS.",
      },
      {
        setting: `"otlpProtocol": "${otlpProtocol}"`,
        meaning:
          '`grpc`, or `http`: OTLP/HTTP **JSON** (chunked, without a length), which Warden takes as well.',
      },
      {
        setting: '"logPrompts": true',
        meaning:
          "Gemini CLI's default, written out so that a later edit cannot silently drop it: it gates the prompt text **and** the tool arguments (`function_args`).",
      },
      {
        setting: "OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer …'",
        meaning:
          "Your ingest token. Gemini CLI's OTLP exporters are the OpenTelemetry JS ones, which read this standard variable (as gRPC metadata too).",
      },
      ...(person ? [personEnvLine(person)] : []),
    ];
    return {
      text: JSON.stringify({ telemetry }, null, 2),
      language: 'json',
      where: "Gemini CLI's system settings file, `settings.json`",
      extra: [{ where: 'the environment `gemini` starts in', language: 'sh', text: envLines(env) }],
      essentials: { endpoint, protocol, headers: { Authorization: bearer(token) } },
      lines,
    };
  },
  visibility: {
    sees: [
      '`gemini_cli.*` log events with `session.id`.',
      'The prompt text (`gemini_cli.user_prompt`) and each tool call (`gemini_cli.tool_call`): `function_name`, `function_args`, `success`, `error`, and the approval `decision` (`accept`, `reject`, `auto_accept`, `modify`) on the same record. A call its policy engine or a hook refused (`error_type: policy_violation`, empty `decision`) is an attempt denied before it ran.',
      "The shell's exit code (the record's `metadata.exitCode`; Gemini's `success` is `true` whatever the code).",
      "What each tool returned: it is in no tool record, only in the next model request's `request_text` (`gemini_cli.api_request`, with `logPrompts`), where Warden reads it and joins it to its call.",
      "The session's settings (`gemini_cli.config`: approval mode, sandbox, MCP servers), approval-mode switches, file operations and Conseca policy verdicts.",
    ],
    doesNotSee: [
      "With `logPrompts: false`: neither the prompt nor any tool arguments or output. With Gemini CLI's defaults: nothing (`enabled` is `false`).",
      'No tool-call id on the tool records: Warden ties calls to their output by tool name and arguments, in order.',
      'From its traces and its GenAI-shaped copies of the model requests: nothing the logs do not say. Warden counts them as copies (`warden_ingest_records_dropped_total{reason="mirror"}`) and keeps none.',
      'Who the user is, unless signed in with Google (see "Who the user is").',
    ],
  },
  identity: [
    "Gemini CLI sends `user.email` when signed in with a Google account (from its cached login), and always `installation.id`, which Warden keeps as the installation, not as a person. With an API key there is no person. Its `service.version` is Node's version, which Warden ignores.",
    ...STAMP_PERSON,
  ],
  notes: [
    `Where the system settings file lives (Gemini CLI's configuration docs): ${GEMINI_SYSTEM_SETTINGS_PATHS.map(([os, path]) => `${os} \`${path}\``).join('; ')}; \`GEMINI_CLI_SYSTEM_SETTINGS_PATH\` names another. It overrides the user's and the project's settings. If the file exists, add the \`telemetry\` block to it.`,
    "The user's `~/.gemini/settings.json` works for one person. A project's `.gemini/settings.json` does not, for telemetry: Gemini CLI reads it only in a trusted folder, and headless runs (`gemini -p`) in an untrusted folder export nothing, with `--skip-trust` too; only `GEMINI_CLI_TRUST_WORKSPACE=true` makes it apply.",
    "Environment variables override the settings: `GEMINI_TELEMETRY_*` (Warden's telemetry reference §3), and `OTEL_EXPORTER_OTLP_ENDPOINT`, which takes precedence over `otlpEndpoint`.",
    "Set `OTEL_EXPORTER_OTLP_HEADERS` only for `gemini` (a wrapper script, or the service's environment) rather than in a login shell, where every OpenTelemetry program would send the token to its own backend.",
    'With an API key and `GOOGLE_GEMINI_BASE_URL` (a gateway or proxy in front of the model), Gemini CLI also needs `"security": {"auth": {"selectedType": "gemini-api-key"}}` in its settings, else it refuses to start ("Invalid auth method selected"): nothing to do with telemetry, but the same file.',
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Any OpenTelemetry SDK emitting the GenAI semantic conventions (reference §4)

const otelSdk: AgentSpec = {
  id: 'otel-sdk',
  title: 'Any OpenTelemetry SDK (GenAI semantic conventions)',
  location: "the agent process's environment",
  protocols: ['grpc', 'http/protobuf', 'http/json'],
  defaultProtocol: 'http/protobuf',
  defaultProtocolWhy:
    "the OTLP exporter specification's default, which every SDK supports; Warden's telemetry reference names none",
  render(endpoint, token, protocol, person) {
    const vars: [string, string][] = [
      ['OTEL_EXPORTER_OTLP_ENDPOINT', endpoint],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol],
      ['OTEL_EXPORTER_OTLP_HEADERS', tokenHeaderEnv(token)],
      ['OTEL_TRACES_EXPORTER', 'otlp'],
      ['OTEL_LOGS_EXPORTER', 'otlp'],
      ['OTEL_SEMCONV_STABILITY_OPT_IN', 'gen_ai_latest_experimental'],
      ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'SPAN_ONLY'],
      ...(person ? [['OTEL_RESOURCE_ATTRIBUTES', personAttribute(person)] as [string, string]] : []),
    ];
    const lines: RenderedConfig['lines'] = [
      {
        setting: `OTEL_EXPORTER_OTLP_ENDPOINT=${endpoint}`,
        meaning: isHttp(protocol)
          ? "Warden's OTLP/HTTP base URL; the SDK appends `/v1/traces` and `/v1/logs`."
          : "Warden's OTLP/gRPC address; `https://` uses TLS.",
      },
      {
        setting: `OTEL_EXPORTER_OTLP_PROTOCOL=${protocol}`,
        meaning: '`grpc`, `http/protobuf` or `http/json`.',
      },
      {
        setting: "OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer …'",
        meaning: 'Your ingest token: Warden maps it to your workspace and refuses exports without it.',
      },
      {
        setting: 'OTEL_TRACES_EXPORTER=otlp, OTEL_LOGS_EXPORTER=otlp',
        meaning:
          "GenAI facts are on spans (`invoke_agent`, `chat`, `execute_tool`), with an opt-in log event; both go to Warden. (`otlp` is the SDKs' default; written out in case something set `none`.)",
      },
      {
        setting: 'OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental',
        meaning:
          "Instrumentations that emitted GenAI conventions v1.36.0 or earlier keep that shape unless opted in; this switches them to the latest conventions (Warden's telemetry reference §4).",
      },
      {
        setting: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=SPAN_ONLY',
        meaning:
          'Records the opt-in content attributes on spans: `gen_ai.input.messages`, `gen_ai.output.messages`, `gen_ai.tool.call.arguments`, `gen_ai.tool.call.result`. Under the opt-in above, opentelemetry-util-genai reads this variable as `NO_CONTENT` (its default), `SPAN_ONLY`, `EVENT_ONLY` or `SPAN_AND_EVENT`; instrumentations still on the v1.36 conventions read it as a boolean: use `true` for those.',
      },
      ...(person ? [personEnvLine(person)] : []),
    ];
    return {
      text: envLines(vars),
      language: 'sh',
      where: "the agent process's environment",
      extra: [],
      essentials: { endpoint, protocol, headers: { Authorization: bearer(token) } },
      lines,
    };
  },
  visibility: {
    sees: [
      'Spans: `invoke_agent`, `chat` and `execute_tool` with `gen_ai.conversation.id` (the session), `gen_ai.tool.name`, `gen_ai.tool.call.id`, models and token usage.',
      "With content capture: the messages (`gen_ai.input.messages`, `gen_ai.output.messages`, including tool results fed back to the model) and each tool call's arguments and result.",
    ],
    doesNotSee: [
      '**Approvals**: the GenAI conventions have no decision concept; a denied call is at best an `execute_tool` span with `error.type` and status ERROR, or no span at all.',
      'With the defaults: no content. The content attributes are Opt-In, so only names, ids, models and token counts arrive.',
      'Who the user is, unless stamped (see "Who the user is").',
    ],
  },
  identity: [
    'The GenAI conventions have no attribute for the person using the agent: unless stamped, sessions are unattributed.',
    ...STAMP_PERSON,
  ],
  notes: [
    "Warden's telemetry reference names `OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental` but no content switch (it says only that the content attributes are Opt-In): `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is the one used by the OpenTelemetry GenAI instrumentations (opentelemetry-python-contrib's util-genai); other instrumentations may have their own.",
    "OpenInference instrumentations (Arize) export spans Warden also reads; their content switches are instrumentation-specific (Warden's telemetry reference §0).",
    'Set these variables for the agent process only (its service unit, container or wrapper): in a login shell every OpenTelemetry program would send the token to its own backend.',
    'Every GenAI convention is at stability "Development" and moved to `open-telemetry/semantic-conventions-genai` from v1.42: shapes may change.',
  ],
};

export const AGENTS: Record<AgentId, AgentSpec> = {
  codex,
  'claude-code': claudeCode,
  'gemini-cli': geminiCli,
  'otel-sdk': otelSdk,
};

// ---------------------------------------------------------------------------------------------------------
// Validation

export class AgentConfigError extends Error {
  override readonly name = 'AgentConfigError';
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
  }
}

export const isProtocol = (s: string): s is Protocol => (PROTOCOLS as readonly string[]).includes(s);
export const isAgentId = (s: string): s is AgentId => (AGENT_IDS as readonly string[]).includes(s);

/** Characters a token may hold: they survive TOML and JSON strings, shell quotes and `OTEL_EXPORTER_OTLP_HEADERS`. */
const TOKEN_CHARS = /^[A-Za-z0-9._~+/=-]+$/;

/** Problems with a token as any configuration format would carry it (Warden's own rules are checked by the command). */
export function tokenProblems(token: string): string[] {
  if (!token) return ['--token: empty'];
  if (!TOKEN_CHARS.test(token))
    return [
      '--token: only letters, digits and . _ ~ + / = - are allowed (other characters break the header formats the agents parse)',
    ];
  return [];
}

const hasExplicitPort = (raw: string) => {
  const authority = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/, 1)[0] ?? '';
  return authority.startsWith('[') ? /\]:\d+$/.test(authority) : /:\d+$/.test(authority);
};

const isLoopback = (hostname: string) =>
  hostname === 'localhost' ||
  hostname.endsWith('.localhost') ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname) ||
  hostname === '[::1]';

export interface ResolvedEndpoint {
  /** What the agent's render() receives: scheme://host:port for gRPC, plus an optional path prefix for HTTP. */
  endpoint: string;
  /** Said in the output: the port was added, the token crosses the network in clear text. */
  notices: string[];
  warnings: string[];
}

/**
 * Validates `--endpoint` (Warden's collector: scheme://host[:port][/prefix]) for `protocol`. Without a port,
 * Warden's default for the protocol is used (4317 gRPC, 4318 OTLP/HTTP). Throws AgentConfigError.
 */
export function resolveEndpoint(raw: string, protocol: Protocol): ResolvedEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AgentConfigError([`--endpoint: "${raw}" is not a URL; use e.g. https://warden.example.com`]);
  }
  const problems: string[] = [];
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    problems.push(`--endpoint: use an http:// or https:// URL (not ${url.protocol})`);
  if (url.username || url.password)
    problems.push('--endpoint: no user or password in the URL; the token goes in --token');
  if (url.search || url.hash) problems.push('--endpoint: no query string or fragment');
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/v1\/(logs|traces|metrics)$/.test(path))
    problems.push(
      `--endpoint: give the collector's base URL without ${path.slice(path.lastIndexOf('/v1/'))}; each agent's signal paths are added for it`,
    );
  else if (path && protocol === 'grpc')
    problems.push('--endpoint: an OTLP/gRPC endpoint is scheme://host:port, without a path');
  else if (path && !/^[A-Za-z0-9._~/-]+$/.test(path))
    problems.push('--endpoint: the path may hold only letters, digits and . _ ~ / -');
  if (problems.length) throw new AgentConfigError(problems);

  const notices: string[] = [];
  const warnings: string[] = [];
  // URL drops a port equal to the scheme's default, so look at what was typed: an explicit :443 is kept (as
  // the scheme's default), a missing port becomes Warden's.
  if (!hasExplicitPort(raw)) {
    const port = isHttp(protocol) ? DEFAULT_PORTS.http : DEFAULT_PORTS.grpc;
    url.port = String(port);
    notices.push(
      `No port in --endpoint: using ${port}, Warden's default for ${isHttp(protocol) ? 'OTLP/HTTP' : 'OTLP/gRPC'}.`,
    );
  }
  const otherPort = isHttp(protocol) ? DEFAULT_PORTS.grpc : DEFAULT_PORTS.http;
  if (hasExplicitPort(raw) && url.port === String(otherPort))
    warnings.push(
      `Port ${otherPort} is Warden's ${isHttp(protocol) ? 'OTLP/gRPC' : 'OTLP/HTTP'} port, but the protocol is ${protocol}: unless your collector was set up otherwise, use port ${isHttp(protocol) ? DEFAULT_PORTS.http : DEFAULT_PORTS.grpc}.`,
    );
  if (url.protocol === 'http:' && !isLoopback(url.hostname))
    warnings.push(
      `The token would travel unencrypted (plain http://) to ${url.hostname}, where anyone on the path can read it and send as your workspace. Use https:// (TLS in front of the collector) for anything beyond this machine.`,
    );
  return { endpoint: `${url.protocol}//${url.host}${isHttp(protocol) ? path : ''}`, notices, warnings };
}

// ---------------------------------------------------------------------------------------------------------
// Rendering

export interface AgentConfigOptions {
  endpoint: string;
  token: string;
  /** Defaults to the agent's `defaultProtocol`. */
  protocol?: Protocol;
  /** The person using the agent on this device, stamped as a resource attribute. */
  user?: string;
  /** Warden's API, for the pre-action review hook (`warden-hook`); without it no hook is printed. */
  review?: string;
}

/** Where `warden-hook` is on this machine: the hook command agents run before each tool call. */
const HOOK_SCRIPT = fileURLToPath(new URL('../bin/warden-hook.js', import.meta.url));

/** The pre-action review hook for an agent (`warden-hook`, see cli/hook.ts), ready to paste. */
export function renderHookConfig(agent: AgentId, review: string, token: string): Snippet[] {
  const command = `WARDEN_REVIEW_URL=${shQuote(review)} WARDEN_REVIEW_TOKEN=${shQuote(token)} WARDEN_HOOK_UNREACHABLE=ask node ${shQuote(HOOK_SCRIPT)} ${agent}`;
  const hook = { type: 'command', command };
  switch (agent) {
    case 'codex':
      return [
        {
          where:
            '`~/.codex/hooks.json` (run Codex with `--dangerously-bypass-hook-trust`, or trust the hook once: Codex skips untrusted hooks silently)',
          language: 'json',
          text: JSON.stringify({ hooks: { PreToolUse: [{ matcher: '.*', hooks: [hook] }] } }, null, 2),
        },
      ];
    case 'claude-code':
      return [
        {
          where: '`~/.claude/settings.json` (or the managed settings), beside `env`',
          language: 'json',
          text: JSON.stringify({ hooks: { PreToolUse: [{ matcher: '*', hooks: [hook] }] } }, null, 2),
        },
      ];
    case 'gemini-cli':
      return [
        {
          where: '`~/.gemini/settings.json`, beside `telemetry`',
          language: 'json',
          text: JSON.stringify(
            { hooks: { BeforeTool: [{ matcher: '.*', hooks: [{ ...hook, name: 'warden-review' }] }] } },
            null,
            2,
          ),
        },
      ];
    case 'otel-sdk':
      throw new AgentConfigError(['--review: an in-house agent calls POST /v1/review itself (see README)']);
  }
}

/** A person as `OTEL_RESOURCE_ATTRIBUTES` carries it unescaped: an e-mail address or a plain id. */
const PERSON = /^[A-Za-z0-9._+-]+(@[A-Za-z0-9.-]+)?$/;

export function personProblems(person: string): string[] {
  return PERSON.test(person) && person.length <= 254
    ? []
    : ['--user: an e-mail address or an id of letters, digits and . _ + - (at most 254 characters)'];
}

const fence = (s: Snippet) => ['```' + s.language, s.text, '```'];
const bullets = (items: string[]) => items.map((i) => `- ${i}`);

/** The Markdown body shared by the command's output and the README: snippets, lines, visibility, notes. */
function renderBody(spec: AgentSpec, rendered: RenderedConfig): string[] {
  const snippets: Snippet[] = [
    { where: rendered.where, language: rendered.language, text: rendered.text },
    ...rendered.extra,
  ];
  const out: string[] = [];
  for (const s of snippets) out.push(`In ${s.where}:`, '', ...fence(s), '');
  out.push('What each line does:', '');
  out.push(...bullets(rendered.lines.map((l) => `\`${l.setting}\`: ${l.meaning}`)), '');
  out.push('What Warden sees:', '', ...bullets(spec.visibility.sees), '');
  out.push('What Warden cannot see:', '', ...bullets(spec.visibility.doesNotSee), '');
  out.push('Who the user is:', '', ...bullets(spec.identity), '');
  out.push('Notes:', '', ...bullets(spec.notes));
  return out;
}

/** The printable configuration for one agent. Throws AgentConfigError for a bad endpoint, token or protocol. */
export function renderAgentConfig(agent: AgentId, opts: AgentConfigOptions): string {
  const spec = AGENTS[agent];
  const protocol = opts.protocol ?? spec.defaultProtocol;
  const problems = [...tokenProblems(opts.token), ...(opts.user ? personProblems(opts.user) : [])];
  if (!spec.protocols.includes(protocol))
    problems.push(
      `--protocol: ${spec.title} supports ${spec.protocols.join(', ')} (not ${protocol})${agent === 'gemini-cli' && protocol === 'http/protobuf' ? ': its `otlpProtocol: "http"` is OTLP/HTTP JSON, so use --protocol http/json' : ''}`,
    );
  if (problems.length) throw new AgentConfigError(problems);
  const { endpoint, notices, warnings } = resolveEndpoint(opts.endpoint, protocol);
  const rendered = spec.render(endpoint, opts.token, protocol, opts.user);
  const protocolLine =
    protocol === spec.defaultProtocol && !opts.protocol
      ? `Protocol: ${protocol}, the default for ${spec.title}: ${spec.defaultProtocolWhy}. Also: --protocol ${spec.protocols.filter((p) => p !== protocol).join(' | ')}.`
      : `Protocol: ${protocol}.`;
  return [
    `# ${spec.title} → Warden`,
    '',
    ...warnings.map((w) => `WARNING: ${w}`),
    ...(warnings.length ? [''] : []),
    `Where: ${spec.location}.`,
    protocolLine,
    ...notices,
    '',
    ...renderBody(spec, rendered),
    '',
    ...(opts.review ? renderHookSection(agent, opts.review, opts.token) : []),
  ].join('\n');
}

function renderHookSection(agent: AgentId, review: string, token: string): string[] {
  const out = ['## Pre-action review', ''];
  for (const s of renderHookConfig(agent, review, token)) out.push(`In ${s.where}:`, '', ...fence(s), '');
  out.push(
    'Before each tool call the agent runs `warden-hook`, which asks Warden (`POST /v1/review`) and answers allow (nothing printed: your own permission settings still apply), ask or deny in the agent’s format. Codex and Gemini CLI cannot ask from this hook: an ask denies there, saying a human must approve.',
    'If Warden cannot be reached within 3 s, `WARDEN_HOOK_UNREACHABLE` decides (allow | ask | deny; `ask` as printed).',
    '',
  );
  return out;
}

/** The README's placeholders. */
export const README_ENDPOINT = 'https://warden.example.com';
export const README_TOKEN = '<ingest-token>';
/** The README block (scripts/readme-block.ts) this section fills. */
export const README_BLOCK = 'agent-config';
export const README_REGENERATE = 'node bin/run-ts.js scripts/readme-agents.ts';

/** The README's "Connect your agents" section (what sits between the markers), generated from AGENTS. */
export function renderReadmeSection(): string {
  const out = [
    '## Connect your agents',
    '',
    `\`warden agent-config <${AGENT_IDS.join('|')}> --endpoint URL --token T [--protocol grpc|http/protobuf|http/json] [--user PERSON]\` prints the configuration that makes an agent export its telemetry to Warden, with your collector's address and ingest token filled in, and with \`--user\` the person using the agent on that device. Below it is shown for \`--endpoint ${README_ENDPOINT}\` and the token \`${README_TOKEN}\`. Without a port in \`--endpoint\`, Warden's defaults are used: 4317 for OTLP/gRPC, 4318 for OTLP/HTTP. Over plain \`http://\` to another machine the token travels unencrypted; the command warns about it.`,
    '',
    'What Warden sees bounds what triage can judge: a prompt that is redacted, or tool output that is never sent, cannot weigh in a verdict. Each agent below lists both.',
    '',
    `<!-- Generated from cli/agent-config.ts: edit it, then run \`${README_REGENERATE}\`. -->`,
  ];
  for (const id of AGENT_IDS) {
    const spec = AGENTS[id];
    const { endpoint } = resolveEndpoint(README_ENDPOINT, spec.defaultProtocol);
    const rendered = spec.render(endpoint, README_TOKEN, spec.defaultProtocol);
    out.push(
      '',
      `### ${spec.title}`,
      '',
      `\`warden agent-config ${id}\`. Where: ${spec.location}. Protocol: \`${spec.defaultProtocol}\` by default: ${spec.defaultProtocolWhy}. \`--protocol\` also takes ${spec.protocols
        .filter((p) => p !== spec.defaultProtocol)
        .map((p) => `\`${p}\``)
        .join(', ')}.`,
      '',
      ...renderBody(spec, rendered),
    );
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------
// The command

export const AGENT_CONFIG_USAGE = `usage: warden agent-config <agent> --endpoint URL --token TOKEN [--protocol PROTOCOL] [--user PERSON] [--review URL]

Prints the configuration that makes an agent export its telemetry to Warden, what each line does, and
what Warden can and cannot see with it.

agents:
${AGENT_IDS.map((id) => `  ${id.padEnd(12)}${AGENTS[id].title} (protocols: ${AGENTS[id].protocols.join(', ')}; default ${AGENTS[id].defaultProtocol})`).join('\n')}

options:
  --endpoint URL       Warden's collector, scheme://host[:port] (https:// for anything beyond this machine).
                       Without a port: 4317 for grpc, 4318 for http/*. OTLP/HTTP may add a path prefix.
  --token TOKEN        the workspace's ingest token (one of WARDEN_INGEST_TOKENS; at least 16 characters),
                       e.g. --token "$(cat .warden/ingest-token)"
  --protocol PROTOCOL  grpc | http/protobuf | http/json (default: the agent's own)
  --user PERSON        the person using the agent on this device (e-mail or id), stamped on its
                       telemetry; render it per device from your device management
  --review URL         Warden's API (e.g. http://127.0.0.1:8080): also print the pre-action review hook
  -h, --help           this help`;

const OPTIONS = ['endpoint', 'token', 'protocol', 'user', 'review'] as const;
type Option = (typeof OPTIONS)[number];

/** `warden agent-config …` (argv after the command name): exit code 0 with the configuration, 2 with the problems. */
export function agentConfigCommand(argv: string[]): { exitCode: number; output: string } {
  if (argv.includes('--help') || argv.includes('-h')) return { exitCode: 0, output: AGENT_CONFIG_USAGE };
  const fail = (problems: string[]) => ({
    exitCode: 2,
    output: `${problems.map((p) => `warden agent-config: ${p}`).join('\n')}\n\n${AGENT_CONFIG_USAGE}`,
  });

  const problems: string[] = [];
  const positional: string[] = [];
  const values: Partial<Record<Option, string>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    if (!(OPTIONS as readonly string[]).includes(name)) {
      problems.push(`unknown option ${arg.slice(0, eq < 0 ? undefined : eq)}`);
      // Skip its value too: it may be a token, which must not be echoed as a stray argument.
      if (eq < 0 && argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('-')) i++;
      continue;
    }
    const value = eq < 0 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq < 0 && value.startsWith('--'))) {
      problems.push(`--${name} needs a value`);
      if (value !== undefined) i--;
      continue;
    }
    if (values[name as Option] !== undefined) problems.push(`--${name} given twice`);
    values[name as Option] = value;
  }

  const [agent, ...extra] = positional;
  if (agent === undefined) problems.push(`name an agent: ${AGENT_IDS.join(', ')}`);
  else if (!isAgentId(agent)) problems.push(`unknown agent "${agent}"; use one of ${AGENT_IDS.join(', ')}`);
  // Not echoed: a stray argument may be a secret pasted in the wrong place.
  if (extra.length) problems.push(`${extra.length} unexpected argument(s) after the agent name`);
  if (values.endpoint === undefined)
    problems.push('--endpoint is required (the collector, e.g. https://warden.example.com)');
  if (values.token === undefined) problems.push("--token is required (the workspace's ingest token)");
  else if (values.token.length < 16 && tokenProblems(values.token).length === 0)
    problems.push('--token: Warden ingest tokens are at least 16 characters');
  if (values.review !== undefined && !/^https?:\/\/[^\s/]+/.test(values.review))
    problems.push('--review: the Warden API as http(s)://host[:port]');
  if (values.protocol !== undefined && !isProtocol(values.protocol))
    problems.push(`--protocol: use ${PROTOCOLS.join(', ')} (not ${values.protocol})`);
  if (problems.length) return fail(problems);

  try {
    return {
      exitCode: 0,
      output: renderAgentConfig(agent as AgentId, {
        endpoint: values.endpoint!,
        token: values.token!,
        protocol: values.protocol as Protocol | undefined,
        user: values.user,
        review: values.review,
      }),
    };
  } catch (err) {
    if (err instanceof AgentConfigError) return fail(err.problems);
    throw err;
  }
}
