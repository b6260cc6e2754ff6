import { describe, expect, it } from 'vitest';
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
} from './tools.ts';

describe('classifyTool', () => {
  it.each([
    ['shell', 'shell'],
    ['Bash', 'shell'],
    ['exec_command', 'shell'],
    ['local_shell', 'shell'],
    ['container.exec', 'other'],
    ['run_shell_command', 'shell'],
    ['run_shell', 'shell'],
    ['functions.shell', 'shell'],
    ['Read', 'file-read'],
    ['read_file', 'file-read'],
    ['read_many_files', 'file-read'],
    ['Glob', 'file-read'],
    ['Grep', 'file-read'],
    ['search_file_content', 'file-read'],
    ['list_dir', 'file-read'],
    ['view_image', 'file-read'],
    ['Write', 'file-write'],
    ['write_file', 'file-write'],
    ['Edit', 'file-edit'],
    ['MultiEdit', 'file-edit'],
    ['replace', 'file-edit'],
    ['apply_patch', 'file-edit'],
    ['NotebookEdit', 'file-edit'],
    ['WebFetch', 'web-fetch'],
    ['web_fetch', 'web-fetch'],
    ['fetch_url', 'web-fetch'],
    ['http_request', 'web-fetch'],
    ['WebSearch', 'web-search'],
    ['google_web_search', 'web-search'],
    ['Task', 'agent'],
    ['TodoWrite', 'other'],
    ['mcp__github__create_issue', 'mcp'],
    ['update_plan', 'other'],
    ['save_memory', 'other'],
    ['BashOutput', 'other'],
  ])('%s → %s', (name, expected) => {
    expect(classifyTool(name, undefined)).toBe(expected);
  });

  it('uses the MCP server, the editor sub-command and the presence of a command', () => {
    expect(classifyTool('create_issue', undefined, 'github')).toBe('mcp');
    expect(classifyTool('create_issue', undefined, '')).toBe('other');
    expect(classifyTool('str_replace_based_edit_tool', { command: 'view', path: 'a' })).toBe('file-read');
    expect(classifyTool('str_replace_based_edit_tool', { command: 'create', path: 'a' })).toBe('file-write');
    expect(classifyTool('str_replace_based_edit_tool', { command: 'str_replace', path: 'a' })).toBe(
      'file-edit',
    );
    expect(classifyTool('execute_shell_script', { command: 'ls' })).toBe('shell');
    expect(classifyTool('execute_shell_script', {})).toBe('other');
    expect(classifyTool('download_report', {})).toBe('web-fetch');
  });
});

describe('tool arguments', () => {
  it('strips vendor prefixes from names', () => {
    expect(bareToolName('mcp__github__create_issue')).toBe('create_issue');
    expect(bareToolName('mcp__desktop-commander__execute_command')).toBe('execute_command');
    expect(bareToolName('default_api:read_file')).toBe('read_file');
  });

  it('parses JSON objects only', () => {
    expect(parseToolArguments('{"a":1}')).toEqual({ a: 1 });
    expect(parseToolArguments('  {"a":1}')).toEqual({ a: 1 });
    expect(parseToolArguments('[1]')).toBeUndefined();
    expect(parseToolArguments('{"a":')).toBeUndefined();
    expect(parseToolArguments('*** Begin Patch')).toBeUndefined();
    expect(parseToolArguments(undefined)).toBeUndefined();
  });

  it('reads the command from a string or an argv', () => {
    expect(commandFromArguments({ command: 'ls -la' })).toBe('ls -la');
    expect(commandFromArguments({ cmd: 'ls' })).toBe('ls');
    expect(commandFromArguments({ command: ['bash', '-lc', 'npm test'] })).toBe('npm test');
    expect(commandFromArguments({ command: ['/bin/zsh', '-c', 'x'] })).toBe('x');
    expect(commandFromArguments({ command: ['rg', '--files', 'a b'] })).toBe("rg --files 'a b'");
    expect(commandFromArguments({ command: '  ' })).toBeUndefined();
    expect(commandFromArguments({ command: [1, 2] })).toBeUndefined();
    expect(mcpRunsCommands('mcp__x__run_command', { command: 'ls' })).toBe(true);
    expect(mcpRunsCommands('mcp__x__create_issue', { command: 'ls' })).toBe(false);
  });

  it('finds the working directory (absolute only)', () => {
    expect(toolCwd({ workdir: '/repo' }, {})).toBe('/repo');
    expect(toolCwd({ directory: 'sub' }, {})).toBeUndefined();
    expect(toolCwd({}, { cwd: '/home/u/p' })).toBe('/home/u/p');
  });

  it('lists paths, joining glob patterns to their base', () => {
    expect(argumentPaths('Read', { file_path: 'a', offset: 1 })).toEqual(['a']);
    expect(argumentPaths('read_many_files', { paths: ['a', 'b'] })).toEqual(['a', 'b']);
    expect(argumentPaths('x', { files: [{ path: 'a' }, 'b'] })).toEqual(['a', 'b']);
    expect(argumentPaths('Glob', { pattern: '*.pem', path: '/home/u/.ssh/' })).toEqual([
      '/home/u/.ssh/*.pem',
    ]);
    expect(argumentPaths('Glob', { pattern: '~/.aws/*' })).toEqual(['~/.aws/*']);
    expect(argumentPaths('Grep', { pattern: 'AKIA', path: '.' })).toEqual(['.']);
  });

  it('collects written text, URLs, bodies and every string', () => {
    expect(writtenText({ content: 'a', edits: [{ new_string: 'b' }, { old_string: 'x' }] })).toBe('a\nb');
    expect(
      argumentUrls({
        url: 'https://a.example',
        urls: ['https://b.example'],
        prompt: 'see http://c.example/x.',
      }),
    ).toEqual(['https://a.example', 'https://b.example', 'http://c.example/x.']);
    expect(argumentUrls({ url: 'not a url' })).toEqual([]);
    expect(argumentsSendData({ method: 'post' })).toBe(true);
    expect(argumentsSendData({ url: 'x', json: {} })).toBe(true);
    expect(argumentsSendData({ url: 'x', method: 'GET' })).toBe(false);
    expect(argumentStrings({ a: 'x', b: [1, 'y', { c: 'z' }], d: null })).toEqual(['x', 'y', 'z']);
  });
});
