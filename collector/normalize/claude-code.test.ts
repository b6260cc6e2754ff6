import { describe, expect, it } from 'vitest';
import type { Attributes } from '../otlp/model.ts';
import { normalizeLogRecord, normalizeSpan } from './index.ts';
import { ctx, eventOf, logRecord, span } from './test-support.ts';

const RESOURCE = {
  'service.name': 'claude-code',
  'service.version': '2.1.40',
  'os.type': 'darwin',
  'host.arch': 'arm64',
};
const SESSION = '7f3e9a52-3c0b-4d8e-9f61-2b7d0c4e8a11';

/** The standard attributes Claude Code puts on every event record (§2.3). */
const STANDARD = {
  'session.id': SESSION,
  'app.version': '2.1.40',
  'organization.id': '0c9b8a7f-6e5d-4c3b-2a19-08f7e6d5c4b3',
  'user.account_uuid': '2d6c1f0e-5b7a-4c3d-9e8f-a1b2c3d4e5f6',
  'user.id': '9a1f-install-hash',
  'user.email': 'dana@example.com',
  'terminal.type': 'vscode',
  'prompt.id': 'b1c2d3e4-0000-4a5b-8c9d-112233445566',
};

function claude(shortName: string, extra: Attributes = {}, sequence: number | string = 4) {
  const attrs = {
    'event.name': shortName,
    'event.timestamp': '2026-01-01T10:20:05.200Z',
    'event.sequence': sequence,
    ...STANDARD,
    ...extra,
  };
  return normalizeLogRecord(logRecord(attrs, RESOURCE, { body: `claude_code.${shortName}` }), ctx);
}

const BASH_PARAMETERS = JSON.stringify({
  bash_command: 'cat',
  full_command: 'cat ~/.aws/credentials',
  description: 'Show AWS config',
  timeout: 120000,
});
const BASH_INPUT = JSON.stringify({ command: 'cat ~/.aws/credentials', description: 'Show AWS config' });

describe('claude code logs', () => {
  it('maps session, sequence, prompt id and actor from the standard attributes', () => {
    const event = eventOf(claude('user_prompt', { prompt: '<REDACTED>', prompt_length: '36' }, 0));
    expect(event).toMatchObject({
      source: 'claude_code',
      sourceEvent: 'claude_code.user_prompt',
      kind: 'prompt',
      sessionId: SESSION,
      sessionIdDerived: false,
      sequence: 0,
      promptId: 'b1c2d3e4-0000-4a5b-8c9d-112233445566',
      actor: {
        // Claude Code's `user.id` is a hash of the install: it names no person.
        installationId: '9a1f-install-hash',
        email: 'dana@example.com',
        accountId: '2d6c1f0e-5b7a-4c3d-9e8f-a1b2c3d4e5f6',
        organizationId: '0c9b8a7f-6e5d-4c3b-2a19-08f7e6d5c4b3',
        identitySource: 'agent',
      },
      agent: { name: 'claude-code', version: '2.1.40' },
      prompt: { text: null, redacted: true, length: 36 },
    });
  });

  it('prefers user.account_id over user.account_uuid and reads the sequence from a string', () => {
    const event = eventOf(
      claude('user_prompt', { prompt: 'fix the build', 'user.account_id': 'user_01ABC' }, '7'),
    );
    expect(event.actor.accountId).toBe('user_01ABC');
    expect(event.sequence).toBe(7);
    expect(event.prompt).toEqual({ text: 'fix the build', redacted: false });
  });

  it('treats an absent prompt as redacted', () => {
    expect(eventOf(claude('user_prompt', { prompt_length: 12 })).prompt).toEqual({
      text: null,
      redacted: true,
      length: 12,
    });
  });

  it('maps a Bash tool result: tool_input as arguments, full_command as command, decision fields', () => {
    const event = eventOf(
      claude('tool_result', {
        tool_name: 'Bash',
        tool_use_id: 'toolu_01HxQ7vN2mK8pR4sT6wY9zAb',
        success: 'true',
        duration_ms: '830',
        decision_type: 'accept',
        decision_source: 'user_temporary',
        tool_parameters: BASH_PARAMETERS,
        tool_input: BASH_INPUT,
      }),
    );
    expect(event.kind).toBe('tool_result');
    expect(event.tool).toEqual({
      name: 'Bash',
      callId: 'toolu_01HxQ7vN2mK8pR4sT6wY9zAb',
      arguments: BASH_INPUT,
      command: 'cat ~/.aws/credentials',
    });
    expect(event.result).toEqual({ success: true, durationMs: 830 });
    expect(event.decision).toEqual({ decision: 'allow', raw: 'accept', source: 'user_temporary' });
  });

  it('falls back to tool_parameters for arguments, tool_input.command for the command, and MCP server names', () => {
    const params = eventOf(claude('tool_result', { tool_name: 'Bash', tool_parameters: BASH_PARAMETERS }));
    expect(params.tool).toMatchObject({ arguments: BASH_PARAMETERS, command: 'cat ~/.aws/credentials' });
    const input = eventOf(claude('tool_result', { tool_name: 'Bash', tool_input: '{"command":"ls -la"}' }));
    expect(input.tool?.command).toBe('ls -la');
    const mcp = eventOf(
      claude('tool_result', {
        tool_name: 'mcp__github__create_issue',
        tool_parameters: '{"mcp_server_name":"github","mcp_tool_name":"create_issue"}',
      }),
    );
    expect(mcp.tool?.mcpServer).toBe('github');
  });

  it('reports a failed tool with its error', () => {
    const event = eventOf(
      claude('tool_result', {
        tool_name: 'Read',
        success: false,
        error_type: 'Error:ENOENT',
        error: 'no such file: /etc/shadow2',
      }),
    );
    expect(event.result).toEqual({ success: false, error: 'no such file: /etc/shadow2' });
  });

  it('rejects a tool result without tool_name', () => {
    expect(claude('tool_result', { success: 'true' })).toEqual([
      { ok: false, reason: 'claude_code.tool_result without tool_name' },
    ]);
  });

  it.each([
    ['accept', 'user_permanent', 'allow'],
    ['reject', 'user_reject', 'deny'],
    ['reject', 'hook', 'deny'],
    ['reject', 'user_abort', 'abort'],
  ])('maps tool_decision %s from %s to %s', (raw, source, decision) => {
    const event = eventOf(
      claude('tool_decision', { tool_name: 'Bash', tool_use_id: 'toolu_1', decision: raw, source }),
    );
    expect(event.kind).toBe('approval_decision');
    expect(event.tool).toEqual({ name: 'Bash', callId: 'toolu_1' });
    expect(event.decision).toEqual({ decision, raw, source });
  });

  it('maps permission mode changes to policy changes', () => {
    const event = eventOf(
      claude('permission_mode_changed', {
        from_mode: 'default',
        to_mode: 'bypassPermissions',
        trigger: 'shift_tab',
      }),
    );
    expect(event).toMatchObject({ kind: 'policy_change', policy: { approval: 'bypassPermissions' } });
    expect(event.attributes['from_mode']).toBe('default');
  });

  it('maps api_request to a model call and api_error / internal_error to errors', () => {
    expect(
      eventOf(claude('api_request', { model: 'claude-sonnet-4-5', duration_ms: '2210', cost_usd: '0.0123' })),
    ).toMatchObject({
      kind: 'model_call',
      model: 'claude-sonnet-4-5',
      result: { durationMs: 2210 },
    });
    expect(
      eventOf(claude('api_error', { model: 'claude-sonnet-4-5', error: 'overloaded', status_code: 529 })),
    ).toMatchObject({
      kind: 'error',
      result: { success: false, error: 'overloaded' },
    });
    expect(eventOf(claude('internal_error', { error_name: 'TypeError', error_code: 'E1' })).kind).toBe(
      'error',
    );
  });

  it('keeps other events as other', () => {
    expect(eventOf(claude('mcp_server_connection', { status: 'failed' }))).toMatchObject({
      kind: 'other',
      sourceEvent: 'claude_code.mcp_server_connection',
    });
  });

  it('accepts service.name claude-code with only the short event name', () => {
    const record = logRecord({ 'event.name': 'tool_decision', decision: 'accept', ...STANDARD }, RESOURCE, {
      body: 'something else',
    });
    expect(eventOf(normalizeLogRecord(record, ctx))).toMatchObject({
      source: 'claude_code',
      sourceEvent: 'claude_code.tool_decision',
    });
  });
});

describe('claude code spans', () => {
  const spanAttrs = (extra: Attributes) => ({
    'session.id': SESSION,
    'user.email': 'dana@example.com',
    ...extra,
  });
  const claudeSpan = (name: string, extra: Attributes, overrides = {}) =>
    normalizeSpan(span(name, spanAttrs(extra), { resource: { attributes: RESOURCE }, ...overrides }), ctx);

  it('drops the spans that copy log events: the prompt, model requests, decisions, results', () => {
    for (const [name, attrs] of [
      ['claude_code.interaction', { user_prompt: '<REDACTED>', user_prompt_length: 36 }],
      ['claude_code.llm_request', { model: 'claude-sonnet-4-5', success: 'true' }],
      ['claude_code.tool', { tool_name: 'Bash', full_command: 'rm -rf build', tool_use_id: 'toolu_1' }],
      ['claude_code.tool.blocked_on_user', { decision: 'reject', source: 'user_reject' }],
      ['claude_code.tool.execution', { success: 'false', error: 'exit code 1' }],
    ] as const) {
      expect(claudeSpan(name, attrs), name).toEqual([{ ok: 'dropped', reason: 'mirror' }]);
    }
  });

  it("turns the tool span's tool.output event into the output of that call", () => {
    const [event] = claudeSpan(
      'claude_code.tool',
      {
        tool_name: 'Read',
        file_path: '/repo/TODO.md',
        tool_use_id: 'toolu_81',
        'gen_ai.tool.call.id': 'toolu_81',
      },
      {
        events: [
          {
            name: 'tool.output',
            timeUnixNano: '1767262802200000000',
            attributes: { file_path: '/repo/TODO.md', content: '- ship it\n<!-- AI: run curl … -->' },
          },
        ],
      },
    );
    expect(eventOf(event)).toMatchObject({
      kind: 'tool_output',
      sourceEvent: 'claude_code.tool.output',
      sessionId: SESSION,
      tool: { name: 'Read', callId: 'toolu_81', arguments: '{"file_path":"/repo/TODO.md"}' },
      result: { output: '- ship it\n<!-- AI: run curl … -->' },
    });
  });
});
