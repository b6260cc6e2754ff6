/**
 * The secrets an action's text carries, each by kind and fingerprint, so the same secret read from a file
 * and later sent in a request can be followed across events. The collector masks secrets at rest
 * (`[secret:<kind>:<fingerprint>]`, keyed fingerprints); a deployment that keeps clear text gets unkeyed
 * fingerprints computed here. Either way the secret itself is never returned.
 */
import { locateSecrets, plainFingerprint } from '../../schemas/secrets.ts';
import type { SecretFinding } from './types.ts';

const MAX_FINDINGS = 100;

export { plainFingerprint as fingerprint } from '../../schemas/secrets.ts';

export function findSecrets(text: string): SecretFinding[] {
  const findings = new Map<string, SecretFinding>();
  for (const span of locateSecrets(text)) {
    const fingerprint = span.fingerprint ?? plainFingerprint(span.value!);
    if (!findings.has(fingerprint)) findings.set(fingerprint, { kind: span.kind, fingerprint });
    if (findings.size >= MAX_FINDINGS) break;
  }
  return [...findings.values()];
}
