/**
 * `warden hook <agent>`: the agents' pre-tool hook. Reads the hook's JSON on stdin, asks Warden's review
 * service (`POST /v1/review`), and answers in the agent's own decision format. The formats differ, and so
 * does what each agent can do with an "ask":
 *
 * - Claude Code (PreToolUse): `permissionDecision` `ask` or `deny` with a reason; nothing for allow, so
 *   Warden never grants what the user's own permission settings would have asked about.
 * - Codex (PreToolUse): only `deny` (with a non-empty reason) is honoured; `allow`/`ask` make the hook
 *   "fail" and the call run. An ask therefore denies, saying a human must approve.
 * - Gemini CLI (BeforeTool): `{"decision":"deny","reason"}`; its `ask` hangs a headless run, so an ask
 *   denies too.
 *
 * When Warden cannot be reached, `WARDEN_HOOK_UNREACHABLE` (allow | ask | deny, default ask) decides.
 */
import type { ReviewAgent, ReviewDecision } from '../schemas/review.ts';
import type { Env } from './client.ts';
import type { ClientIo } from './main.ts';

// Validated by hand, not with zod: the hook runs once per tool call, and every module it loads is latency.

export const HOOK_AGENTS = ['codex', 'claude-code', 'gemini-cli'] as const;
type HookAgent = (typeof HOOK_AGENTS)[number] & ReviewAgent;
const DECISIONS = ['allow', 'ask', 'deny'] as const satisfies readonly ReviewDecision[];
const isDecision = (v: unknown): v is ReviewDecision => (DECISIONS as readonly unknown[]).includes(v);

/** What the three agents' pre-tool hooks send on stdin (the fields Warden reads; others are ignored). */
interface HookInput {
  session_id: string;
  tool_name: string;
  tool_input: Record<string, unknown> | string;
  tool_use_id?: string;
  cwd?: string;
}

function hookInput(raw: unknown): HookInput | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const input = r.tool_input ?? {};
  if (!text(r.session_id) || !text(r.tool_name)) return undefined;
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null || Array.isArray(input)))
    return undefined;
  return {
    session_id: r.session_id as string,
    tool_name: r.tool_name as string,
    tool_input: input as HookInput['tool_input'],
    ...(text(r.tool_use_id) && { tool_use_id: r.tool_use_id as string }),
    ...(text(r.cwd) && { cwd: r.cwd as string }),
  };
}

interface HookSettings {
  url: string;
  token?: string;
  unreachable: ReviewDecision;
  timeoutMs: number;
}

function hookSettings(env: Env): HookSettings | string {
  const url = env.WARDEN_REVIEW_URL || 'http://127.0.0.1:8080';
  if (!URL.canParse(url)) return 'WARDEN_REVIEW_URL is not a URL';
  const unreachable = env.WARDEN_HOOK_UNREACHABLE || 'ask';
  if (!isDecision(unreachable)) return 'WARDEN_HOOK_UNREACHABLE must be allow, ask or deny';
  const timeoutMs = Number(env.WARDEN_HOOK_TIMEOUT_MS || 3_000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 60_000)
    return 'WARDEN_HOOK_TIMEOUT_MS must be 100–60000';
  return { url, ...(env.WARDEN_REVIEW_TOKEN && { token: env.WARDEN_REVIEW_TOKEN }), unreachable, timeoutMs };
}

/** What the agent is told: its stdout and exit code. */
export interface HookReply {
  stdout: string;
  exitCode: number;
}

/** A decision in the agent's own format. */
export function hookReply(agent: HookAgent, decision: ReviewDecision, reason: string): HookReply {
  const said = `Warden: ${reason}`;
  if (decision === 'allow') return { stdout: '', exitCode: 0 };
  switch (agent) {
    case 'claude-code':
      return {
        stdout: JSON.stringify({
          hookSpecificOutput: {
            hookEventName: 'PreToolUse',
            permissionDecision: decision,
            permissionDecisionReason: said,
          },
        }),
        exitCode: 0,
      };
    case 'codex': {
      const why = decision === 'ask' ? `${said} (a human must approve this call)` : said;
      return {
        stdout: JSON.stringify({
          hookSpecificOutput: {
            hookEventName: 'PreToolUse',
            permissionDecision: 'deny',
            permissionDecisionReason: why,
          },
        }),
        exitCode: 0,
      };
    }
    case 'gemini-cli': {
      const why = decision === 'ask' ? `${said} (a human must approve this call)` : said;
      return { stdout: JSON.stringify({ decision: 'deny', reason: why }), exitCode: 0 };
    }
  }
}

async function readAll(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text;
}

/** Runs the hook: never throws, always answers the agent. */
export async function runHook(
  agent: HookAgent,
  stdin: AsyncIterable<Buffer | string>,
  env: Env,
  fetchImpl: typeof fetch = fetch,
): Promise<HookReply> {
  const settings = hookSettings(env);
  if (typeof settings === 'string') return hookReply(agent, 'deny', `the hook is misconfigured: ${settings}`);
  let input: HookInput | undefined;
  try {
    input = hookInput(JSON.parse(await readAll(stdin)));
  } catch {
    input = undefined;
  }
  if (!input) return hookReply(agent, settings.unreachable, 'the hook input could not be read');
  try {
    const res = await fetchImpl(new URL('/v1/review', settings.url), {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(settings.token && { authorization: `Bearer ${settings.token}` }),
      },
      body: JSON.stringify({
        agent,
        session_id: input.session_id,
        tool: {
          name: input.tool_name,
          input: input.tool_input,
          ...(input.tool_use_id && { call_id: input.tool_use_id }),
        },
        ...(input.cwd && { cwd: input.cwd }),
      }),
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
    if (!res.ok) throw new Error(`review answered ${res.status}`);
    const answer = (await res.json()) as { decision?: unknown; reason?: unknown };
    if (!isDecision(answer.decision) || typeof answer.reason !== 'string')
      throw new Error('review answered something else than a decision');
    return hookReply(agent, answer.decision, answer.reason);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return hookReply(
      agent,
      settings.unreachable,
      `review unavailable (${why}); the configured answer applies`,
    );
  }
}

export const HOOK_USAGE = `usage: warden hook <${HOOK_AGENTS.join('|')}>

The agents' pre-tool hook: reads the hook's JSON on stdin, asks Warden's pre-action review, prints the
agent's decision. Settings (environment): WARDEN_REVIEW_URL (the API, default http://127.0.0.1:8080),
WARDEN_REVIEW_TOKEN (the workspace's ingest token), WARDEN_HOOK_UNREACHABLE (allow | ask | deny when
Warden cannot be reached; default ask), WARDEN_HOOK_TIMEOUT_MS (default 3000).`;

export async function hookCommand(argv: string[], env: Env, io: ClientIo): Promise<number> {
  const agent = argv[0];
  if (!agent || !(HOOK_AGENTS as readonly string[]).includes(agent) || argv.length > 1) {
    io.err(`${HOOK_USAGE}\n`);
    return 2;
  }
  const reply = await runHook(agent as HookAgent, process.stdin, env);
  if (reply.stdout) io.out(`${reply.stdout}\n`);
  return reply.exitCode;
}
