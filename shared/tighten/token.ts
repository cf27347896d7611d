import { DEFAULT_AUDIENCE } from '../github/claims.js';
import { alignToSubject, CORRELATED_CLAIMS } from '../github/consistent.js';
import type { Token } from '../policy/model.js';

/**
 * The `key:value` pairs of a customized subject (`include_claim_keys`): `repo:OWNER/REPO`, then each
 * key with its value; `pull_request` stands alone. A value never holds a raw `:` (GitHub sends `%3A`).
 */
export function subjectPairs(sub: string): Map<string, string> {
  const parts = sub.split(':');
  const pairs = new Map<string, string>();
  for (let i = 0; i < parts.length; ) {
    const key = parts[i] as string;
    if (key === 'pull_request') {
      i += 1;
      continue;
    }
    const value = parts[i + 1];
    if (value !== undefined && !pairs.has(key)) pairs.set(key, value);
    i += 2;
  }
  return pairs;
}

/** The reusable workflow a subject names (a template with `job_workflow_ref`), or undefined. */
export function subjectWorkflow(sub: string): string | undefined {
  return subjectPairs(sub).get('job_workflow_ref');
}

/**
 * The token a workflow with this subject presents, as far as the counters tell: the audience (by
 * default the one configure-aws-credentials asks for), and the claims GitHub sets in agreement with the subject
 * (repository, its id, ref, environment, and the reusable workflow a customized subject names).
 */
export function observedToken(sub: string, provider: string, aud = DEFAULT_AUDIENCE): Token {
  const workflow = subjectWorkflow(sub);
  return alignToSubject(
    {
      provider,
      claims: { sub, aud, ...(workflow !== undefined ? { job_workflow_ref: workflow } : {}) },
    },
    CORRELATED_CLAIMS,
  );
}
