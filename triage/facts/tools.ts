/**
 * Tools across vendors: what kind of tool a name is (Codex `shell`/`apply_patch`, Claude `Bash`/`Read`/
 * `mcp__github__create_issue`, Gemini `run_shell_command`/`replace`, free GenAI names such as `run_shell`
 * or `fetch_url`), and what its JSON arguments say: command, working directory, paths, URLs, written text.
 */
import { shellQuote } from './shell-text.ts';
import type { ActionFacts } from './types.ts';

export type ToolClass = ActionFacts['toolClass'];
export type ToolArguments = Record<string, unknown>;

const names = (list: string) => new Set(list.split(' '));
const CLASS_BY_NAME: [ToolClass, ReadonlySet<string>][] = [
  [
    'shell',
    names(
      'shell bash exec_command local_shell exec unified_exec run_shell_command run_shell run_command execute_command execute_bash terminal run_terminal_cmd run_in_terminal sh powershell cmd shell_command bash_tool execute',
    ),
  ],
  [
    'file-read',
    names(
      'read read_file readfile view view_file cat read_many_files list_dir list_directory ls glob grep search_file_content grep_files file_search find_files view_image notebookread open_file get_file_contents read_text_file read_multiple_files search_files list_files',
    ),
  ],
  ['file-write', names('write write_file create_file save_file writefile file_write write_to_file')],
  [
    'file-edit',
    names(
      'edit multiedit edit_file replace str_replace str_replace_editor str_replace_based_edit_tool apply_patch applypatch notebookedit insert patch search_replace update_file edit_notebook',
    ),
  ],
  [
    'web-fetch',
    names(
      'webfetch web_fetch fetch fetch_url http_request http_get http browse browser open_url read_url download url_fetch curl navigate browser_navigate scrape get_url request',
    ),
  ],
  [
    'web-search',
    names(
      'websearch web_search google_web_search search_web brave_search tavily_search bing_search duckduckgo_search search',
    ),
  ],
  ['agent', names('task agent subagent dispatch_agent spawn_agent delegate run_agent call_agent new_task')],
  // The agent's own bookkeeping: plans, todos, memory, background shell handles.
  [
    'other',
    names(
      'todowrite todoread update_plan save_memory exit_plan_mode bashoutput killshell killbash slashcommand skill',
    ),
  ],
];
const FALLBACKS: [ToolClass, RegExp][] = [
  ['shell', /shell|bash|terminal|exec|command/],
  ['web-fetch', /fetch|http|url|browse|download|scrape/],
  ['web-search', /search_web|web_search|websearch/],
  ['file-edit', /edit|replace|patch/],
  ['file-write', /write|create_file|save/],
  ['file-read', /read|view|list_dir/],
];
const EXEC_LIKE = /exec|shell|bash|terminal|command|run/;

/** The tool's own name without vendor prefixes: `mcp__github__create_issue` → `create_issue`, `functions.shell` → `shell`. */
export function bareToolName(name: string): string {
  const lower = name.toLowerCase();
  const mcp = /^mcp__.+?__(.+)$/.exec(lower);
  return mcp?.[1] ?? lower.replace(/^(?:functions|tools|default_api)[.:]/, '');
}

export function classifyTool(name: string, args: ToolArguments | undefined, mcpServer?: string): ToolClass {
  if (name.toLowerCase().startsWith('mcp__') || (mcpServer !== undefined && mcpServer !== '')) return 'mcp';
  const bare = bareToolName(name);
  if (/^str_replace(?:_based_edit_tool|_editor)$/.test(bare) && args?.['command'] === 'view')
    return 'file-read';
  if (/^str_replace(?:_based_edit_tool|_editor)$/.test(bare) && args?.['command'] === 'create')
    return 'file-write';
  const listed = CLASS_BY_NAME.find(([, set]) => set.has(bare))?.[0];
  if (listed !== undefined) return listed;
  const fallback = FALLBACKS.find(
    ([cls, pattern]) => pattern.test(bare) && (cls !== 'shell' || hasCommand(args)),
  )?.[0];
  return fallback ?? 'other';
}

/** An MCP tool that runs commands (`mcp__desktop-commander__execute_command`) has a shell command too. */
export function mcpRunsCommands(name: string, args: ToolArguments | undefined): boolean {
  return EXEC_LIKE.test(bareToolName(name)) && hasCommand(args);
}

const hasCommand = (args: ToolArguments | undefined) => commandFromArguments(args) !== undefined;

/** JSON arguments as an object; undefined when they are not a JSON object (a freeform patch, truncated JSON). */
export function parseToolArguments(raw: string | undefined): ToolArguments | undefined {
  if (raw === undefined || !raw.trimStart().startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as ToolArguments)
      : undefined;
  } catch {
    return undefined;
  }
}

/** `{"command": "…"}`, `{"cmd": …}` or an argv (`["bash", "-lc", "<script>"]` → the script). */
export function commandFromArguments(args: ToolArguments | undefined): string | undefined {
  const value = args?.['command'] ?? args?.['cmd'];
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (!Array.isArray(value) || value.length === 0 || !value.every((w): w is string => typeof w === 'string'))
    return undefined;
  const [program = '', flag = '', script] = value;
  if (
    value.length === 3 &&
    /(?:^|\/)(?:ba|z|da|k)?sh$/.test(program) &&
    /^-[a-z]*c$/.test(flag) &&
    script !== undefined
  ) {
    return script;
  }
  return value.map(shellQuote).join(' ');
}

const text = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
const texts = (value: unknown): string[] =>
  Array.isArray(value)
    ? value.flatMap((v) => (typeof v === 'string' ? [v] : texts((v as ToolArguments)?.['path'])))
    : text(value)
      ? [value as string]
      : [];

/** Working directory: Codex `workdir`, `cwd`, an absolute Gemini `directory`, or the event's `cwd` attribute. */
export function toolCwd(
  args: ToolArguments | undefined,
  attributes: Record<string, string>,
): string | undefined {
  const candidates = [
    args?.['workdir'],
    args?.['cwd'],
    args?.['working_directory'],
    args?.['directory'],
    attributes['cwd'],
    attributes['workdir'],
  ];
  return candidates.map(text).find((dir) => dir !== undefined && dir.startsWith('/'));
}

const PATH_KEYS = [
  'file_path',
  'path',
  'absolute_path',
  'filepath',
  'file',
  'filename',
  'target_file',
  'notebook_path',
  'dir_path',
  'paths',
  'file_paths',
  'files',
];

const GLOB_TOOLS = new Set(['glob', 'find_files', 'file_search', 'list_files']);

/** Paths named by a file tool's arguments; a glob tool's pattern joined to its base (`~/.ssh` + `id_*`). */
export function argumentPaths(name: string, args: ToolArguments | undefined): string[] {
  if (args === undefined) return [];
  const paths = PATH_KEYS.flatMap((key) => texts(args[key]));
  const pattern = text(args['pattern']);
  if (!GLOB_TOOLS.has(bareToolName(name)) || pattern === undefined) return paths;
  const base = paths[0];
  const joined =
    base === undefined || pattern.startsWith('/') || pattern.startsWith('~')
      ? pattern
      : `${base.replace(/\/+$/, '')}/${pattern}`;
  return [joined, ...paths.slice(1)];
}

/** What a write or edit puts into files (for what it says, e.g. a sandbox switched off). */
/** The text an edit takes out: replaced strings, and the removed lines of a patch. */
export function removedText(args: ToolArguments | undefined): string {
  if (args === undefined) return '';
  const edits = Array.isArray(args['edits'])
    ? args['edits'].map((e) => text((e as ToolArguments)?.['old_string']))
    : [];
  const patch = [args['input'], args['patch']]
    .map(text)
    .filter((t): t is string => t !== undefined)
    .flatMap((t) => t.split('\n').filter((line) => line.startsWith('-') && !line.startsWith('---')));
  return [args['old_string'], args['oldString'], args['old_str'], ...edits, ...patch]
    .map(text)
    .filter((t) => t !== undefined)
    .join('\n');
}

export function writtenText(args: ToolArguments | undefined): string {
  if (args === undefined) return '';
  const edits = Array.isArray(args['edits'])
    ? args['edits'].map((e) => text((e as ToolArguments)?.['new_string']))
    : [];
  return [
    args['content'],
    args['contents'],
    args['text'],
    args['data'],
    args['new_string'],
    args['newString'],
    args['new_str'],
    args['file_text'],
    args['new_source'],
    args['input'],
    args['patch'],
    ...edits,
  ]
    .map(text)
    .filter((t) => t !== undefined)
    .join('\n');
}

const URL_KEYS = [
  'url',
  'uri',
  'href',
  'link',
  'urls',
  'endpoint',
  'webhook',
  'webhook_url',
  'callback_url',
  'base_url',
];
const URL_IN_TEXT = /\bhttps?:\/\/[^\s'"<>`)\]}]+/g;

/** URLs in a tool's arguments: URL-named keys, and URLs written in a prompt (Gemini `web_fetch`). */
export function argumentUrls(args: ToolArguments | undefined): string[] {
  if (args === undefined) return [];
  const named = URL_KEYS.flatMap((key) => texts(args[key])).filter((u) =>
    /^[a-z][a-z0-9+.-]*:\/\/|^[\w-]+(?:\.[\w-]+)+/i.test(u),
  );
  const prompted = typeof args['prompt'] === 'string' ? (args['prompt'].match(URL_IN_TEXT) ?? []) : [];
  return [...new Set([...named, ...prompted])];
}

/** An HTTP tool that sends a body (`method: POST`, `body`, `data`, `json`). */
export function argumentsSendData(args: ToolArguments | undefined): boolean {
  if (args === undefined) return false;
  const method = text(args['method'])?.toUpperCase();
  return (
    method === 'POST' ||
    method === 'PUT' ||
    method === 'PATCH' ||
    ['body', 'data', 'json', 'form'].some((k) => args[k] !== undefined)
  );
}

/** Every string in the arguments (values, not keys), for secret scanning. */
export function argumentStrings(value: unknown, out: string[] = [], depth = 0): string[] {
  if (typeof value === 'string') out.push(value);
  else if (depth < 8 && typeof value === 'object' && value !== null) {
    for (const item of Array.isArray(value) ? value : Object.values(value))
      argumentStrings(item, out, depth + 1);
  }
  return out;
}
