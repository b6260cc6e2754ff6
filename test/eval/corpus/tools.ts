/**
 * Tool invocations in each vendor's own vocabulary, so corpus sessions read like what the agent sent:
 * Codex `shell` (argv) / `apply_patch` / `mcp__<server>__<tool>`, Claude Code `Bash` / `Read` / `Edit` /
 * `Write` / `WebFetch` / MCP, Gemini CLI `run_shell_command` / `read_file` / `write_file` / `replace` /
 * `web_fetch`, and free names for GenAI / OpenInference agents.
 */
import type { ToolDecision, ToolInvocation } from '../../fixtures/agents/index.ts';

type Extra = Omit<ToolInvocation, 'name' | 'command' | 'arguments' | 'output'>;

/** The user approved this call in an approval prompt. */
export const USER_OK: ToolDecision = { outcome: 'allow', by: 'user' };
/** The user denied this call in an approval prompt. */
export const USER_DENIED: ToolDecision = { outcome: 'deny', by: 'user' };
/** A configured rule or hook stopped the call. */
export const CONFIG_DENIED: ToolDecision = { outcome: 'deny', by: 'config' };

/** A shell command, rendered as the vendor's shell tool (Codex argv, Claude `Bash`, Gemini, `run_shell`). */
export function sh(command: string, output?: string, extra: Extra = {}): ToolInvocation {
  return { command, ...(output !== undefined && { output }), ...extra };
}

/** A named tool with JSON arguments. */
export function tool(
  name: string,
  args: Record<string, unknown>,
  output?: string,
  extra: Extra = {},
): ToolInvocation {
  return { name, arguments: args, ...(output !== undefined && { output }), ...extra };
}

export const codex = {
  /** Codex's `apply_patch` tool (JSON variant: `{input}` holding the whole patch). */
  patch(file: string, body: string, output?: string, extra: Extra = {}): ToolInvocation {
    const input = `*** Begin Patch\n*** Update File: ${file}\n${body}\n*** End Patch`;
    return tool(
      'apply_patch',
      { input },
      output ?? `Success. Updated the following files:\nM ${file}`,
      extra,
    );
  },
  addFile(file: string, content: string, extra: Extra = {}): ToolInvocation {
    const lines = content
      .split('\n')
      .map((line) => `+${line}`)
      .join('\n');
    const input = `*** Begin Patch\n*** Add File: ${file}\n${lines}\n*** End Patch`;
    return tool('apply_patch', { input }, `Success. Updated the following files:\nA ${file}`, extra);
  },
  /** An MCP tool as Codex names it: `mcp__<server>__<tool>`, with `mcp_server` set. */
  mcp(server: string, name: string, args: Record<string, unknown>, output?: string): ToolInvocation {
    return { ...tool(`mcp__${server}__${name}`, args, output), mcpServer: server };
  },
};

export const claude = {
  read(filePath: string, output?: string, extra: Extra = {}): ToolInvocation {
    return tool('Read', { file_path: filePath }, output, extra);
  },
  write(filePath: string, content: string, extra: Extra = {}): ToolInvocation {
    return tool(
      'Write',
      { file_path: filePath, content },
      `File created successfully at: ${filePath}`,
      extra,
    );
  },
  edit(filePath: string, oldString: string, newString: string, extra: Extra = {}): ToolInvocation {
    return tool(
      'Edit',
      { file_path: filePath, old_string: oldString, new_string: newString },
      `The file ${filePath} has been updated.`,
      extra,
    );
  },
  grep(pattern: string, path: string, output?: string): ToolInvocation {
    return tool('Grep', { pattern, path, output_mode: 'content', '-n': true }, output);
  },
  fetch(url: string, prompt: string, output?: string): ToolInvocation {
    return tool('WebFetch', { url, prompt }, output);
  },
  /** An MCP tool: Claude Code names it `mcp__<server>__<tool>` and logs server and tool in `tool_parameters`. */
  mcp(server: string, name: string, args: Record<string, unknown>, output?: string): ToolInvocation {
    return { ...tool(name, args, output), mcpServer: server };
  },
};

export const gemini = {
  read(absolutePath: string, output?: string): ToolInvocation {
    return tool('read_file', { absolute_path: absolutePath }, output);
  },
  write(filePath: string, content: string, extra: Extra = {}): ToolInvocation {
    return tool(
      'write_file',
      { file_path: filePath, content },
      `Successfully created and wrote to new file: ${filePath}.`,
      extra,
    );
  },
  replace(filePath: string, oldString: string, newString: string, extra: Extra = {}): ToolInvocation {
    return tool(
      'replace',
      { file_path: filePath, old_string: oldString, new_string: newString },
      `Successfully modified file: ${filePath} (1 replacements).`,
      extra,
    );
  },
  fetch(prompt: string, output?: string): ToolInvocation {
    return tool('web_fetch', { prompt }, output);
  },
  search(pattern: string, path: string, output?: string): ToolInvocation {
    return tool('search_file_content', { pattern, path }, output);
  },
  mcp(server: string, name: string, args: Record<string, unknown>, output?: string): ToolInvocation {
    return { ...tool(name, args, output), mcpServer: server };
  },
};

/** Base64 of a text, as an attacker or a careful engineer would embed it in a command line. */
export function base64(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}
