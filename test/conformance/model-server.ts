/**
 * The scripted model server the real agents talk to instead of a model: OpenAI Responses (Codex CLI), Anthropic
 * Messages (Claude Code) and Gemini generateContent (Gemini CLI), all streaming, on loopback. Each run has its
 * own API key, which picks its script. The server is stateless: the step to answer is the number of tool
 * results the agent has already sent back, so a retried request gets the same answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One step of a script, in the agent's own tools (see agents.ts). */
export interface ToolCallStep {
  tool: string;
  args: Record<string, unknown>;
}

export interface ModelScript {
  calls: ToolCallStep[];
  /** The answer after the last call. */
  final: string;
  /** Codex's automatic approval reviewer's answer, when the run has one. */
  review?: { outcome: 'allow' | 'deny'; rationale: string };
}

export interface ModelServer {
  url: string;
  /** Registers a run's script under its API key. */
  script(apiKey: string, script: ModelScript): void;
  /** The requests a run's agent made (method and path), for its report. */
  requests(apiKey: string): string[];
  /** Whether any request of the run carried this text (what the agent told its model, e.g. a hook's reason). */
  told(apiKey: string, text: string): boolean;
  close(): Promise<void>;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isRecord) : []);

function sse(res: ServerResponse, events: [string | undefined, Json][]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [name, data] of events)
    res.write(`${name ? `event: ${name}\n` : ''}data: ${JSON.stringify(data)}\n\n`);
  res.end();
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const USAGE_OPENAI = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 40,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 1240,
};

/** OpenAI Responses: a function call or the final message, then `response.completed`. */
function openAi(body: Json, script: ModelScript, n: number, res: ServerResponse): void {
  const id = `resp_mock_${n}`;
  const format = isRecord(body['text']) && isRecord(body['text']['format']) ? body['text']['format'] : {};
  // The approval reviewer is a conversation of its own, asked for a verdict in this JSON schema.
  const reviewing = format['name'] === 'codex_output_schema';
  const step = list(body['input']).filter((i) => i['type'] === 'function_call_output').length;
  const events: [string, Json][] = [['response.created', { type: 'response.created', response: { id } }]];
  const call = reviewing ? undefined : script.calls[step];
  if (call) {
    const item = {
      type: 'function_call',
      id: `fc_mock_${n}`,
      call_id: `call_mock_${n}`,
      name: call.tool,
      arguments: JSON.stringify(call.args),
      status: 'completed',
    };
    events.push(['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }]);
  } else {
    const text = reviewing
      ? JSON.stringify({
          risk_level: 'high',
          user_authorization: 'low',
          outcome: script.review?.outcome ?? 'allow',
          rationale: script.review?.rationale ?? 'Looks fine.',
        })
      : script.final;
    const item = {
      type: 'message',
      id: `msg_mock_${n}`,
      role: 'assistant',
      status: 'completed',
      content: [{ type: 'output_text', text, annotations: [] }],
    };
    events.push(['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }]);
  }
  events.push([
    'response.completed',
    { type: 'response.completed', response: { id, status: 'completed', usage: USAGE_OPENAI } },
  ]);
  sse(res, events);
}

/** Anthropic Messages: a tool_use block or text, streamed (or whole, when not asked to stream). */
function anthropic(body: Json, script: ModelScript, n: number, res: ServerResponse): void {
  const step = list(body['messages'])
    .filter((m) => m['role'] === 'user')
    .flatMap((m) => list(m['content']))
    .filter((b) => b['type'] === 'tool_result').length;
  const withTools = Array.isArray(body['tools']) && body['tools'].length > 0;
  const call = withTools ? script.calls[step] : undefined;
  const message = {
    id: `msg_mock_${n}`,
    type: 'message',
    role: 'assistant',
    model: typeof body['model'] === 'string' ? body['model'] : 'claude-mock',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: {
      input_tokens: 1200,
      output_tokens: 1,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
  const block = call
    ? { type: 'tool_use', id: `toolu_mock_${n}`, name: call.tool, input: call.args }
    : { type: 'text', text: withTools ? script.final : 'Conformance run' };
  const stop = call ? 'tool_use' : 'end_turn';
  const headers = { 'request-id': `req_msg_mock_${n}` };
  if (body['stream'] !== true) {
    json(res, 200, { ...message, content: [block], stop_reason: stop }, headers);
    return;
  }
  const delta = call
    ? { type: 'input_json_delta', partial_json: JSON.stringify(call.args) }
    : { type: 'text_delta', text: (block as { text: string }).text };
  res.setHeader('request-id', headers['request-id']);
  sse(res, [
    ['message_start', { type: 'message_start', message }],
    [
      'content_block_start',
      {
        type: 'content_block_start',
        index: 0,
        content_block: call ? { ...block, input: {} } : { type: 'text', text: '' },
      },
    ],
    ['content_block_delta', { type: 'content_block_delta', index: 0, delta }],
    ['content_block_stop', { type: 'content_block_stop', index: 0 }],
    [
      'message_delta',
      {
        type: 'message_delta',
        delta: { stop_reason: stop, stop_sequence: null },
        usage: { output_tokens: 40 },
      },
    ],
    ['message_stop', { type: 'message_stop' }],
  ]);
}

/** Gemini generateContent: a functionCall part or text; the routing classifier gets its JSON verdict. */
function gemini(body: Json, script: ModelScript, n: number, stream: boolean, res: ServerResponse): void {
  const step = list(body['contents'])
    .flatMap((c) => list(c['parts']))
    .filter((p) => 'functionResponse' in p).length;
  const withTools = Array.isArray(body['tools']) && body['tools'].length > 0;
  const schema = JSON.stringify(isRecord(body['generationConfig']) ? body['generationConfig'] : {});
  const call = withTools ? script.calls[step] : undefined;
  const parts = call
    ? [{ functionCall: { name: call.tool, args: call.args } }]
    : [
        {
          text: withTools
            ? script.final
            : schema.includes('complexity_score')
              ? JSON.stringify({ complexity_reasoning: 'A short scripted task.', complexity_score: 10 })
              : '{}',
        },
      ];
  const answer = {
    candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 40, totalTokenCount: 1240 },
    modelVersion: 'gemini-mock',
    responseId: `r${n}`,
  };
  if (stream) sse(res, [[undefined, answer]]);
  else json(res, 200, answer);
}

/** The run's key, wherever its agent sends it. */
function apiKeyOf(req: IncomingMessage): string {
  const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
  return bearer ?? String(req.headers['x-api-key'] ?? req.headers['x-goog-api-key'] ?? '');
}

async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    const v: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    return isRecord(v) ? v : {};
  } catch {
    return {};
  }
}

export async function startModelServer(host = '127.0.0.1'): Promise<ModelServer> {
  const scripts = new Map<string, ModelScript>();
  const seen = new Map<string, string[]>();
  const bodies = new Map<string, string[]>();
  let n = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const key = apiKeyOf(req);
      const path = req.url ?? '/';
      (seen.get(key) ?? seen.set(key, []).get(key)!).push(`${req.method} ${path.split('?')[0]}`);
      const body = req.method === 'POST' ? await readJson(req) : {};
      (bodies.get(key) ?? bodies.set(key, []).get(key)!).push(JSON.stringify(body));
      const script = scripts.get(key);
      if (req.method === 'HEAD' || req.method === 'GET') {
        res.writeHead(200, { 'content-length': '0' }).end();
      } else if (!script) {
        json(res, 401, { error: { message: 'unknown API key: not a conformance run' } });
      } else if (path.startsWith('/v1/responses')) {
        openAi(body, script, ++n, res);
      } else if (path.startsWith('/v1/messages/count_tokens')) {
        json(res, 200, { input_tokens: 100 });
      } else if (path.startsWith('/v1/messages')) {
        anthropic(body, script, ++n, res);
      } else if (/:(stream)?[gG]enerateContent/.test(path)) {
        gemini(body, script, ++n, path.includes(':streamGenerateContent'), res);
      } else if (path.includes(':countTokens')) {
        json(res, 200, { totalTokens: 100 });
      } else {
        json(res, 404, { error: { message: `no such endpoint: ${path}` } });
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: { message: String(err) } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    script: (key, s) => void scripts.set(key, s),
    requests: (key) => seen.get(key) ?? [],
    told: (key, text) => (bodies.get(key) ?? []).some((b) => b.includes(text)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
