import { randomBytes } from 'node:crypto';
import { encodeJsonRequestAsProtobuf } from '../collector/otlp/proto.ts';

/**
 * Realistic agent telemetry for load: GenAI `execute_tool` spans (~0.6 KB each: ids, 10 attributes,
 * a shell command and its output) and Codex `codex.tool_result` log records, grouped into requests.
 */
const COMMANDS = [
  'npm test -- --runInBand',
  'git status --porcelain && git diff --stat',
  'rg -n "TODO" src/ | head -50',
  'cat package.json',
  'pytest -q tests/test_api.py::test_login',
  'docker compose ps',
];

const s = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

function span(conversation: string, i: number, traceId: string) {
  const command = COMMANDS[i % COMMANDS.length]!;
  const start = Date.now() - 1_000 + i;
  return {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    name: 'execute_tool run_shell',
    kind: 1,
    startTimeUnixNano: nanos(start),
    endTimeUnixNano: nanos(start + 40),
    attributes: [
      s('gen_ai.operation.name', 'execute_tool'),
      s('gen_ai.conversation.id', conversation),
      s('gen_ai.agent.name', 'RepoHelper'),
      s('gen_ai.tool.name', 'run_shell'),
      s('gen_ai.tool.type', 'function'),
      s('gen_ai.tool.call.id', `call_${randomBytes(6).toString('hex')}`),
      s('gen_ai.tool.call.arguments', JSON.stringify({ cmd: command, cwd: '/workspace/app', timeout: 120 })),
      s(
        'gen_ai.tool.call.result',
        JSON.stringify({ exit_code: 0, stdout: `ran ${command}\n${'ok '.repeat(40)}` }),
      ),
      s('enduser.id', 'dana@example.com'),
      { key: 'retry', value: { intValue: '0' } },
    ],
    status: {},
  };
}

function logRecord(conversation: string, i: number) {
  const command = COMMANDS[i % COMMANDS.length]!;
  return {
    timeUnixNano: nanos(Date.now() - 1_000 + i),
    severityNumber: 9,
    severityText: 'INFO',
    attributes: [
      s('event.name', 'codex.tool_result'),
      s('event.timestamp', new Date().toISOString()),
      s('conversation.id', conversation),
      s('app.version', '0.63.0'),
      s('user.email', 'dana@example.com'),
      s('model', 'gpt-5.1-codex'),
      s('tool_name', 'shell'),
      s('call_id', `call_${randomBytes(6).toString('hex')}`),
      s('arguments', JSON.stringify({ command: ['bash', '-lc', command], workdir: '/workspace/app' })),
      s('duration_ms', '412'),
      s('success', 'true'),
      s('output', `ran ${command}\n${'ok '.repeat(40)}`),
    ],
  };
}

export interface Workload {
  /** Pre-encoded ExportTraceServiceRequest bodies (protobuf) and their span count each. */
  traceRequests: Buffer[];
  logRequests: Buffer[];
  /** The same log requests as OTLP/JSON. */
  logRequestsJson: Buffer[];
  itemsPerRequest: number;
}

export function buildWorkload(requests: number, itemsPerRequest: number): Workload {
  const traceRequests: Buffer[] = [];
  const logRequests: Buffer[] = [];
  const logRequestsJson: Buffer[] = [];
  for (let r = 0; r < requests; r++) {
    const conversation = `bench-${randomBytes(6).toString('hex')}`;
    const traceId = randomBytes(16).toString('hex');
    const resource = { attributes: [s('service.name', 'bench-agent'), s('host.name', 'bench-host')] };
    const spans = Array.from({ length: itemsPerRequest }, (_, i) => span(conversation, i, traceId));
    const logs = Array.from({ length: itemsPerRequest }, (_, i) => logRecord(conversation, i));
    const traceJson = { resourceSpans: [{ resource, scopeSpans: [{ scope: { name: 'bench' }, spans }] }] };
    const codexResource = { attributes: [s('service.name', 'codex_cli_rs'), s('host.name', 'bench-host')] };
    const logJson = {
      resourceLogs: [
        {
          resource: codexResource,
          scopeLogs: [{ scope: { name: 'codex_otel.log_only' }, logRecords: logs }],
        },
      ],
    };
    traceRequests.push(Buffer.from(encodeJsonRequestAsProtobuf('traces', traceJson)));
    logRequests.push(Buffer.from(encodeJsonRequestAsProtobuf('logs', logJson)));
    logRequestsJson.push(Buffer.from(JSON.stringify(logJson)));
  }
  return { traceRequests, logRequests, logRequestsJson, itemsPerRequest };
}
