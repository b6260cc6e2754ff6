/**
 * What Warden understands about one agent action (a tool event): parsed shell, the files it touches and how,
 * where it talks to on the network, what it runs, and the secrets it carries. Pure data; detectors read it.
 */

/** One simple command of a pipeline: `FOO=1 sudo rm -rf /x > out.txt`. */
export interface ShellCommand {
  /** Program as written (`/usr/bin/curl`) and its basename (`curl`). */
  program: string;
  name: string;
  /** Arguments after the program, quotes removed, variables left as written. */
  args: string[];
  /** Redirections: `>` / `>>` / `<` / `2>` … with their target. */
  redirects: { op: string; target: string }[];
  /** Leading `VAR=value` assignments. */
  env: Record<string, string>;
  /** Wrappers stripped in front of the program: sudo, env, nohup, timeout, xargs, … */
  wrappers: string[];
}

/** Code run through an interpreter from a string, decoded where possible: what actually executes. */
export interface ShellPayload {
  kind:
    'sh-c' | 'python-c' | 'node-e' | 'perl-e' | 'ruby-e' | 'eval' | 'base64' | 'powershell-enc' | 'heredoc';
  text: string;
  /** The interpreter that runs it, when an interpreter does (`python3 - <<EOF` is python). */
  language?: 'shell' | 'python' | 'node' | 'perl' | 'ruby' | 'php' | 'powershell';
  /** Variables the command running it sets (`H=x node -e …`): the code can read them. */
  env?: Record<string, string>;
}

export interface ParsedShell {
  raw: string;
  /** Pipelines in order of the list (`a | b && c; d` → [[a, b], [c], [d]]). Nested payloads are parsed too. */
  pipelines: ShellCommand[][];
  payloads: ShellPayload[];
  /** The parser could not make sense of part of the text (unbalanced quotes, …). */
  partial: boolean;
}

export type PathScope = 'workspace' | 'home' | 'system' | 'temp' | 'unknown';

export const CREDENTIAL_STORES = [
  'ssh',
  'aws',
  'gcloud',
  'azure',
  'kube',
  'docker',
  'git-credentials',
  'npmrc',
  'pypirc',
  'netrc',
  'pgpass',
  'gnupg',
  'keychain',
  'browser-profile',
  'dotenv',
  'password-store',
  'agent-credentials',
  'shadow',
  'shell-history',
] as const;
export type CredentialStore = (typeof CREDENTIAL_STORES)[number];

export const CONTROL_POINTS = [
  'crontab',
  'shell-rc',
  'authorized-keys',
  'git-hooks',
  'ci-workflow',
  'agent-config',
  'systemd',
  'launchd',
  'sudoers',
  'ld-preload',
  'package-scripts',
  'interpreter-startup',
] as const;
export type ControlPoint = (typeof CONTROL_POINTS)[number];

export interface PathFacts {
  path: string;
  scope: PathScope;
  credentialStore?: CredentialStore;
  controlPoint?: ControlPoint;
  /** Build output, caches, dependencies: safe to delete (`dist`, `build`, `node_modules`, `.cache`, `target`, …). */
  disposable?: boolean;
}

export type DestinationClass =
  | 'package-registry'
  | 'code-host'
  | 'paste'
  | 'webhook'
  | 'tunnel'
  | 'file-share'
  | 'ip-literal'
  | 'localhost'
  | 'internal'
  | 'other';

export interface NetworkFacts {
  /** As written (URL, host, `user@host:path`). */
  target: string;
  host: string;
  class: DestinationClass;
  /** upload: data leaves (POST/PUT/-d/-F/--upload-file, scp/rsync to remote, nc with input, git push). */
  direction: 'download' | 'upload' | 'connect';
  /** The tool that talks (`curl`, `wget`, `scp`, `nc`, `git`, `WebFetch`, …). */
  via: string;
  /** Looks like data smuggled in DNS labels (long random or encoded subdomains, `dig`/`nslookup` of them). */
  dnsEncoded?: boolean;
  /**
   * An upload whose body is only text written on the command line (`-d '{"text":"deployed"}'`): no file,
   * input, variable or substitution can carry anything else into it.
   */
  inlineBody?: boolean;
}

export interface SecretFinding {
  /** `aws-access-key`, `aws-secret-key`, `github-token`, `gitlab-token`, `slack-token`, `slack-webhook`,
   *  `private-key`, `jwt`, `openai-key`, `anthropic-key`, `google-api-key`, `stripe-key`, `npm-token`,
   *  `password-assignment`, `generic-api-key`, … */
  kind: string;
  /** First 16 hex characters of SHA-256 of the secret: follows it across events without storing it. */
  fingerprint: string;
}

/** Everything Warden derives from one tool event. */
export interface ActionFacts {
  /** Tool as the agent named it (`shell`, `Bash`, `run_shell_command`, `Read`, `mcp__github__create_issue`, …). */
  tool: string;
  /** What kind of tool it is, from its name and arguments. */
  toolClass:
    | 'shell'
    | 'file-read'
    | 'file-write'
    | 'file-edit'
    | 'web-fetch'
    | 'web-search'
    | 'mcp'
    | 'agent'
    | 'other';
  /** The shell command, when there is one (also for `execute`-like MCP tools). */
  command?: string;
  shell?: ParsedShell;
  reads: PathFacts[];
  writes: PathFacts[];
  deletes: PathFacts[];
  network: NetworkFacts[];
  /** Every program that would run, nested payloads included. */
  executes: string[];
  /** Where the action acts, as its commands name it: kube contexts, cloud profiles and projects, hosts. */
  environment: string[];
  secretsInArguments: SecretFinding[];
  secretsInOutput: SecretFinding[];
  /** Named behaviours worth a detector, e.g. `curl-pipe-shell`, `base64-exec`, `eval`, `history-clear`,
   *  `git-hookspath`, `sandbox-disable`, `approval-bypass`, `chmod-world-writable`, `setuid`, `kill`,
   *  `rm-recursive-force`, `git-force-push`, `drop-database`, `disable-security-tool`, `log-tamper`,
   *  `reverse-shell`, `package-publish`, `sudo`, `env-dump`, `archive-sensitive`, … */
  behaviours: string[];
  /** Text the tool returned (for provenance: instructions or URLs that later actions may follow). */
  outputText?: string;
}
