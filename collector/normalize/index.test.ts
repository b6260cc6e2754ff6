import { describe, expect, it } from 'vitest';
import { AgentEvent } from '../../schemas/agent-event.ts';
import { MAX_CONTENT_BYTES } from './common.ts';
import { detectLogSource, detectSpanSource, normalizeLogRecord, normalizeSpan } from './index.ts';
import { ctx, eventOf, logRecord, span } from './test-support.ts';

const codexResult = (extra: Record<string, string> = {}) =>
  logRecord(
    {
      'event.name': 'codex.tool_result',
      'conversation.id': 'conv-1',
      tool_name: 'shell',
      call_id: 'c1',
      ...extra,
    },
    { 'service.name': 'codex_cli_rs' },
  );

describe('source detection', () => {
  it('routes log records by their discriminator', () => {
    expect(detectLogSource(logRecord({ 'event.name': 'codex.user_prompt' }))).toBe('codex');
    expect(
      detectLogSource(logRecord({ 'event.name': 'tool_result' }, {}, { body: 'claude_code.tool_result' })),
    ).toBe('claude_code');
    expect(
      detectLogSource(logRecord({ 'event.name': 'tool_result' }, { 'service.name': 'claude-code' })),
    ).toBe('claude_code');
    expect(detectLogSource(logRecord({ 'event.name': 'gemini_cli.tool_call' }))).toBe('gemini_cli');
    expect(detectLogSource(logRecord({}, {}, { eventName: 'gen_ai.user.message' }))).toBe('genai');
    expect(detectLogSource(logRecord({ 'event.name': 'gen_ai.choice' }))).toBe('genai');
    expect(detectLogSource(logRecord({ 'event.name': 'tool_result' }))).toBe('generic');
    // Codex's LogRecord.event_name is a tracing callsite, never the semantic name.
    expect(
      detectLogSource(
        logRecord({}, {}, { eventName: 'event codex-rs/otel/src/events/session_telemetry.rs:412' }),
      ),
    ).toBe('generic');
  });

  it('routes spans by name and convention', () => {
    expect(detectSpanSource(span('claude_code.llm_request', { 'gen_ai.system': 'anthropic' }))).toBe(
      'claude_code',
    );
    expect(
      detectSpanSource(
        span('x', { 'openinference.span.kind': 'TOOL', 'gen_ai.operation.name': 'execute_tool' }),
      ),
    ).toBe('openinference');
    expect(detectSpanSource(span('chat gpt-4.1', { 'gen_ai.operation.name': 'chat' }))).toBe('genai');
    expect(detectSpanSource(span('GET /health', { 'http.method': 'GET' }))).toBe('generic');
  });
});

describe('event ids', () => {
  it('are deterministic for the same record and workspace', () => {
    const a = eventOf(normalizeLogRecord(codexResult(), ctx));
    const b = eventOf(normalizeLogRecord(codexResult(), { workspace: 'acme-prod' }));
    expect(a.eventId).toMatch(/^[0-9a-f]{32}$/);
    expect(a.eventId).toBe(b.eventId);
  });

  it('differ by workspace and by record content', () => {
    const a = eventOf(normalizeLogRecord(codexResult(), ctx));
    expect(eventOf(normalizeLogRecord(codexResult(), { workspace: 'other' })).eventId).not.toBe(a.eventId);
    expect(eventOf(normalizeLogRecord(codexResult({ output: 'x' }), ctx)).eventId).not.toBe(a.eventId);
  });

  it('do not depend on attribute order', () => {
    const forward = logRecord({ 'event.name': 'codex.user_prompt', a: '1', b: '2' });
    const backward = logRecord({ b: '2', a: '1', 'event.name': 'codex.user_prompt' });
    expect(eventOf(normalizeLogRecord(forward, ctx)).eventId).toBe(
      eventOf(normalizeLogRecord(backward, ctx)).eventId,
    );
  });

  it('identify spans by trace and span id, whatever their content', () => {
    const one = eventOf(normalizeSpan(span('a', { x: 1 }), ctx)[0]);
    const same = eventOf(normalizeSpan(span('b', { y: 2 }), ctx)[0]);
    const other = eventOf(normalizeSpan(span('a', { x: 1 }, { spanId: '1111111111111111' }), ctx)[0]);
    expect(same.eventId).toBe(one.eventId);
    expect(other.eventId).not.toBe(one.eventId);
  });
});

describe('sessions', () => {
  it('derives a session from the trace id, else from a hash of the resource', () => {
    const traced = eventOf(
      normalizeLogRecord(
        logRecord({ 'event.name': 'codex.user_prompt' }, {}, { traceId: 'ab'.repeat(16) }),
        ctx,
      ),
    );
    expect(traced).toMatchObject({ sessionId: `trace:${'ab'.repeat(16)}`, sessionIdDerived: true });
    const resource = { 'service.name': 'codex_cli_rs', 'host.name': 'h1' };
    const a = eventOf(normalizeLogRecord(logRecord({ 'event.name': 'codex.user_prompt' }, resource), ctx));
    const b = eventOf(
      normalizeLogRecord(logRecord({ 'event.name': 'codex.sse_event' }, { ...resource }), ctx),
    );
    const c = eventOf(
      normalizeLogRecord(
        logRecord({ 'event.name': 'codex.user_prompt' }, { ...resource, 'host.name': 'h2' }),
        ctx,
      ),
    );
    expect(a.sessionId).toMatch(/^resource:[0-9a-f]{16}$/);
    expect(a.sessionIdDerived).toBe(true);
    expect(b.sessionId).toBe(a.sessionId);
    expect(c.sessionId).not.toBe(a.sessionId);
  });

  it('treats an all-zero trace id and an empty session id as absent', () => {
    const event = eventOf(
      normalizeLogRecord(
        logRecord(
          { 'event.name': 'codex.user_prompt', 'conversation.id': '' },
          {},
          { traceId: '0'.repeat(32) },
        ),
        ctx,
      ),
    );
    expect(event.sessionId).toMatch(/^resource:/);
  });
});

describe('shared rules', () => {
  it('flattens non-string attributes to JSON and prefixes resource attributes', () => {
    const record = logRecord(
      { 'event.name': 'codex.user_prompt', n: 3, b: false, list: ['a', 1], map: { k: 'v' }, nothing: null },
      { 'service.name': 'codex_cli_rs', 'host.name': 'h1' },
    );
    expect(eventOf(normalizeLogRecord(record, ctx)).attributes).toEqual({
      'event.name': 'codex.user_prompt',
      n: '3',
      b: 'false',
      list: '["a",1]',
      map: '{"k":"v"}',
      nothing: 'null',
      'resource.service.name': 'codex_cli_rs',
      'resource.host.name': 'h1',
    });
  });

  it('truncates output and arguments above 256 KiB', () => {
    const big = 'é'.repeat(MAX_CONTENT_BYTES); // two bytes each: twice the limit
    const event = eventOf(normalizeLogRecord(codexResult({ output: big, arguments: big }), ctx));
    expect(Buffer.byteLength(event.result?.output ?? '')).toBe(MAX_CONTENT_BYTES);
    expect(event.result?.outputTruncated).toBe(true);
    expect(Buffer.byteLength(event.tool?.arguments ?? '')).toBe(MAX_CONTENT_BYTES);
    expect(event.tool?.argumentsTruncated).toBe(true);
    expect(event.result?.output?.endsWith('é')).toBe(true);
  });

  it('uses the observed time when the record time is unset, and "0" when nothing is known', () => {
    const observed = logRecord({ 'event.name': 'codex.user_prompt' }, {}, { timeUnixNano: '0' });
    expect(eventOf(normalizeLogRecord(observed, ctx)).timeUnixNano).toBe('1767262800200000000');
    const none = logRecord(
      { 'event.name': 'codex.user_prompt' },
      {},
      { timeUnixNano: '0', observedTimeUnixNano: '0' },
    );
    expect(eventOf(normalizeLogRecord(none, ctx)).timeUnixNano).toBe('0');
  });

  it('produces events that pass the schema', () => {
    const event = eventOf(normalizeLogRecord(codexResult(), ctx));
    expect(AgentEvent.parse(event)).toEqual(event);
  });

  it('rejects every record of an empty workspace with a reason', () => {
    const result = normalizeLogRecord(codexResult(), { workspace: '' });
    expect(result).toMatchObject([{ ok: false, reason: expect.stringContaining('workspace') }]);
  });
});

describe('what the agent programs send for themselves or twice', () => {
  it("drops a known agent's record that names no event: its own diagnostics", () => {
    const flush = logRecord({}, { 'service.name': 'codex_exec' }, { body: 'flushing OTEL metrics' });
    expect(normalizeLogRecord(flush, ctx)).toEqual([{ ok: 'dropped', reason: 'agent-diagnostic' }]);
    // Any other program's record without an event name is still kept.
    expect(eventOf(normalizeLogRecord(logRecord({}, { 'service.name': 'my-agent' }), ctx)).kind).toBe(
      'other',
    );
  });

  it("drops Codex's and Gemini CLI's spans, whatever they carry, and Gemini's GenAI copies of its logs", () => {
    const conversation = { 'conversation.id': 'conv-1', 'gen_ai.operation.name': 'execute_tool' };
    for (const service of ['codex_exec', 'codex_cli_rs', 'gemini-cli'])
      expect(
        normalizeSpan(
          span('tool_call', conversation, { resource: { attributes: { 'service.name': service } } }),
          ctx,
        ),
        service,
      ).toEqual([{ ok: 'dropped', reason: 'mirror' }]);
    const genAi = logRecord(
      { 'event.name': 'gen_ai.client.inference.operation.details', 'gen_ai.conversation.id': 's1' },
      { 'service.name': 'gemini-cli' },
    );
    expect(normalizeLogRecord(genAi, ctx)).toEqual([{ ok: 'dropped', reason: 'mirror' }]);
  });
});

describe('who the actor is, and who said so', () => {
  const prompt = (attrs: Record<string, string>, resource: Record<string, string> = {}, user?: string) =>
    eventOf(
      normalizeLogRecord(
        logRecord(
          { 'event.name': 'codex.user_prompt', 'conversation.id': 'c1', ...attrs },
          { 'service.name': 'codex_exec', ...resource },
        ),
        { ...ctx, tokenUser: user },
      ),
    ).actor;

  it("takes the agent's own account first", () => {
    expect(prompt({ 'user.email': 'dana@example.com' }, { 'enduser.id': 'x' }, 'y')).toMatchObject({
      email: 'dana@example.com',
      identitySource: 'agent',
    });
  });

  it('then a person the fleet stamped on the resource (OTEL_RESOURCE_ATTRIBUTES)', () => {
    expect(prompt({}, { 'enduser.id': 'dana' }, 'ignored@example.com')).toMatchObject({
      userId: 'dana',
      identitySource: 'fleet',
    });
    expect(prompt({}, { 'user.email': 'dana@example.com' })).toMatchObject({
      email: 'dana@example.com',
      identitySource: 'fleet',
    });
  });

  it("credits the fleet when the agent only copies the fleet's stamp onto its records", () => {
    expect(
      prompt({ 'user.email': 'dana@example.com' }, { 'user.email': 'dana@example.com' }, 'x@example.com'),
    ).toMatchObject({ email: 'dana@example.com', identitySource: 'fleet' });
  });

  it('then the person the ingest token is issued to', () => {
    expect(prompt({}, {}, 'dana@example.com')).toMatchObject({
      email: 'dana@example.com',
      identitySource: 'ingest-token',
    });
    expect(prompt({}, {}, 'dana')).toMatchObject({ userId: 'dana', identitySource: 'ingest-token' });
  });

  it('and says nothing when no one is named', () => {
    expect(prompt({}).identitySource).toBeUndefined();
  });

  it("reads Claude Code's user.id as an installation, not a person", () => {
    const record = logRecord(
      { 'event.name': 'claude_code.user_prompt', 'session.id': 's1', 'user.id': 'ab12'.repeat(16) },
      { 'service.name': 'claude-code' },
    );
    const actor = eventOf(normalizeLogRecord(record, ctx)).actor;
    expect(actor).toEqual({ installationId: 'ab12'.repeat(16) });
  });
});

describe('event ids', () => {
  // Ids are stored and de-duplicate redeliveries, across versions too: the way they are computed must not
  // change. These were computed before the identity's JSON was built by hand rather than by JSON.stringify.
  it('stay what they were for the same record', () => {
    const record = logRecord(
      {
        'event.name': 'codex.user_prompt',
        'conversation.id': 'c1',
        prompt: 'hi',
        n: 3,
        b: true,
        arr: [1, 'x', { y: null }],
      },
      { 'service.name': 'codex_cli_rs' },
      { body: { k: 'v' }, traceId: 'ab', spanId: 'cd' },
    );
    expect(eventOf(normalizeLogRecord(record, ctx)).eventId).toBe('9e944b967332f6155489dd2c0ef1546c');
    const ids = normalizeSpan(
      span('execute_tool', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'shell' }),
      ctx,
    ).map((n) => eventOf(n).eventId);
    expect(ids).toEqual(['c50b500b8966a91847f4134b88837007']);
  });

  it('do not depend on the order of attributes or on the resource object', () => {
    const a = logRecord(
      { 'event.name': 'codex.user_prompt', 'conversation.id': 'c1', prompt: 'x' },
      { a: '1', b: '2' },
    );
    const b = logRecord(
      { prompt: 'x', 'conversation.id': 'c1', 'event.name': 'codex.user_prompt' },
      { b: '2', a: '1' },
    );
    expect(eventOf(normalizeLogRecord(a, ctx)).eventId).toBe(eventOf(normalizeLogRecord(b, ctx)).eventId);
  });
});
