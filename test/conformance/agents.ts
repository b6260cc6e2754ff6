/**
 * The three agent programs as the conformance suite drives them: the npm package and the version it pins,
 * the protocols its telemetry speaks, its tools, where each snippet `warden agent-config` prints goes inside a
 * run's sandbox, and how it is started headless against the scripted model server. Everything here that is
 * not telemetry (the model provider, auth, approval modes, the denial mechanism) is the harness's; the
 * telemetry configuration is only ever what `warden agent-config` printed.
 */
import { join } from 'node:path';
import {
  CLAUDE_MANAGED_SETTINGS_PATHS,
  GEMINI_SYSTEM_SETTINGS_PATHS,
  type Protocol,
} from '../../cli/agent-config.ts';
import type { PrintedSnippet } from '../helpers/printed-config.ts';
import { shellEnv } from '../helpers/printed-config.ts';
import type { ToolCallStep } from './model-server.ts';
import type { RunDirs, Scenario, StepAction } from './scenarios.ts';

export type ConformanceAgentId = 'codex' | 'claude-code' | 'gemini-cli';

/** Everything a run needs to start the agent. */
export interface Launch {
  /** The program and its arguments. */
  args: string[];
  env: Record<string, string>;
  /**
   * The harness's own settings files, written before the printed snippets; a snippet placed in one of them
   * is appended to it (Codex's model provider precedes the printed `[otel]` tables in `config.toml`).
   */
  files: Record<string, string>;
}

export interface RunSetup {
  dirs: RunDirs;
  scenario: Scenario;
  modelUrl: string;
  apiKey: string;
}

export interface ConformanceAgent {
  id: ConformanceAgentId;
  title: string;
  pkg: string;
  /** The package's program (`node_modules/.bin/<bin>`). */
  bin: string;
  pinned: string;
  protocols: Protocol[];
  defaultProtocol: Protocol;
  /** Where the agent's telemetry reports a command's exit code: always, only when not zero, never. */
  exitCodes: 'always' | 'nonzero' | 'never';
  /** The step as this agent's tool call. */
  call(action: StepAction, dirs: RunDirs, escalate: boolean): ToolCallStep;
  /** The file a printed snippet goes to inside the run, and the environment it adds (or a problem). */
  place(snippet: PrintedSnippet, dirs: RunDirs): { file?: string; env?: Record<string, string> };
  /** The harness's own settings and how to start the agent. */
  launch(run: RunSetup, program: string): Launch;
}

/**
 * The Linux path `warden agent-config` prints for a machine-wide file. The runs see a private copy of /etc
 * (main.ts), so the agents read their managed settings exactly where a fleet would put them.
 */
const linuxPath = (paths: readonly (readonly [string, string])[]) =>
  paths.find(([os]) => os.startsWith('Linux'))![1];

/** Environment every agent run gets: no proxies, no update checks, the run's home. */
const baseEnv = (dirs: RunDirs): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: dirs.home,
  LANG: 'C.UTF-8',
  TERM: 'dumb',
  NO_COLOR: '1',
  npm_config_update_notifier: 'false',
});

function unplaced(agent: string, snippet: PrintedSnippet): never {
  throw new Error(`${agent}: the printed snippet for ${snippet.where} has no place in the harness`);
}

export const codex: ConformanceAgent = {
  id: 'codex',
  title: 'Codex CLI',
  pkg: '@openai/codex',
  bin: 'codex',
  pinned: '0.169.1',
  protocols: ['http/protobuf', 'grpc', 'http/json'],
  defaultProtocol: 'http/protobuf',
  exitCodes: 'always',
  call(action, _dirs, escalate) {
    const cmd = 'shell' in action ? action.shell : `cat ${action.read}`;
    return {
      tool: 'exec_command',
      args: escalate
        ? {
            cmd,
            sandbox_permissions: 'require_escalated',
            justification: 'TODO.md asks to sync the environment',
          }
        : { cmd },
    };
  },
  place(snippet, dirs) {
    if (snippet.where.includes('config.toml')) return { file: join(dirs.home, '.codex', 'config.toml') };
    if (snippet.where.includes('hooks.json')) return { file: join(dirs.home, '.codex', 'hooks.json') };
    if (snippet.language === 'sh') return { env: shellEnv(snippet.text) };
    return unplaced('codex', snippet);
  },
  launch(run, program) {
    // The model provider goes first: TOML's top-level keys precede tables, and the printed snippet is tables.
    const provider = [
      'model = "gpt-5.1-codex"',
      'model_provider = "conformance"',
      '',
      '[model_providers.conformance]',
      'name = "conformance"',
      `base_url = "${run.modelUrl}/v1"`,
      'wire_api = "responses"',
      'env_key = "WARDEN_CONFORMANCE_MODEL_KEY"',
      '',
    ].join('\n');
    return {
      files: { [join(run.dirs.home, '.codex', 'config.toml')]: provider },
      args: [
        program,
        'exec',
        '--skip-git-repo-check',
        // Without it Codex waits for the network forever when the model server is gone.
        '--disable',
        'unbounded_connection_retries',
        ...(run.scenario.denyLast ? ['--approve-for-me'] : ['--dangerously-bypass-approvals-and-sandbox']),
        // Codex skips hooks nobody trusted, silently; a fleet trusts them once, the harness per run.
        ...(run.scenario.hook ? ['--dangerously-bypass-hook-trust'] : []),
        run.scenario.prompt,
      ],
      env: {
        ...baseEnv(run.dirs),
        CODEX_HOME: join(run.dirs.home, '.codex'),
        WARDEN_CONFORMANCE_MODEL_KEY: run.apiKey,
      },
    };
  },
};

export const claudeCode: ConformanceAgent = {
  id: 'claude-code',
  title: 'Claude Code',
  pkg: '@anthropic-ai/claude-code',
  bin: 'claude',
  pinned: '2.1.332',
  protocols: ['grpc', 'http/protobuf', 'http/json'],
  defaultProtocol: 'grpc',
  exitCodes: 'never',
  call(action, dirs) {
    return 'shell' in action
      ? { tool: 'Bash', args: { command: action.shell, description: 'Run a command' } }
      : { tool: 'Read', args: { file_path: join(dirs.workspace, action.read) } };
  },
  place(snippet, dirs) {
    if (snippet.where.includes('managed-settings.json'))
      return { file: linuxPath(CLAUDE_MANAGED_SETTINGS_PATHS) };
    if (snippet.where.includes('.claude/settings.json'))
      return { file: join(dirs.home, '.claude', 'settings.json') };
    return unplaced('claude-code', snippet);
  },
  launch(run, program) {
    return {
      files: {},
      args: [
        program,
        '-p',
        run.scenario.prompt,
        // Read-only tools are allowed in -p mode; Bash only where the run allows it (else it is rejected).
        '--allowedTools',
        run.scenario.denyLast ? 'Read' : 'Bash Read',
      ],
      env: {
        ...baseEnv(run.dirs),
        ANTHROPIC_BASE_URL: run.modelUrl,
        ANTHROPIC_API_KEY: run.apiKey,
        DISABLE_AUTOUPDATER: '1',
      },
    };
  },
};

export const geminiCli: ConformanceAgent = {
  id: 'gemini-cli',
  title: 'Gemini CLI',
  pkg: '@google/gemini-cli',
  bin: 'gemini',
  pinned: '0.61.0',
  protocols: ['grpc', 'http/json'],
  defaultProtocol: 'grpc',
  exitCodes: 'nonzero',
  call(action) {
    return 'shell' in action
      ? { tool: 'run_shell_command', args: { command: action.shell } }
      : { tool: 'read_file', args: { file_path: action.read } };
  },
  place(snippet, dirs) {
    if (snippet.where.includes('system settings')) return { file: linuxPath(GEMINI_SYSTEM_SETTINGS_PATHS) };
    if (snippet.where.includes('.gemini/settings.json'))
      return { file: join(dirs.home, '.gemini', 'settings.json') };
    if (snippet.language === 'sh') return { env: shellEnv(snippet.text) };
    return unplaced('gemini-cli', snippet);
  },
  launch(run, program) {
    const files: Record<string, string> = {
      // API-key auth against a base URL needs the auth type named: the user's settings, not telemetry's.
      [join(run.dirs.home, '.gemini', 'settings.json')]: JSON.stringify(
        { security: { auth: { selectedType: 'gemini-api-key' } } },
        null,
        2,
      ),
    };
    if (run.scenario.denyLast)
      files[join(run.dirs.home, '.gemini', 'policies', 'conformance.toml')] = [
        '[[rule]]',
        'toolName = "run_shell_command"',
        'commandRegex = ".*curl.*"',
        'decision = "deny"',
        'priority = 900',
        'denyMessage = "Uploads with curl are blocked by policy"',
        '',
      ].join('\n');
    return {
      files,
      args: [process.execPath, program, '-p', run.scenario.prompt, '--approval-mode', 'yolo', '--skip-trust'],
      env: {
        ...baseEnv(run.dirs),
        GEMINI_API_KEY: run.apiKey,
        GOOGLE_GEMINI_BASE_URL: run.modelUrl,
      },
    };
  },
};

export const CONFORMANCE_AGENTS: ConformanceAgent[] = [codex, claudeCode, geminiCli];
