/**
 * File-transfer tools: scp, rsync, sftp, git remotes and cloud storage copies (aws s3, gsutil, gcloud storage,
 * rclone). A remote destination is an upload of the local sources; a remote source is a download.
 */
import { optionSet, parseArgs } from './argv.ts';
import { networkFact } from './destinations.ts';
import { gitInvocation, programKey } from './programs.ts';
import type { NetworkFacts, ShellCommand } from './types.ts';

export interface Transfer {
  facts: NetworkFacts[];
  /** Local files sent. */
  sent: string[];
}

const SCP_VALUES = optionSet('P i o F c l S J D');
const RSYNC_VALUES = optionSet(
  'e rsh exclude include filter f port password-file rsync-path B bwlimit timeout chmod chown log-file files-from exclude-from include-from T temp-dir backup-dir compare-dest link-dest copy-dest partial-dir max-size min-size',
);
const GIT_VALUES = optionSet(
  'b branch o origin depth c config u upload-pack reference separate-git-dir j jobs shallow-since shallow-exclude filter template push-option receive-pack repo exec',
);
/** `[user@]host:path`, `host::module`, `scp://…` (not `C:\…` nor `./a:b`). */
const REMOTE_SPEC = /^(?:(?:scp|sftp|rsync|ssh):\/\/|(?:[^@/:\s]+@)?(?:\[[^\]]+\]|[^:/\s]{2,}):)/i;
const REPO_URL = /^(?:(?:https?|ssh|git|git\+ssh|ftps?):\/\/|[^@\s/]+@[^:\s/]+:)/i;
const BUCKET_URL = /^(?:s3|gs):\/\//i;
const AWS_FLAGS = optionSet(
  '--recursive --dryrun --quiet --delete --no-progress --follow-symlinks --no-follow-symlinks --only-show-errors --exact-timestamps --size-only --no-sign-request --no-verify-ssl --debug --no-paginate',
);

export function transferNetwork(cmd: ShellCommand): Transfer | undefined {
  switch (programKey(cmd.name)) {
    case 'scp':
      return copy(cmd, parseArgs(cmd.args, { withValue: SCP_VALUES }).operands, REMOTE_SPEC);
    case 'rsync':
      return copy(cmd, parseArgs(cmd.args, { withValue: RSYNC_VALUES }).operands, REMOTE_SPEC);
    case 'sftp': {
      const target = parseArgs(cmd.args, { withValue: optionSet('P i o F b B c D l R s S J') }).operands[0];
      const direction =
        target !== undefined && /:[^/]*\S/.test(target.replace(/^sftp:\/\//, '')) ? 'download' : 'connect';
      return facts(cmd, target === undefined ? [] : [[target, direction]]);
    }
    case 'git':
      return git(cmd);
    case 'aws':
      return aws(cmd);
    case 'gsutil':
    case 'gcloud': {
      const at = cmd.args.findIndex((arg) => ['cp', 'mv', 'rsync'].includes(arg));
      return at === -1
        ? undefined
        : copy(
            cmd,
            cmd.args.slice(at + 1).filter((a) => !a.startsWith('-')),
            BUCKET_URL,
          );
    }
    case 'rclone': {
      if (!['copy', 'copyto', 'sync', 'move', 'moveto'].includes(cmd.args[0] ?? '')) return undefined;
      const transfer = copy(
        cmd,
        cmd.args
          .slice(1)
          .filter((a) => !a.startsWith('-'))
          .slice(0, 2),
        REMOTE_SPEC,
      );
      transfer.facts.forEach((fact) => (fact.class = 'file-share')); // rclone remotes are cloud storage
      return transfer;
    }
    default:
      return undefined;
  }
}

/** `<sources…> <destination>`: upload when the destination is remote, download for each remote source. */
function copy(cmd: ShellCommand, operands: string[], remote: RegExp): Transfer {
  const destination = operands.at(-1);
  const sources = operands.slice(0, -1);
  if (destination === undefined || sources.length === 0) return { facts: [], sent: [] };
  const targets: [string, NetworkFacts['direction']][] = sources
    .filter((s) => remote.test(s))
    .map((s) => [s, 'download']);
  const uploading = remote.test(destination);
  if (uploading) targets.push([destination, 'upload']);
  return { ...facts(cmd, targets), sent: uploading ? sources.filter((s) => !remote.test(s)) : [] };
}

function facts(cmd: ShellCommand, targets: [string, NetworkFacts['direction']][]): Transfer {
  const found = targets
    .map(([target, direction]) => networkFact(target, direction, cmd.name))
    .filter((fact): fact is NetworkFacts => fact !== undefined);
  return { facts: found, sent: [] };
}

/** `git push <url>` uploads, `clone`/`fetch`/`pull`/`ls-remote`/`submodule add <url>` download. Named remotes say no host. */
function git(cmd: ShellCommand): Transfer | undefined {
  const invocation = gitInvocation(cmd);
  if (invocation === undefined) return undefined;
  const operands = parseArgs(invocation.args, { withValue: GIT_VALUES }).operands;
  const url = operands.find((operand) => REPO_URL.test(operand));
  if (url === undefined) return undefined;
  switch (invocation.subcommand) {
    case 'push':
      return facts(cmd, [[url, 'upload']]);
    case 'clone':
    case 'fetch':
    case 'pull':
    case 'ls-remote':
      return facts(cmd, [[url, 'download']]);
    case 'submodule':
      return operands[0] === 'add' ? facts(cmd, [[url, 'download']]) : undefined;
    default:
      return undefined;
  }
}

/** `aws s3 cp|mv|sync <src> <dst>` and `aws s3api put-object --bucket b --body f`; `--endpoint-url` wins. */
function aws(cmd: ShellCommand): Transfer | undefined {
  const operands: string[] = [];
  const values = new Map<string, string>();
  for (let i = 0; i < cmd.args.length; i += 1) {
    const arg = cmd.args[i] ?? '';
    if (!arg.startsWith('--')) operands.push(arg);
    else if (arg.includes('=')) values.set(arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1));
    else if (!AWS_FLAGS.has(arg)) values.set(arg, cmd.args[++i] ?? '');
  }
  const [service, action, source, destination] = operands;
  const endpoint = values.get('--endpoint-url');
  let transfer: Transfer | undefined;
  if (service === 's3' && ['cp', 'mv', 'sync'].includes(action ?? '') && source && destination) {
    transfer = copy(cmd, [source, destination], BUCKET_URL);
  } else if (service === 's3api' && action === 'put-object' && values.has('--bucket')) {
    transfer = {
      ...facts(cmd, [[`s3://${values.get('--bucket') ?? ''}`, 'upload']]),
      sent: [values.get('--body') ?? ''],
    };
  }
  if (transfer !== undefined && endpoint !== undefined) {
    transfer.facts = transfer.facts.flatMap((fact) => networkFact(endpoint, fact.direction, cmd.name) ?? []);
  }
  return transfer;
}
