/**
 * `analyzeAction`: everything Warden derives from one tool event. Shell commands are parsed (payloads
 * included) and followed command by command, tracking `cd`, for the files they touch, where they connect,
 * what they run and the behaviours they show; file, fetch and MCP tools are read from their arguments.
 * Secrets are looked for in the arguments and in the output.
 */
import type { AgentEvent } from '../../schemas/agent-event.ts';
import { policyBehavioursOfArguments } from './agent-policy.ts';
import { shellBehaviours, uniqueBehaviours, writeBehaviours, type CommandWithEffects } from './behaviours.ts';
import { networkFact } from './destinations.ts';
import { commandEffects, patchFiles } from './file-effects.ts';
import { commandNetwork, networkInCode } from './network.ts';
import { classifyPath, normalizeDots, type PathContext } from './paths.ts';
import { programKey, summarizes } from './programs.ts';
import { findSecrets } from './secrets.ts';
import { parseShell } from './shell.ts';
import {
  argumentPaths,
  argumentsSendData,
  argumentStrings,
  argumentUrls,
  bareToolName,
  classifyTool,
  commandFromArguments,
  mcpRunsCommands,
  parseToolArguments,
  removedText,
  toolCwd,
  writtenText,
  type ToolArguments,
  type ToolClass,
} from './tools.ts';
import type {
  ActionFacts,
  NetworkFacts,
  ParsedShell,
  PathFacts,
  SecretFinding,
  ShellPayload,
} from './types.ts';

export type * from './types.ts';
export { classifyPath } from './paths.ts';
export { classifyDestination } from './destinations.ts';
export { extractNetwork } from './network.ts';
export { findSecrets } from './secrets.ts';
export { parseShell } from './shell.ts';

/** Lists are capped: a command line touching thousands of files says what it needs to in the first few hundred. */
const MAX_ITEMS = 256;
const CODE_VIA: Partial<Record<ShellPayload['kind'], string>> = {
  'python-c': 'python',
  'node-e': 'node',
  'perl-e': 'perl',
  'ruby-e': 'ruby',
  'powershell-enc': 'powershell',
};

export function analyzeAction(event: AgentEvent): ActionFacts | undefined {
  const tool = event.tool;
  if ((event.kind !== 'tool_call' && event.kind !== 'tool_result') || tool === undefined) return undefined;
  const args = parseToolArguments(tool.arguments);
  const toolClass = classifyTool(tool.name, args, tool.mcpServer);
  const facts: ActionFacts = {
    tool: tool.name,
    toolClass,
    reads: [],
    writes: [],
    deletes: [],
    network: [],
    executes: [],
    environment: [],
    secretsInArguments: [],
    secretsInOutput: [],
    behaviours: [],
  };
  // A failed call's error text is what it printed, as much returned content as a successful call's output.
  const returned = [event.result?.output, event.result?.error].filter((t): t is string => !!t);
  if (returned.length) facts.outputText = returned.join('\n');
  try {
    facts.secretsInArguments = secretsIn([...argumentStrings(args ?? tool.arguments), tool.command]);
    facts.secretsInOutput = secretsIn(returned);
    const runsCommands = toolClass === 'shell' || (toolClass === 'mcp' && mcpRunsCommands(tool.name, args));
    follow(facts, event, args, tool.command ?? (runsCommands ? commandFromArguments(args) : undefined));
    // A webhook URL is the address a request goes to, not data it carries.
    const addresses = new Set(
      secretsIn(facts.network.map((n) => n.target))
        .filter((s) => ADDRESS_SECRETS.has(s.kind))
        .map((s) => s.fingerprint),
    );
    if (addresses.size > 0)
      facts.secretsInArguments = facts.secretsInArguments.filter((s) => !addresses.has(s.fingerprint));
  } catch {
    // Input is hostile by nature: a bug must not stop triage. What was derived so far stands.
  }
  return facts;
}

/** Files, network, programs and behaviours: from the command line when there is one, else from the arguments. */
function follow(
  facts: ActionFacts,
  event: AgentEvent,
  args: ToolArguments | undefined,
  command: string | undefined,
): void {
  const tool = event.tool as NonNullable<AgentEvent['tool']>;
  const cwd = toolCwd(args, event.attributes);
  const ctx: PathContext = { cwd, home: homeOf(cwd) };
  const behaviours = policyBehavioursOfArguments(args ?? {});
  if (command !== undefined) {
    facts.command = command;
    behaviours.push(...followShellCached(facts, command, ctx));
  } else {
    followArguments(facts, tool.name, tool.arguments, args, ctx);
    // Structured edits say what they put in and take out; anything else is read whole.
    const removed = removedText(args);
    const written = writtenText(args) || (removed ? '' : (tool.arguments ?? ''));
    behaviours.push(...writeBehaviours(facts.writes, written, removed));
  }
  facts.behaviours = uniqueBehaviours(behaviours);
}

/** Secrets that are themselves an address: sending to one is not sending it. */
const ADDRESS_SECRETS: ReadonlySet<string> = new Set(['slack-webhook', 'discord-webhook']);

/** Behaviours that are about what a command prints. */
const PRINTS_SECRET: ReadonlySet<string> = new Set(['credential-dump', 'env-dump', 'keychain-access']);

/** Follows a parsed command line command by command; returns its behaviours. */
/** What a command line does, from where it runs: the same in every session, so worked out once. */
interface ShellEffects {
  shell: ParsedShell;
  behaviours: string[];
  facts: Pick<ActionFacts, 'reads' | 'writes' | 'deletes' | 'network' | 'executes' | 'environment'>;
}

/** Fleets run the same commands over and over (`npm test`, `git status`): their analysis is kept. */
const SHELL_CACHE_SIZE = 4_096;
const shellCache = new Map<string, ShellEffects>();

/** {@link followShell} through a bounded cache keyed by the command and where it runs; entries are copied out. */
function followShellCached(facts: ActionFacts, command: string, start: PathContext): string[] {
  const key = `${start.cwd ?? ''}\0${start.home ?? ''}\0${command}`;
  let known = shellCache.get(key);
  if (known) {
    shellCache.delete(key);
    shellCache.set(key, known);
  } else {
    const fresh = { reads: [], writes: [], deletes: [], network: [], executes: [], environment: [] };
    const shell = parseShell(command);
    const behaviours = followShell(fresh as unknown as ActionFacts, shell, start);
    known = { shell, behaviours, facts: fresh };
    shellCache.set(key, known);
    if (shellCache.size > SHELL_CACHE_SIZE) shellCache.delete(shellCache.keys().next().value!);
  }
  const copy = structuredClone(known);
  facts.shell = copy.shell;
  Object.assign(facts, copy.facts);
  return copy.behaviours;
}

function followShell(facts: ActionFacts, shell: ParsedShell, start: PathContext): string[] {
  const commands: CommandWithEffects[] = [];
  let cwd = start.cwd;
  for (const pipeline of shell.pipelines) {
    pipeline.forEach((cmd, index) => {
      const here: PathContext = { cwd, home: start.home };
      const classify = (path: string) => classifyPath(path, here);
      const effects = commandEffects(cmd);
      // What a command prints goes no further than the checksum, count or key list it is piped into.
      if (pipeline.slice(index + 1).some(summarizes))
        effects.behaviours = effects.behaviours.filter((b) => !PRINTS_SECRET.has(b));
      commands.push({ cmd, effects, classify });
      addPaths(facts.reads, effects.reads.map(classify));
      addPaths(
        facts.writes,
        effects.writes.map((path) => classifyPath(path, { ...here, written: true })),
      );
      addPaths(facts.deletes, effects.deletes.map(classify));
      addNetwork(facts.network, commandNetwork(cmd, { stdinPiped: index > 0 }).facts);
      const programs = [...cmd.wrappers, cmd.name].filter((name) => name !== '' && !/^[$`]/.test(name));
      addUnique(facts.executes, programs, (name) => name);
      addUnique(facts.environment, effects.environment, (name) => name);
      const key = programKey(cmd.name);
      if (key === 'cd' || key === 'pushd') cwd = changeDirectory(cwd, cmd.args, start.home);
    });
  }
  for (const payload of shell.payloads) {
    if (payload.kind === 'sh-c' || payload.kind === 'eval') continue; // parsed as shell above
    addNetwork(facts.network, networkInCode(payload.text, CODE_VIA[payload.kind] ?? 'script'));
  }
  return shellBehaviours(shell, commands);
}

/** File, fetch and MCP tools: paths and URLs from their arguments. */
function followArguments(
  facts: ActionFacts,
  name: string,
  raw: string | undefined,
  args: ToolArguments | undefined,
  ctx: PathContext,
): void {
  const bare = bareToolName(name);
  const named = argumentPaths(name, args);
  const paths = named.map((path) => classifyPath(path, ctx));
  const written = named.map((path) => classifyPath(path, { ...ctx, written: true }));
  const patchText =
    typeof args?.['input'] === 'string' ? args['input'] : args === undefined ? (raw ?? '') : '';
  const patch = patchFiles(patchText);
  const mcp = facts.toolClass === 'mcp';
  if (facts.toolClass === 'file-read' || (mcp && MCP_READS.test(bare))) addPaths(facts.reads, paths);
  else if (mcp && MCP_DELETES.test(bare)) addPaths(facts.deletes, paths);
  else if (facts.toolClass === 'file-write' || facts.toolClass === 'file-edit' || mcp)
    addPaths(facts.writes, written);
  addPaths(
    facts.writes,
    patch.writes.map((path) => classifyPath(path, { ...ctx, written: true })),
  );
  addPaths(
    facts.deletes,
    patch.deletes.map((path) => classifyPath(path, ctx)),
  );
  const direction = toolDirection(facts.toolClass, bare, args);
  addNetwork(
    facts.network,
    argumentUrls(args).flatMap((url) => networkFact(url, direction, name) ?? []),
  );
}

const MCP_READS = /read|get|list|search|view|find/;
const MCP_DELETES = /delete|remove/;
const MCP_SENDS = /post|send|upload|create|publish|webhook|notify|put|comment|message/;
const MCP_FETCHES = /fetch|get|read|download|scrape|browse|navigate/;

/** Fetch tools download unless they send a body; MCP tools go by what their name says they do. */
function toolDirection(
  toolClass: ToolClass,
  bare: string,
  args: ToolArguments | undefined,
): NetworkFacts['direction'] {
  if (toolClass === 'web-fetch') return argumentsSendData(args) ? 'upload' : 'download';
  if (MCP_SENDS.test(bare)) return 'upload';
  return MCP_FETCHES.test(bare) ? 'download' : 'connect';
}

/** Appends the items not already there (by key), up to the cap. */
function addUnique<T>(list: T[], items: readonly T[], key: (item: T) => string): void {
  const seen = new Set(list.map(key));
  for (const item of items) {
    if (list.length >= MAX_ITEMS) return;
    if (!seen.has(key(item))) list.push(item);
    seen.add(key(item));
  }
}

const addPaths = (list: PathFacts[], items: readonly PathFacts[]) => addUnique(list, items, (p) => p.path);
const addNetwork = (list: NetworkFacts[], items: readonly NetworkFacts[]) =>
  addUnique(list, items, (n) => `${n.target}\0${n.direction}\0${n.via}`);

function secretsIn(texts: (string | undefined)[]): SecretFinding[] {
  const found = new Map<string, SecretFinding>();
  for (const text of texts) {
    if (text === undefined || text === '') continue;
    for (const finding of findSecrets(text))
      if (!found.has(finding.fingerprint)) found.set(finding.fingerprint, finding);
  }
  return [...found.values()];
}

/** The home directory implied by a working directory under `/home/<user>`, `/Users/<user>` or `/root`. */
export function homeOf(cwd: string | undefined): string | undefined {
  return cwd === undefined ? undefined : /^(?:\/home\/[^/]+|\/Users\/[^/]+|\/root)(?=\/|$)/.exec(cwd)?.[0];
}

/** `cd dir` / `cd` / `cd ~` / `cd -` (unknown afterwards). */
function changeDirectory(
  cwd: string | undefined,
  args: string[],
  home: string | undefined,
): string | undefined {
  const target = args.find((arg) => arg !== '-L' && arg !== '-P' && arg !== '-e');
  if (target === undefined || target === '~' || target === '$HOME') return home ?? '~';
  if (target === '-' || /^[$`]/.test(target)) return undefined;
  if (target.startsWith('/')) return normalizeDots(target);
  if (target.startsWith('~/')) return home === undefined ? target : normalizeDots(home + target.slice(1));
  return cwd === undefined ? undefined : normalizeDots(`${cwd}/${target}`);
}
