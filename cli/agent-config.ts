/**
 * `warden agent-config <agent> --endpoint URL --token T [--protocol P]`: the exact configuration that makes an
 * agent export its telemetry to Warden, what each line does, and what Warden can and cannot see with it.
 *
 * One table (`AGENTS`) is the single source of truth for the command's output, the README's "Connect your
 * agents" section (`renderReadmeSection`) and the tests that drive real OTLP exporters from the printed
 * configuration. Every key and value follows /work/shared/reference/agent-telemetry.md (its section numbers are
 * cited as "reference §n"); where the reference is silent, the printed notes say so.
 */

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
   */
  render(endpoint: string, token: string, protocol: Protocol): RenderedConfig;
  /** What Warden sees with this configuration, and what it cannot see (with it, or with the agent's defaults). */
  visibility: { sees: string[]; doesNotSee: string[] };
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
  render(endpoint, token, protocol) {
    const logs = codexExporterTable('exporter', endpoint, token, protocol, '/v1/logs');
    const traces = codexExporterTable('trace_exporter', endpoint, token, protocol, '/v1/traces');
    const text = ['[otel]', 'log_user_prompt = true', '', logs.text, '', traces.text].join('\n');
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
      extra: [],
      essentials: { endpoint: logs.url, protocol, headers: { authorization: bearer(token) } },
      lines,
    };
  },
  visibility: {
    sees: [
      'Every `codex.*` log event, each with `conversation.id` (the session) and the user (`user.email`, `user.account_id` when known).',
      'The prompt text (`codex.user_prompt`, thanks to `log_user_prompt = true`).',
      "Each tool call's raw `arguments` and its `output` and `success` (`codex.tool_result`), and the approval decision and who made it (`codex.tool_decision`: `decision`, `source`).",
      "The session's `approval_policy` and `sandbox_policy`, once, on `codex.conversation_starts`; sandbox outcomes (`codex.sandbox_outcome`).",
    ],
    doesNotSee: [
      "With Codex's defaults: nothing at all (`exporter` is `none`); and once exporting, the prompt is `[REDACTED]` unless `log_user_prompt = true`.",
      'From traces alone: no prompt, arguments, output, identity or approvals; the trace copies keep only lengths and counts, and `codex.tool_decision` is never in traces.',
      'A failed tool call (`log_tool_failed`) has no `call_id` and no `arguments`; its `output` holds the error text.',
    ],
  },
  notes: [
    "Only the user-level `config.toml` is reliable for telemetry; third parties report that a project-level `.codex/config.toml` is ignored for it (unconfirmed; Warden's telemetry reference §1.2).",
    '`metrics_exporter` defaults to `statsig`, which sends Codex\'s metrics to OpenAI (`https://ab.chatgpt.com/otlp`) whether or not the lines above are set; `metrics_exporter = "none"` in `[otel]` stops that (Warden\'s telemetry reference §1.1, §7).',
    "Warden's telemetry reference does not say whether Codex caps the size of `output` (a `[otel.tool_result] max_bytes` key is reported by third parties, unconfirmed); long outputs may arrive as a preview.",
    'Codex event shapes "may change as we iterate" (Codex docs): check new Codex versions against Warden.',
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
  render(endpoint, token, protocol) {
    const env: Record<string, string> = {
      CLAUDE_CODE_ENABLE_TELEMETRY: '1',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_EXPORTER_OTLP_HEADERS: tokenHeaderEnv(token),
      OTEL_LOG_TOOL_DETAILS: '1',
      OTEL_LOG_USER_PROMPTS: '1',
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
        setting: '"OTEL_LOG_USER_PROMPTS": "1"',
        meaning:
          'Sends the prompt text instead of `<REDACTED>`, so triage can check each action against what the user asked for.',
      },
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
      '`claude_code.*` events with `session.id`, `prompt.id` and `event.sequence` (order), and the user (`user.email`, `user.account_uuid`, `organization.id`, `user.id`).',
      'The prompt text (with `OTEL_LOG_USER_PROMPTS=1`).',
      'Each tool call: `tool_name`, `tool_use_id`, `success`, `error_type`, duration, sizes, and with `OTEL_LOG_TOOL_DETAILS=1` its arguments (`tool_parameters`, `tool_input`) and the full `error` text.',
      'Approvals (`claude_code.tool_decision`: `decision`, `source`), permission-mode changes, hook runs, MCP server connections, plugin installs and logins.',
    ],
    doesNotSee: [
      "**Tool output, ever**, in the log events: only `success`, `error_type` and sizes. Output content exists only in Claude Code's beta traces with `OTEL_LOG_TOOL_CONTENT=1` (truncated at 60 KB), which this configuration does not enable. So Warden cannot see an injected instruction in a web page or issue body a tool returned, nor a secret a tool printed.",
      "With Claude Code's defaults: the prompt is `<REDACTED>` and tool arguments are absent, leaving only tool names, outcomes and decisions.",
      'Long arguments are cut: `tool_input` values over 512 characters are truncated, about 4 K characters in total.',
      'Users on an API key, Bedrock, Vertex or Foundry carry no identity unless `OTEL_RESOURCE_ATTRIBUTES` sets one (e.g. `enduser.id=…`).',
    ],
  },
  notes: [
    `Where the managed settings file lives, from Claude Code's settings page (https://code.claude.com/docs/en/settings#settings-files; Warden's telemetry reference only says "the managed settings file"): ${CLAUDE_MANAGED_SETTINGS_PATHS.map(([os, path]) => `${os} \`${path}\``).join('; ')}. If the file exists, add these keys to its \`env\`; the same page documents a \`managed-settings.d/\` drop-in directory beside it.`,
    'Managed settings cannot be overridden by users, so a user cannot switch telemetry off or redact prompts again. The same `env` block in `~/.claude/settings.json` works for one user but can be overridden.',
    "Tool output needs the beta traces: `CLAUDE_CODE_ENHANCED_TELEMETRY_BETA=1`, `OTEL_TRACES_EXPORTER=otlp` and `OTEL_LOG_TOOL_CONTENT=1` (Warden's telemetry reference §2.1, §2.5). Traces are beta and their spans carry no `tool_use_id`.",
    'With `otelHeadersHelper` (dynamic headers) the helper applies to OTLP/HTTP only; gRPC uses only the static `OTEL_EXPORTER_OTLP_HEADERS`.',
  ],
};

// ---------------------------------------------------------------------------------------------------------
// Gemini CLI (reference §3)

const geminiCli: AgentSpec = {
  id: 'gemini-cli',
  title: 'Gemini CLI',
  location: '`.gemini/settings.json`, under `telemetry`, and one environment variable for the token',
  protocols: ['grpc', 'http/protobuf'],
  defaultProtocol: 'grpc',
  defaultProtocolWhy:
    "Gemini CLI's `otlpProtocol` defaults to `grpc`; its other value, `http`, is OTLP/HTTP protobuf, and it has no JSON encoding",
  render(endpoint, token, protocol) {
    const otlpProtocol = isHttp(protocol) ? 'http' : 'grpc';
    const telemetry = {
      enabled: true,
      target: 'local',
      otlpEndpoint: endpoint,
      otlpProtocol,
      logPrompts: true,
    };
    const lines: RenderedConfig['lines'] = [
      { setting: '"enabled": true', meaning: 'Turns telemetry on (default `false`).' },
      {
        setting: '"target": "local"',
        meaning: 'Exports over OTLP to `otlpEndpoint` (the other target, `gcp`, sends to Google Cloud).',
      },
      {
        setting: `"otlpEndpoint": "${endpoint}"`,
        meaning: isHttp(protocol)
          ? "Warden's OTLP/HTTP base URL; Gemini CLI appends `/v1/logs` and `/v1/traces`."
          : "Warden's OTLP/gRPC address; Gemini CLI keeps only `scheme://host:port`, and `https://` uses TLS.",
      },
      { setting: `"otlpProtocol": "${otlpProtocol}"`, meaning: '`grpc` or `http` (OTLP/HTTP protobuf).' },
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
    ];
    return {
      text: JSON.stringify({ telemetry }, null, 2),
      language: 'json',
      where: '`.gemini/settings.json`',
      extra: [
        {
          where: 'the environment `gemini` starts in',
          language: 'sh',
          text: envLines([['OTEL_EXPORTER_OTLP_HEADERS', tokenHeaderEnv(token)]]),
        },
      ],
      essentials: { endpoint, protocol, headers: { Authorization: bearer(token) } },
      lines,
    };
  },
  visibility: {
    sees: [
      '`gemini_cli.*` log events with `session.id` and the user (`user.email` when cached, `installation.id`).',
      'The prompt text (`gemini_cli.user_prompt`) and each tool call (`gemini_cli.tool_call`): `function_name`, `function_args`, `success`, `error`, and the approval `decision` (`accept`, `reject`, `auto_accept`, `modify`) on the same record.',
      "The session's settings (`gemini_cli.config`: approval mode, sandbox, MCP servers), approval-mode switches, file operations and Conseca policy verdicts.",
    ],
    doesNotSee: [
      "Tool output: `gemini_cli.tool_call` carries `success`, `error` and `content_length`, not the output's text.",
      "With `logPrompts: false`: neither the prompt nor any tool arguments. With Gemini CLI's defaults: nothing (`enabled` is `false`).",
      'No tool-call id on log records: calls are tied together by `prompt_id`.',
    ],
  },
  notes: [
    "Warden's telemetry reference does not document a header or token setting for Gemini CLI: the token goes through the standard `OTEL_EXPORTER_OTLP_HEADERS`, read by the OpenTelemetry JS exporters that gemini-cli's `packages/core/src/telemetry/sdk.ts` builds. Set it only for `gemini` (a wrapper script, or the service's environment) rather than in a login shell, where every OpenTelemetry program would send the token to its own backend.",
    "Warden's telemetry reference says `otlpProtocol` is `grpc` or `http` without naming the encoding; gemini-cli's `sdk.ts` builds the OTLP/HTTP **protobuf** exporters for `http`.",
    "Environment variables override `settings.json`: `GEMINI_TELEMETRY_*` (Warden's telemetry reference §3), and in gemini-cli's `telemetry/config.ts` also `OTEL_EXPORTER_OTLP_ENDPOINT`, which takes precedence over `otlpEndpoint`.",
    "Warden's telemetry reference names `.gemini/settings.json` only; it does not say which of the user (`~/.gemini/`) and project copies wins, nor give an administrator-enforced location.",
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
  render(endpoint, token, protocol) {
    const vars: [string, string][] = [
      ['OTEL_EXPORTER_OTLP_ENDPOINT', endpoint],
      ['OTEL_EXPORTER_OTLP_PROTOCOL', protocol],
      ['OTEL_EXPORTER_OTLP_HEADERS', tokenHeaderEnv(token)],
      ['OTEL_TRACES_EXPORTER', 'otlp'],
      ['OTEL_LOGS_EXPORTER', 'otlp'],
      ['OTEL_SEMCONV_STABILITY_OPT_IN', 'gen_ai_latest_experimental'],
      ['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT', 'SPAN_ONLY'],
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
      'Who the user is: the conventions have no standard actor attribute; set one as a resource attribute (e.g. `OTEL_RESOURCE_ATTRIBUTES=enduser.id=…`).',
    ],
  },
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
  out.push('Notes:', '', ...bullets(spec.notes));
  return out;
}

/** The printable configuration for one agent. Throws AgentConfigError for a bad endpoint, token or protocol. */
export function renderAgentConfig(agent: AgentId, opts: AgentConfigOptions): string {
  const spec = AGENTS[agent];
  const protocol = opts.protocol ?? spec.defaultProtocol;
  const problems = tokenProblems(opts.token);
  if (!spec.protocols.includes(protocol))
    problems.push(`--protocol: ${spec.title} supports ${spec.protocols.join(', ')} (not ${protocol})`);
  if (problems.length) throw new AgentConfigError(problems);
  const { endpoint, notices, warnings } = resolveEndpoint(opts.endpoint, protocol);
  const rendered = spec.render(endpoint, opts.token, protocol);
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
  ].join('\n');
}

/** The README's placeholders. */
export const README_ENDPOINT = 'https://warden.example.com';
export const README_TOKEN = '<ingest-token>';
export const README_START = '<!-- agent-config:start -->';
export const README_END = '<!-- agent-config:end -->';
export const README_REGENERATE = 'node bin/run-ts.js scripts/readme-agents.ts';

/** The README's "Connect your agents" section (what sits between the markers), generated from AGENTS. */
export function renderReadmeSection(): string {
  const out = [
    '## Connect your agents',
    '',
    `\`warden agent-config <${AGENT_IDS.join('|')}> --endpoint URL --token T [--protocol grpc|http/protobuf|http/json]\` prints the configuration that makes an agent export its telemetry to Warden, with your collector's address and ingest token filled in. Below it is shown for \`--endpoint ${README_ENDPOINT}\` and the token \`${README_TOKEN}\`. Without a port in \`--endpoint\`, Warden's defaults are used: 4317 for OTLP/gRPC, 4318 for OTLP/HTTP. Over plain \`http://\` to another machine the token travels unencrypted; the command warns about it.`,
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

/** The text between the README markers, or undefined when they are missing. */
export function readmeBlock(readme: string): string | undefined {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + README_START.length, end).replace(/^\n+|\n+$/g, '');
}

/** `readme` with the block between the markers replaced by `section`. */
export function replaceReadmeBlock(readme: string, section: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${README_START} … ${README_END} block`);
  return `${readme.slice(0, start + README_START.length)}\n\n${section}\n\n${readme.slice(end)}`;
}

// ---------------------------------------------------------------------------------------------------------
// The command

export const AGENT_CONFIG_USAGE = `usage: warden agent-config <agent> --endpoint URL --token TOKEN [--protocol PROTOCOL]

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
  -h, --help           this help`;

const OPTIONS = ['endpoint', 'token', 'protocol'] as const;
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
      }),
    };
  } catch (err) {
    if (err instanceof AgentConfigError) return fail(err.problems);
    throw err;
  }
}
