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
import { programKey } from './programs.ts';
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
  toolCwd,
  writtenText,
  type ToolArguments,
} from './tools.ts';
import type { ActionFacts, NetworkFacts, ParsedShell, SecretFinding, ShellPayload } from './types.ts';

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
    secretsInArguments: secretsIn([...argumentStrings(args ?? tool.arguments), tool.command]),
    secretsInOutput: secretsIn([event.result?.output]),
    behaviours: [],
  };
  if (event.result?.output !== undefined) facts.outputText = event.result.output;
  const cwd = toolCwd(args, event.attributes);
  const ctx: PathContext = { cwd, home: homeOf(cwd) };
  const runsCommands = toolClass === 'shell' || (toolClass === 'mcp' && mcpRunsCommands(tool.name, args));
  const command = tool.command ?? (runsCommands ? commandFromArguments(args) : undefined);
  const behaviours = policyBehavioursOfArguments(args ?? {});
  if (command !== undefined) {
    facts.command = command;
    facts.shell = parseShell(command);
    behaviours.push(...followShell(facts, facts.shell, ctx));
  } else {
    followArguments(facts, tool.name, tool.arguments, args, ctx);
    behaviours.push(...writeBehaviours(facts.writes, writtenText(args) || (tool.arguments ?? '')));
  }
  facts.behaviours = uniqueBehaviours(behaviours);
  return facts;
}

/** Follows a parsed command line command by command; returns its behaviours. */
function followShell(facts: ActionFacts, shell: ParsedShell, start: PathContext): string[] {
  const commands: CommandWithEffects[] = [];
  let cwd = start.cwd;
  for (const pipeline of shell.pipelines) {
    pipeline.forEach((cmd, index) => {
      const here: PathContext = { cwd, home: start.home };
      const classify = (path: string) => classifyPath(path, here);
      const effects = commandEffects(cmd);
      commands.push({ cmd, effects, classify });
      add(facts.reads, effects.reads.map(classify));
      add(
        facts.writes,
        effects.writes.map((path) => classifyPath(path, { ...here, written: true })),
      );
      add(facts.deletes, effects.deletes.map(classify));
      add(facts.network, commandNetwork(cmd, { stdinPiped: index > 0 }).facts);
      add(
        facts.executes,
        [...cmd.wrappers, cmd.name].filter((name) => name !== '' && !/^[$`]/.test(name)),
      );
      if (programKey(cmd.name) === 'cd' || programKey(cmd.name) === 'pushd')
        cwd = changeDirectory(cwd, cmd.args, start.home);
    });
  }
  for (const payload of shell.payloads) {
    const via = CODE_VIA[payload.kind] ?? 'script';
    if (payload.kind !== 'sh-c' && payload.kind !== 'eval')
      add(facts.network, networkInCode(payload.text, via));
  }
  dedupeNetwork(facts);
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
  const paths = argumentPaths(name, args);
  const bare = bareToolName(name);
  const patch = patchFiles(
    typeof args?.['input'] === 'string' ? args['input'] : args === undefined ? (raw ?? '') : '',
  );
  if (
    facts.toolClass === 'file-read' ||
    (facts.toolClass === 'mcp' && /read|get|list|search|view/.test(bare))
  ) {
    add(
      facts.reads,
      paths.map((path) => classifyPath(path, ctx)),
    );
  } else if (
    facts.toolClass === 'file-write' ||
    facts.toolClass === 'file-edit' ||
    facts.toolClass === 'mcp'
  ) {
    const viewOnly = args?.['command'] === 'view';
    const target = viewOnly ? facts.reads : facts.writes;
    add(
      target,
      [...paths, ...patch.writes].map((path) => classifyPath(path, { ...ctx, written: !viewOnly })),
    );
    add(
      facts.deletes,
      patch.deletes.map((path) => classifyPath(path, ctx)),
    );
  }
  const urls = argumentUrls(args);
  const direction: NetworkFacts['direction'] =
    facts.toolClass === 'web-fetch'
      ? argumentsSendData(args)
        ? 'upload'
        : 'download'
      : /post|send|upload|create|publish|webhook|notify|put|comment|message/.test(bare)
        ? 'upload'
        : /fetch|get|read|download|scrape|browse|navigate/.test(bare)
          ? 'download'
          : 'connect';
  if (facts.toolClass === 'web-fetch' || facts.toolClass === 'mcp' || urls.length > 0) {
    add(
      facts.network,
      urls.flatMap((url) => networkFact(url, direction, name) ?? []),
    );
  }
}

function add<T>(list: T[], items: readonly T[]): void {
  for (const item of items) {
    if (list.length >= MAX_ITEMS) return;
    const key = (item as { path?: unknown }).path;
    if (
      typeof item === 'string'
        ? list.includes(item)
        : key !== undefined && list.some((x) => (x as { path?: unknown }).path === key)
    )
      continue;
    list.push(item);
  }
}

function dedupeNetwork(facts: ActionFacts): void {
  const seen = new Set<string>();
  facts.network = facts.network.filter((n) => {
    const key = `${n.target}\0${n.direction}\0${n.via}`;
    return !seen.has(key) && seen.add(key) !== undefined;
  });
}

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
function homeOf(cwd: string | undefined): string | undefined {
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
