/**
 * Which files one command reads, writes and deletes, from its program, options and redirections: `cat f`,
 * `grep -r x dir`, `cp a b`, `sed -i`, `tee -a f`, `> f`, `rm -rf d`, `dd of=`, `find d -delete`, `tar czf`,
 * `curl -o f -d @g`, `apply_patch`. Paths are returned as written; classification happens later.
 */
import { hasOption, optionSet, optionValues, parseArgs, type ParsedArgs } from './argv.ts';
import { builtInCatalogue } from './catalogue.ts';
import { commandNetwork } from './network.ts';
import { interpreterCall, programKey } from './programs.ts';
import type { ShellCommand } from './types.ts';

export interface CommandEffects {
  reads: string[];
  writes: string[];
  deletes: string[];
  /** Emptied in place: `> f`, `truncate -s 0 f`, `cp /dev/null f` (also in writes or deletes). */
  truncates: string[];
  /** What the effects catalogue says the command does (catalogue.ts). */
  behaviours: string[];
  /** Where it acts: a kube context, cloud profile or project, database host. */
  environment: string[];
}

interface FileTool {
  /** Options taking a value. */
  values?: string;
  /** The first operand is a pattern or script, not a file, unless given by -e/-f (grep, sed, awk, jq). */
  script?: boolean;
  /** What operands are: read (default), written, deleted. */
  operands?: 'read' | 'write' | 'delete';
  /** Operands after the first are written (chmod MODE files, chown OWNER files). */
  skipFirst?: boolean;
}

const READ: FileTool = {};
const FILE_TOOLS: Record<string, FileTool> = {
  ...Object.fromEntries(
    (
      'cat tac less more nl strings xxd hexdump od wc uniq md5sum sha1sum sha256sum sha512sum shasum cksum ' +
      'diff cmp comm paste fold rev column bat view vim vi nvim nano emacs code source . gzip gunzip bzip2 xz zcat ' +
      'base64'
    )
      .split(' ')
      .map((name) => [name, READ]),
  ),
  head: { values: 'n c lines bytes' },
  tail: { values: 'n c lines bytes s' },
  cut: { values: 'd f c b delimiter fields' },
  sort: { values: 'k t o S T key field-separator output' },
  grep: { values: 'e f m A B C d D max-count regexp file context include exclude', script: true },
  egrep: { values: 'e f m A B C', script: true },
  fgrep: { values: 'e f m A B C', script: true },
  rg: { values: 'e f g m A B C t T glob type regexp max-count', script: true },
  ag: { values: 'G A B C m', script: true },
  awk: { values: 'f v F', script: true },
  gawk: { values: 'f v F', script: true },
  sed: { values: 'e f l', script: true },
  jq: { values: 'f arg argjson slurpfile rawfile indent', script: true },
  yq: { values: 'f', script: true },
  tee: { values: '', operands: 'write' },
  touch: { values: 'd r t', operands: 'write' },
  mkdir: { values: 'm', operands: 'write' },
  chmod: { values: 'reference', operands: 'write', skipFirst: true },
  chown: { values: 'reference', operands: 'write', skipFirst: true },
  chgrp: { values: 'reference', operands: 'write', skipFirst: true },
  rm: { operands: 'delete' },
  unlink: { operands: 'delete' },
  rmdir: { operands: 'delete' },
  shred: { values: 'n s iterations size', operands: 'delete' },
  srm: { operands: 'delete' },
  truncate: { values: 's r size reference', operands: 'delete' },
};
/** Not files: standard streams, sockets, descriptors, `find` placeholders, process substitutions. */
const SKIP_TARGET =
  /^(?:\/dev\/(?:null|stdout|stderr|stdin|tty|fd\/.*|tcp\/.*|udp\/.*)|-|\{\}|\d+|[<>$]\(.*)$/s;
const COPY_VALUES = new Set([
  't',
  'S',
  'target-directory',
  'suffix',
  'm',
  'o',
  'g',
  'mode',
  'owner',
  'group',
]);
const PATCH_LINE = /^\*\*\* (Add File|Update File|Delete File|Move to): (.+)$/gm;

export function commandEffects(cmd: ShellCommand): CommandEffects {
  const catalogued = builtInCatalogue().effects(cmd);
  const effects: CommandEffects = {
    reads: catalogued.reads,
    writes: catalogued.writes,
    deletes: catalogued.deletes,
    truncates: [],
    behaviours: catalogued.behaviours,
    environment: catalogued.environment,
  };
  redirectEffects(cmd, effects);
  const key = programKey(cmd.name);
  const tool = FILE_TOOLS[key];
  if (tool !== undefined) toolEffects(cmd, tool, effects);
  else programEffects(cmd, key, effects);
  const network = commandNetwork(cmd);
  effects.reads.push(...network.sent);
  const script = interpreterCall(cmd)?.script;
  if (script !== undefined) effects.reads.push(script);
  for (const list of [effects.reads, effects.writes, effects.deletes, effects.truncates]) {
    const kept = [...new Set(list.filter((path) => path !== '' && !SKIP_TARGET.test(path)))];
    list.splice(0, list.length, ...kept);
  }
  return effects;
}

function redirectEffects(cmd: ShellCommand, effects: CommandEffects): void {
  for (const { op, target } of cmd.redirects) {
    const bare = op.replace(/^\d+/, '');
    if (bare.startsWith('<<')) continue; // here-documents and here-strings carry text, not a path
    if ((bare === '>&' || bare === '<&') && /^(?:\d+|-)$/.test(target)) continue; // descriptor duplication
    if (bare.includes('<')) effects.reads.push(target);
    if (bare.includes('>')) effects.writes.push(target);
    if (bare === '>' || bare === '>|' || bare === '&>' || bare === '>&') effects.truncates.push(target);
  }
}

function toolEffects(cmd: ShellCommand, tool: FileTool, effects: CommandEffects): void {
  const parsed = parseArgs(cmd.args, { withValue: optionSet(tool.values ?? '') });
  let operands = parsed.operands;
  if (tool.script && !hasOption(parsed, 'e', 'f', 'regexp', 'file')) operands = operands.slice(1);
  if (tool.skipFirst && !hasOption(parsed, 'reference')) operands = operands.slice(1);
  effects.reads.push(...optionValues(parsed, 'f', 'file', 'r', 'reference', 'slurpfile', 'rawfile'));
  if (tool.operands === 'write') effects.writes.push(...operands);
  else if (tool.operands === 'delete') effects.deletes.push(...operands);
  else effects.reads.push(...operands);
  const key = programKey(cmd.name);
  if (key === 'sed' && hasOption(parsed, 'i', 'in-place')) effects.writes.push(...operands);
  if (key === 'sort') effects.writes.push(...optionValues(parsed, 'o', 'output'));
  if (key === 'truncate') effects.truncates.push(...operands);
  if (key === 'grep' && operands.length === 0 && hasOption(parsed, 'r', 'R', 'recursive'))
    effects.reads.push('.');
}

function programEffects(cmd: ShellCommand, key: string, effects: CommandEffects): void {
  switch (key) {
    case 'cp':
    case 'mv':
    case 'install':
    case 'ln':
      return copyEffects(cmd, key, effects);
    case 'dd':
      for (const arg of cmd.args) {
        if (arg.startsWith('if=')) effects.reads.push(arg.slice(3));
        if (arg.startsWith('of=')) effects.writes.push(arg.slice(3));
      }
      return;
    case 'find':
      (cmd.args.includes('-delete') ? effects.deletes : effects.reads).push(...findTargets(cmd.args));
      return;
    case 'tar':
      return tarEffects(cmd, effects);
    case 'zip':
    case '7z':
    case '7za':
    case 'rar': {
      const operands = parseArgs(cmd.args, { withValue: new Set(['x', 'i', 'p', 'P']) }).operands;
      const [archive, ...sources] = key === 'zip' ? operands : operands.slice(1); // `7z a out.7z src…`
      if (archive !== undefined) effects.writes.push(archive);
      return void effects.reads.push(...sources);
    }
    case 'unzip': {
      const parsed = parseArgs(cmd.args, { withValue: new Set(['d', 'x', 'P']) });
      effects.reads.push(...parsed.operands.slice(0, 1));
      return void effects.writes.push(...optionValues(parsed, 'd'));
    }
    case 'curl':
    case 'wget': {
      const parsed = parseArgs(cmd.args, {
        withValue: new Set(['o', 'O', 'output', 'output-document', 'K', 'config', 'i']),
      });
      effects.writes.push(...optionValues(parsed, key === 'curl' ? 'o' : 'O', 'output', 'output-document'));
      effects.reads.push(...optionValues(parsed, 'K', 'config', 'i'));
      return void effects.reads.push(
        ...parsed.operands.filter((u) => /^file:\/\//i.test(u)).map((u) => u.slice(7)),
      );
    }
    case 'openssl':
    case 'gpg':
      effects.reads.push(
        ...cmd.args.filter((_, i) => cmd.args[i - 1] === '-in' || cmd.args[i - 1] === '--decrypt'),
      );
      return void effects.writes.push(
        ...cmd.args.filter((_, i) => ['-out', '-o', '--output'].includes(cmd.args[i - 1] ?? '')),
      );
    case 'git':
      if (cmd.args[0] === 'rm') effects.deletes.push(...parseArgs(cmd.args.slice(1)).operands);
      return;
    case 'apply_patch':
    case 'applypatch': {
      const patch = patchFiles(cmd.args.join('\n') + '\n' + cmd.redirects.map((r) => r.target).join('\n'));
      effects.writes.push(...patch.writes);
      return void effects.deletes.push(...patch.deletes);
    }
    case 'crontab':
    case 'visudo':
    case 'sudoedit':
      if (key === 'visudo') effects.writes.push('/etc/sudoers');
      return void (key === 'sudoedit' ? effects.writes : effects.reads).push(
        ...parseArgs(cmd.args, { withValue: new Set(['u', 'f']) }).operands,
      );
  }
}

/** `cp|mv|install|ln [opts] src… dest` or `-t dir src…`: sources read, destination written. */
function copyEffects(cmd: ShellCommand, key: string, effects: CommandEffects): void {
  const parsed: ParsedArgs = parseArgs(cmd.args, { withValue: COPY_VALUES });
  const targetDir = optionValues(parsed, 't', 'target-directory')[0];
  const operands = parsed.operands;
  if (key === 'install' && hasOption(parsed, 'd', 'directory')) return void effects.writes.push(...operands);
  const sources = targetDir === undefined ? operands.slice(0, -1) : operands;
  const destination = targetDir ?? operands.at(-1);
  if (destination === undefined) return;
  if (key === 'ln')
    return void effects.writes.push(sources.length === 0 ? basenameOf(destination) : destination);
  effects.reads.push(...sources);
  if (sources.length > 0 || targetDir !== undefined) effects.writes.push(destination);
  if (key === 'cp' && sources.length === 1 && sources[0] === '/dev/null') effects.truncates.push(destination);
}

const basenameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** `tar -czf out.tgz src…` / `tar czf …` / `tar -xf in.tar -C dir`. */
function tarEffects(cmd: ShellCommand, effects: CommandEffects): void {
  const args = [...cmd.args];
  if (args[0] !== undefined && /^[a-zA-Z]+$/.test(args[0])) args[0] = `-${args[0]}`; // old-style bundle
  const parsed = parseArgs(args, {
    withValue: optionSet('f C T X b H g K N file directory files-from exclude-from exclude format'),
  });
  const archive = optionValues(parsed, 'f', 'file');
  const creating = hasOption(parsed, 'c', 'r', 'u', 'create', 'append', 'update');
  if (creating) {
    effects.writes.push(...archive);
    effects.reads.push(...parsed.operands);
  } else {
    effects.reads.push(...archive);
    if (hasOption(parsed, 'x', 'extract', 'get'))
      effects.writes.push(...optionValues(parsed, 'C', 'directory'));
  }
}

/**
 * What `find` walks: its starting points (the words before the first expression), narrowed to the names it
 * matches (`find . -name '*.pyc' -delete` deletes `./` + `**` + `/*.pyc`, not `.` itself).
 */
function findTargets(args: readonly string[]): string[] {
  const end = args.findIndex((arg) => arg.startsWith('-') || arg === '(' || arg === '!');
  const roots = args.slice(0, end === -1 ? undefined : end);
  const at = args.findIndex((arg) => /^-i?(?:name|path|wholename|regex)$/.test(arg));
  const pattern = at === -1 ? undefined : args[at + 1];
  const starts = roots.length > 0 ? roots : ['.'];
  if (pattern === undefined) return starts;
  return /path|regex/.test(args[at] ?? '')
    ? [pattern]
    : starts.map((root) => `${root.replace(/\/+$/, '')}/**/${pattern}`);
}

/** Files an `apply_patch` patch adds, updates, moves to or deletes. */
export function patchFiles(patch: string): { writes: string[]; deletes: string[] } {
  const writes: string[] = [];
  const deletes: string[] = [];
  for (const match of patch.matchAll(PATCH_LINE)) {
    const path = (match[2] ?? '').trim();
    (match[1] === 'Delete File' ? deletes : writes).push(path);
  }
  return { writes, deletes };
}
