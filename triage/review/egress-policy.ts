/**
 * Managed egress and protected targets, as data per workspace (`WARDEN_REVIEW_POLICY`, YAML): where agents
 * may send data without asking, which paths and branches are protected, and what happens otherwise. A file
 * that does not validate fails the start; without one, the defaults below hold for every workspace.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ReviewDecision, type EgressPolicy } from '../../schemas/review.ts';

const Hosts = z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+$/i, 'a host or *.domain'));
const Globs = z.array(z.string().min(1));

const Rules = z.strictObject({
  /** Destinations data may go to without asking (`github.com`, `*.corp.example`). */
  knownGood: Hosts.optional(),
  /** Paths an agent must not write, delete or send: credential stores, the agents' own configs. */
  protectedPaths: Globs.optional(),
  /** Branches a push must not reach (`main`, `release/*`). */
  protectedBranches: Globs.optional(),
  /** What an action sending data to a host outside `knownGood` (and not named by the user) gets. */
  unknownDestination: ReviewDecision.optional(),
  /** What an action on a protected path or branch gets. */
  protectedTarget: ReviewDecision.optional(),
  /** What the hook adapter answers when Warden cannot be reached (printed by `warden agent-config`). */
  unreachable: ReviewDecision.optional(),
});

export const EgressPolicyFile = z.strictObject({
  version: z.literal(1),
  defaults: Rules.default({}),
  workspaces: z.record(z.string(), Rules).default({}),
});
export type EgressPolicyFile = z.infer<typeof EgressPolicyFile>;

/** What every workspace gets unless its policy says otherwise. */
export const DEFAULT_EGRESS_POLICY: EgressPolicy = {
  knownGood: [
    'github.com',
    '*.github.com',
    '*.githubusercontent.com',
    'gitlab.com',
    'bitbucket.org',
    'registry.npmjs.org',
    'registry.yarnpkg.com',
    'pypi.org',
    'files.pythonhosted.org',
    'crates.io',
    'static.crates.io',
    'proxy.golang.org',
    'sum.golang.org',
    'repo.maven.apache.org',
    'repo1.maven.org',
    'deb.debian.org',
    'archive.ubuntu.com',
    'security.ubuntu.com',
    'registry-1.docker.io',
    'ghcr.io',
    'localhost',
    '127.0.0.1',
  ],
  protectedPaths: [
    '~/.ssh/**',
    '~/.aws/**',
    '~/.config/gcloud/**',
    '~/.kube/**',
    '~/.docker/config.json',
    '~/.netrc',
    '~/.git-credentials',
    '~/.npmrc',
    '~/.pypirc',
    '~/.gnupg/**',
    '~/.codex/**',
    '~/.claude/**',
    '~/.claude.json',
    '~/.gemini/**',
    '**/.codex/**',
    '**/.claude/**',
    '**/.gemini/**',
    '**/AGENTS.md',
    '**/CLAUDE.md',
    '**/GEMINI.md',
    '**/.git/hooks/**',
  ],
  protectedBranches: ['main', 'master', 'release/*', 'production'],
  unknownDestination: 'ask',
  protectedTarget: 'ask',
  unreachable: 'ask',
};

export class EgressPolicyError extends Error {
  override readonly name = 'EgressPolicyError';
}

/** Parses and validates a policy file's text; lists in a workspace's entry extend the defaults'. */
export function parseEgressPolicy(text: string, source: string): (workspace: string) => EgressPolicy {
  let file: EgressPolicyFile;
  try {
    file = EgressPolicyFile.parse(parseYaml(text));
  } catch (err) {
    throw new EgressPolicyError(`${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const merge = (base: EgressPolicy, over: z.infer<typeof Rules>): EgressPolicy => ({
    knownGood: [...base.knownGood, ...(over.knownGood ?? [])],
    protectedPaths: [...base.protectedPaths, ...(over.protectedPaths ?? [])],
    protectedBranches: [...base.protectedBranches, ...(over.protectedBranches ?? [])],
    unknownDestination: over.unknownDestination ?? base.unknownDestination,
    protectedTarget: over.protectedTarget ?? base.protectedTarget,
    unreachable: over.unreachable ?? base.unreachable,
  });
  const defaults = merge(DEFAULT_EGRESS_POLICY, file.defaults);
  return (workspace) => {
    const own = file.workspaces[workspace];
    return own ? merge(defaults, own) : defaults;
  };
}

/** The policy for each workspace: from `path` when set, else the defaults. */
export function loadEgressPolicy(path: string | undefined): (workspace: string) => EgressPolicy {
  if (!path) return () => DEFAULT_EGRESS_POLICY;
  return parseEgressPolicy(readFileSync(path, 'utf8'), path);
}

/** `github.com` matches itself; `*.corp.example` matches its subdomains and itself. */
export function hostAllowed(policy: EgressPolicy, host: string): boolean {
  const h = host.toLowerCase();
  return policy.knownGood.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? h === e.slice(2) || h.endsWith(e.slice(1)) : h === e;
  });
}

const globRegex = (glob: string) =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*\*\//g, '(?:.*/)?')
      .replace(/\*\*/g, '.*')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '[^/]')}$`,
  );

/** The protected-path glob this path falls under (`~` is the home directory), if any. */
export function protectedPath(policy: EgressPolicy, path: string, home?: string): string | undefined {
  const candidates = [path];
  if (home && path.startsWith(`${home}/`)) candidates.push(`~${path.slice(home.length)}`);
  return policy.protectedPaths.find((glob) => candidates.some((p) => globRegex(glob).test(p)));
}

/** The protected-branch glob a branch name falls under, if any. */
export function protectedBranch(policy: EgressPolicy, branch: string): string | undefined {
  return policy.protectedBranches.find((glob) => globRegex(glob).test(branch));
}
