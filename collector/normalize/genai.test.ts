import { describe, expect, it } from 'vitest';
import type { Attributes } from '../otlp/model.ts';
import { normalizeLogRecord, normalizeSpan } from './index.ts';
import { ctx, eventOf, eventsOf, logRecord, span } from './test-support.ts';

const RESOURCE = {
  'service.name': 'support-agent',
  'service.version': '1.4.0',
  'enduser.id': 'svc-deploy-bot',
};
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

const genaiSpan = (name: string, attributes: Attributes, overrides = {}) =>
  normalizeSpan(span(name, attributes, { resource: { attributes: RESOURCE }, ...overrides }), ctx);

const OUTPUT_WITH_TOOL_CALLS = JSON.stringify([
  {
    role: 'assistant',
    parts: [
      { type: 'text', content: 'Deleting the branch.' },
      {
        type: 'tool_call',
        id: 'call_R2d7',
        name: 'run_shell',
        arguments: { cmd: 'git push origin --delete release/1.2' },
      },
      { type: 'tool_call', id: 'call_R2d8', name: 'read_file', arguments: '{"path":"CHANGELOG.md"}' },
    ],
    finish_reason: 'tool_call',
  },
]);

describe('genai spans', () => {
  it('maps a chat span to a model call plus one tool call per requested call', () => {
    const results = genaiSpan('chat gpt-4.1', {
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4.1',
      'gen_ai.conversation.id': 'conv_9d1e55aa',
      'gen_ai.output.messages': OUTPUT_WITH_TOOL_CALLS,
    });
    const [call, shell, read] = eventsOf(results);
    expect(call).toMatchObject({
      source: 'genai',
      kind: 'model_call',
      model: 'gpt-4.1',
      sessionId: 'conv_9d1e55aa',
      actor: { userId: 'svc-deploy-bot' },
    });
    expect(shell).toMatchObject({
      kind: 'tool_call',
      model: 'gpt-4.1',
      tool: {
        name: 'run_shell',
        callId: 'call_R2d7',
        arguments: '{"cmd":"git push origin --delete release/1.2"}',
        command: 'git push origin --delete release/1.2',
      },
    });
    expect(read?.tool).toEqual({
      name: 'read_file',
      callId: 'call_R2d8',
      arguments: '{"path":"CHANGELOG.md"}',
    });
    expect(new Set([call?.eventId, shell?.eventId, read?.eventId]).size).toBe(3);
  });

  it('maps execute_tool to a tool result with arguments, output and duration', () => {
    const [event] = genaiSpan('execute_tool run_shell', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'run_shell',
      'gen_ai.tool.call.id': 'call_R2d7',
      'gen_ai.tool.call.arguments': '{"cmd":"git push origin --delete release/1.2"}',
      'gen_ai.tool.call.result': '{"exit_code":0}',
      'gen_ai.conversation.id': 'conv_9d1e55aa',
    });
    expect(eventOf(event)).toMatchObject({
      kind: 'tool_result',
      tool: { name: 'run_shell', callId: 'call_R2d7', command: 'git push origin --delete release/1.2' },
      result: { success: true, output: '{"exit_code":0}', durationMs: 1300 },
    });
  });

  it('JSON-encodes structured arguments and results, and reads an argv command', () => {
    const [event] = genaiSpan('execute_tool shell', {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'shell',
      'gen_ai.tool.call.arguments': { command: ['ls', '-la', '/root dir'] },
      'gen_ai.tool.call.result': { stdout: 'total 0' },
    });
    expect(eventOf(event).tool).toMatchObject({
      arguments: '{"command":["ls","-la","/root dir"]}',
      command: "ls -la '/root dir'",
    });
    expect(eventOf(event).result?.output).toBe('{"stdout":"total 0"}');
  });

  it('marks a tool span with status ERROR as failed with its message', () => {
    const [event] = genaiSpan(
      'execute_tool run_shell',
      {
        'gen_ai.operation.name': 'execute_tool',
        'gen_ai.tool.name': 'run_shell',
        'error.type': 'PermissionError',
      },
      { status: { code: 2, message: '' } },
    );
    expect(eventOf(event)).toMatchObject({
      kind: 'tool_result',
      result: { success: false, error: 'PermissionError' },
    });
  });

  it('rejects execute_tool without a tool name', () => {
    expect(genaiSpan('execute_tool', { 'gen_ai.operation.name': 'execute_tool' })).toEqual([
      { ok: false, reason: 'execute_tool: execute_tool without gen_ai.tool.name' },
    ]);
  });

  it("handles Gemini CLI's operation names and gen_ai.tool.call_id", () => {
    const common = { 'gen_ai.agent.name': 'gemini-cli', 'gen_ai.conversation.id': 'gem-session-1' };
    const [tool] = genaiSpan('tool_call', {
      ...common,
      'gen_ai.operation.name': 'tool_call',
      'gen_ai.tool.name': 'run_shell_command',
      'gen_ai.tool.call_id': 'gem-call-1',
    });
    expect(eventOf(tool)).toMatchObject({
      kind: 'tool_result',
      sessionId: 'gem-session-1',
      tool: { name: 'run_shell_command', callId: 'gem-call-1' },
    });
    const [llm] = genaiSpan('llm_call', {
      ...common,
      'gen_ai.operation.name': 'llm_call',
      'gen_ai.request.model': 'gemini-2.5-pro',
    });
    expect(eventOf(llm)).toMatchObject({ kind: 'model_call', model: 'gemini-2.5-pro' });
    const input = JSON.stringify([
      { role: 'user', parts: [{ type: 'text', content: 'delete node_modules' }] },
    ]);
    const [prompt] = genaiSpan('user_prompt', {
      ...common,
      'gen_ai.operation.name': 'user_prompt',
      'gen_ai.input.messages': input,
    });
    expect(eventOf(prompt)).toMatchObject({
      kind: 'prompt',
      prompt: { text: 'delete node_modules', redacted: false },
    });
    const [agent] = genaiSpan('agent_call', { ...common, 'gen_ai.operation.name': 'agent_call' });
    expect(eventOf(agent).kind).toBe('other');
  });

  it('treats a span with only the deprecated gen_ai.system and a model as a model call', () => {
    const [event] = genaiSpan('openai.chat', { 'gen_ai.system': 'openai', 'gen_ai.request.model': 'gpt-4o' });
    expect(eventOf(event)).toMatchObject({ source: 'genai', kind: 'model_call', model: 'gpt-4o' });
  });

  it('maps a failed chat span to an error and invoke_agent to other', () => {
    const [failed] = genaiSpan(
      'chat gpt-4.1',
      { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4.1' },
      { status: { code: 2, message: 'rate limited' } },
    );
    expect(eventOf(failed)).toMatchObject({
      kind: 'error',
      model: 'gpt-4.1',
      result: { success: false, error: 'rate limited' },
    });
    const [agent] = genaiSpan('invoke_agent RepoHelper', {
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': 'RepoHelper',
    });
    expect(eventOf(agent)).toMatchObject({ kind: 'other', sourceEvent: 'invoke_agent RepoHelper' });
  });

  it('derives the session from the trace id when there is no conversation id', () => {
    const [event] = genaiSpan('invoke_agent', { 'gen_ai.operation.name': 'invoke_agent' });
    expect(eventOf(event)).toMatchObject({ sessionId: `trace:${TRACE}`, sessionIdDerived: true });
  });
});

describe('genai log events', () => {
  it('reads a deprecated user message from the body, named by the event_name field', () => {
    const record = logRecord({ 'gen_ai.system': 'openai' }, RESOURCE, {
      eventName: 'gen_ai.user.message',
      body: { content: 'rotate the prod keys' },
      traceId: TRACE,
      spanId: '53995c3f42cd8ad8',
    });
    expect(eventOf(normalizeLogRecord(record, ctx))).toMatchObject({
      source: 'genai',
      kind: 'prompt',
      sourceEvent: 'gen_ai.user.message',
      prompt: { text: 'rotate the prod keys', redacted: false },
      sessionId: `trace:${TRACE}`,
      sessionIdDerived: true,
    });
  });

  it('accepts the event name in attribute event.name and a body without content as redacted', () => {
    const record = logRecord({ 'event.name': 'gen_ai.user.message', 'gen_ai.system': 'openai' }, RESOURCE, {
      body: {},
    });
    const event = eventOf(normalizeLogRecord(record, ctx));
    expect(event.prompt).toEqual({ text: null, redacted: true });
    expect(event.sessionId).toMatch(/^resource:[0-9a-f]{16}$/);
  });

  it('maps inference operation details to a model call with the conversation id', () => {
    const record = logRecord(
      {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4.1',
        'gen_ai.conversation.id': 'conv_1',
      },
      RESOURCE,
      { eventName: 'gen_ai.client.inference.operation.details' },
    );
    expect(eventOf(normalizeLogRecord(record, ctx))).toMatchObject({
      kind: 'model_call',
      model: 'gpt-4.1',
      sessionId: 'conv_1',
    });
  });

  it("falls back to Gemini CLI's session.id when there is no conversation id", () => {
    const record = logRecord(
      { 'session.id': 'gem-session-1', 'gen_ai.request.model': 'gemini-2.5-pro' },
      RESOURCE,
      {
        eventName: 'gen_ai.client.inference.operation.details',
      },
    );
    expect(eventOf(normalizeLogRecord(record, ctx))).toMatchObject({
      sessionId: 'gem-session-1',
      sessionIdDerived: false,
    });
  });

  it('maps tool messages to other with the output, and operation exceptions to errors', () => {
    const tool = logRecord({}, RESOURCE, {
      eventName: 'gen_ai.tool.message',
      body: { content: 'done', id: 'call_1' },
    });
    expect(eventOf(normalizeLogRecord(tool, ctx))).toMatchObject({
      kind: 'other',
      result: { output: 'done' },
    });
    const exception = logRecord(
      { 'exception.type': 'TimeoutError', 'exception.message': 'timed out' },
      RESOURCE,
      {
        eventName: 'gen_ai.client.operation.exception',
      },
    );
    expect(eventOf(normalizeLogRecord(exception, ctx))).toMatchObject({
      kind: 'error',
      result: { error: 'timed out' },
    });
  });
});
