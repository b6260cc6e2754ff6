/**
 * R-Judge (`<dir>/<Category>/{benign,harmful}.json`) → sessions. Each trajectory in `contents` starts with a
 * user message (a turn); each agent `action` becomes a tool invocation and the environment message after it
 * that tool's output. Agent `thought`s are not part of real agent telemetry and are left out.
 *
 * Action text comes in many shapes (`Tool{...}`, `Tool: {...}`, `Tool\nAction Input: {...}`,
 * `Tool Input: {...}`, `{Tool: {...}}`, AutoGPT `"command": {"name", "args"}`, `Tool(args)`, fenced bash,
 * `Final Answer: ...`, free text). Free text the environment answers is an action (`perform_action`); free
 * text nobody answers, and `Final Answer`s, are the agent's reply to the user.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ToolInvocation, Turn } from '../../fixtures/agents/index.ts';
import {
  DEFAULT_DATASET_VENDORS,
  assertDirectory,
  binaryLabel,
  carriesReplies,
  carriesToolOutput,
  isObj,
  pickVendor,
  readJsonArray,
  renderSession,
  slug,
  str,
  type DatasetSession,
  type LoadOptions,
  type Obj,
} from './common.ts';
import { balancedValue, parseLoose } from './loose-json.ts';

export interface RJudgeSource {
  recordId: number | string | undefined;
  category: string;
  file: 'benign' | 'harmful';
  scenario: string | undefined;
  profile: string | undefined;
  attackType: string | undefined;
  riskDescription: string | undefined;
}

export type RJudgeSession = DatasetSession<RJudgeSource>;

export type ParsedAction =
  | { kind: 'tool'; name: string; args: Record<string, unknown>; argsParsed: boolean }
  | { kind: 'shell'; command: string }
  | { kind: 'text'; text: string; final: boolean };

/** Prefixes that label the agent's own text, not a tool (`Output: {<?php ...}`). */
const NOT_TOOLS = /^(Output|Answer|Response|Reply|Observation|Thought|Result)$/i;

/** Tools whose `command` argument is a shell command line (ToolEmu's terminal). */
const SHELL_TOOLS = /^(TerminalExecute|Terminal|Bash|Shell|execute_shell|run_shell|shell)$/i;

function toolAction(name: string, argsText: string): ParsedAction {
  const parsed = argsText.trim() === '' ? {} : parseLoose(argsText);
  const argsParsed = parsed !== undefined;
  const args: Record<string, unknown> = isObj(parsed)
    ? parsed
    : parsed === undefined
      ? { input: argsText.trim() }
      : { input: parsed };
  if (SHELL_TOOLS.test(name) && typeof args.command === 'string')
    return { kind: 'shell', command: args.command };
  return { kind: 'tool', name, args, argsParsed };
}

/** Reads one agent action string into a tool call, a shell command or text. */
export function parseAction(action: string): ParsedAction {
  const a = action.trim();
  const finalAnswer = /^Final Answer\s*:?\s*/i.exec(a);
  if (finalAnswer) return { kind: 'text', text: a.slice(finalAnswer[0].length).trim(), final: true };

  const fenced = /```(?:bash|sh|shell|console)[ \t]*\n?([\s\S]*?)```/.exec(a);
  if (fenced) return { kind: 'shell', command: (fenced[1] ?? '').trim() };

  // AutoGPT: `"command": {"name": "read_file", "args": {...}}}`
  if (/^"command"\s*:/.test(a)) {
    const parsed = parseLoose(`{${a}`);
    const command = isObj(parsed) ? parsed.command : undefined;
    if (isObj(command) && typeof command.name === 'string') {
      const args = isObj(command.args) ? command.args : {};
      return toolAction(command.name, JSON.stringify(args));
    }
  }

  // `{Tool: {...}}` or `{"Tool": {...}}`
  const wrapped = /^\{\s*"?([A-Za-z_]\w*)"?\s*:\s*(?=[{[])/.exec(a);
  if (wrapped) return toolAction(wrapped[1] as string, balancedValue(a, wrapped[0].length) ?? '');

  const patterns: RegExp[] = [
    /^([A-Za-z_]\w*)\s*\n\s*Action Input\s*:\s*([\s\S]*)$/, // Tool\nAction Input: {...}
    /^([A-Za-z_]\w*)\s+Input\s*:\s*([\s\S]*)$/, // Tool Input: {...}
    /^([A-Za-z_]\w*)\s*:?\s*([{[][\s\S]*)$/, // Tool{...}, Tool {...}, Tool: {...}
  ];
  for (const pattern of patterns) {
    const m = pattern.exec(a);
    if (m && !NOT_TOOLS.test(m[1] as string)) return toolAction(m[1] as string, m[2] as string);
  }

  // `Tool(args)`: keep the argument text as written.
  const call = /^([A-Za-z_]\w*)\(([\s\S]*)\)$/.exec(a);
  if (call) {
    const inner = (call[2] as string).trim();
    return {
      kind: 'tool',
      name: call[1] as string,
      args: inner === '' ? {} : { input: inner },
      argsParsed: true,
    };
  }

  return { kind: 'text', text: a, final: false };
}

/** ToolEmu's terminal answers `{"output": "...", "exit_code": N}`: unwrap it into output and success. */
function terminalResult(content: string): { output: string; success?: boolean } {
  const parsed = content.trim().startsWith('{') ? parseLoose(content) : undefined;
  if (isObj(parsed) && typeof parsed.output === 'string' && typeof parsed.exit_code === 'number')
    return { output: parsed.output, success: parsed.exit_code === 0 };
  return { output: content };
}

interface Message {
  role: string;
  content?: unknown;
  action?: unknown;
}

/** `contents` is a list of trajectories; tolerate a single flat trajectory too. */
function trajectories(contents: unknown): Message[][] {
  if (!Array.isArray(contents)) return [];
  const asMessage = (m: unknown): Message | undefined =>
    isObj(m) && typeof m.role === 'string' ? (m as unknown as Message) : undefined;
  if (contents.every((c) => asMessage(c) !== undefined))
    return [contents.map((c) => asMessage(c) as Message)];
  return contents
    .filter(Array.isArray)
    .map((t) => (t as unknown[]).map(asMessage).filter((m): m is Message => m !== undefined));
}

export interface ConvertedTranscript {
  turns: Turn[];
  /** The agent's reply text per turn (joined when it replied more than once). */
  replies: Array<string | undefined>;
  notes: string[];
}

/** Turns and replies from an R-Judge `contents` value; `notes` names what did not map one-to-one. */
export function convertContents(contents: unknown): ConvertedTranscript {
  const turns: Turn[] = [];
  const replies: string[][] = [];
  const notes = new Set<string>();
  let current: Turn | undefined;
  const startTurn = (prompt: string) => {
    current = { prompt, tools: [] };
    turns.push(current);
    replies.push([]);
    return current;
  };

  for (const trajectory of trajectories(contents)) {
    let awaiting: ToolInvocation | undefined;
    let skipEnvironment = false;
    trajectory.forEach((message, index) => {
      const content = str(message.content);
      if (message.role === 'user') {
        if (content === undefined) notes.add('user message without content: empty prompt');
        startTurn(content ?? '');
        awaiting = undefined;
        return;
      }
      const turn = current ?? (notes.add('agent or environment before any user message'), startTurn(''));
      if (message.role === 'environment') {
        if (skipEnvironment) {
          skipEnvironment = false;
          return;
        }
        if (awaiting !== undefined) {
          if (content !== undefined) {
            const result = awaiting.command !== undefined ? terminalResult(content) : { output: content };
            awaiting.output = result.output;
            if (result.success === false) awaiting.success = false;
          }
          awaiting = undefined;
        } else if (content !== undefined && content !== '') {
          notes.add('environment message without a preceding action: appended to the prompt');
          turn.prompt = turn.prompt === '' ? content : `${turn.prompt}\n\n${content}`;
        }
        return;
      }
      if (message.role !== 'agent') {
        notes.add(`unknown role "${message.role}" skipped`);
        return;
      }
      const action = str(message.action);
      if (action === undefined || action.trim() === '') {
        notes.add('agent step without an action');
        return;
      }
      const parsed = parseAction(action);
      const next = trajectory[index + 1];
      const answered = next?.role === 'environment' && typeof next.content === 'string';
      let invocation: ToolInvocation | undefined;
      if (parsed.kind === 'shell') invocation = { command: parsed.command, output: '' };
      else if (parsed.kind === 'tool') {
        if (!parsed.argsParsed) notes.add('tool arguments not parseable: kept as {input: text}');
        invocation = { name: parsed.name, arguments: parsed.args, output: '' };
      } else if (!parsed.final && answered) {
        notes.add('free-text action answered by the environment: perform_action');
        invocation = { name: 'perform_action', arguments: { action: parsed.text }, output: '' };
      } else {
        replies[replies.length - 1]?.push(parsed.text);
        if (answered) {
          notes.add('final answer followed by an environment message: message dropped');
          skipEnvironment = true;
        }
      }
      if (invocation !== undefined) {
        turn.tools?.push(invocation);
        awaiting = invocation;
      } else awaiting = undefined;
    });
  }
  return {
    turns,
    replies: replies.map((r) => (r.length > 0 ? r.join('\n\n') : undefined)),
    notes: [...notes],
  };
}

export interface RJudgeOptions extends LoadOptions {
  /** One category folder (`Program`, `Application`, …); all categories when left out. */
  category?: string;
}

const FILES = ['benign', 'harmful'] as const;

export async function loadRJudge(dir: string, options: RJudgeOptions = {}): Promise<RJudgeSession[]> {
  await assertDirectory(dir, 'R-Judge');
  const entries = await readdir(dir, { withFileTypes: true });
  const available = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  if (available.length === 0) throw new Error(`R-Judge: no category folders in ${dir}`);
  const categories = options.category === undefined ? available : [options.category];
  for (const category of categories)
    if (!available.includes(category))
      throw new Error(`R-Judge: no category "${category}" in ${dir} (have ${available.join(', ')})`);

  const vendors = options.vendors ?? DEFAULT_DATASET_VENDORS;
  const sessions: RJudgeSession[] = [];
  const seen = new Set<string>();
  for (const category of categories) {
    let position = 0;
    for (const file of FILES) {
      const records = await readJsonArray(join(dir, category, `${file}.json`));
      records.forEach((raw, index) => {
        const record: Obj = isObj(raw) ? raw : {};
        const recordId =
          typeof record.id === 'number' || typeof record.id === 'string' ? record.id : undefined;
        let id = `rjudge-${slug(category)}-${recordId ?? `${file}-${index}`}`;
        if (seen.has(id)) id = `${id}-${file}-${index}`;
        seen.add(id);
        const vendor = pickVendor(vendors, position++);
        const converted = convertContents(record.contents);
        const notes = [...converted.notes];
        if (!isObj(raw)) notes.push('record is not an object');
        const label = binaryLabel(record.label) ?? (file === 'harmful' ? 'unsafe' : 'safe');
        if (binaryLabel(record.label) === undefined) notes.push(`no usable label: taken from ${file}.json`);
        const replies = converted.replies.filter((r) => r !== undefined).length;
        if (replies > 0 && !carriesReplies(vendor))
          notes.push(`${vendor} sends no assistant text: agent reply dropped`);
        const outputs = converted.turns.some((t) => (t.tools ?? []).some((x) => x.output !== ''));
        if (outputs && !carriesToolOutput(vendor))
          notes.push(`${vendor} logs no tool output: environment content dropped`);
        const attackType = str(record.attack_type);
        sessions.push({
          id,
          dataset: 'r-judge',
          label,
          category,
          vendor,
          description: `R-Judge ${category} #${recordId ?? index} (${attackType ?? 'unknown'}, ${label})`,
          telemetry: renderSession(
            vendor,
            `r-judge/${category}/${file}/${recordId ?? index}`,
            converted.turns,
            converted.replies,
          ),
          source: {
            recordId,
            category,
            file,
            scenario: str(record.scenario),
            profile: str(record.profile),
            attackType,
            riskDescription: str(record.risk_description),
          },
          notes,
        });
      });
    }
  }
  return sessions;
}
