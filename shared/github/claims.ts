/** The GitHub Actions OIDC issuer host; a GitHub Enterprise custom issuer adds `/<slug>`. */
export const GITHUB_PROVIDER = 'token.actions.githubusercontent.com';
export const DEFAULT_AUDIENCE = 'sts.amazonaws.com';

export function isGitHubProvider(provider: string): boolean {
  const p = provider.toLowerCase();
  return p === GITHUB_PROVIDER || p.startsWith(`${GITHUB_PROVIDER}/`);
}

/**
 * Token claims that AWS STS exposes as condition keys for a GitHub provider (`sub` and `aud` always;
 * the others since 2026). A key naming any other claim is never present in the request.
 */
export const STS_GITHUB_CLAIMS = [
  'sub',
  'aud',
  'actor',
  'actor_id',
  'job_workflow_ref',
  'repository',
  'repository_id',
  'workflow',
  'ref',
  'environment',
  'enterprise_id',
] as const;

/** Claims that restrict which workflows get in, as `sub` does. */
export const SUBJECT_LIKE_CLAIMS = ['sub', 'job_workflow_ref', 'repository', 'repository_id'];

/** Claims a GitHub token may lack: `environment` only when the job names one, `enterprise_id` only for enterprise accounts. */
export const OPTIONAL_CLAIMS = ['environment', 'enterprise_id'];

export function isStsGitHubClaim(claim: string): boolean {
  return (STS_GITHUB_CLAIMS as readonly string[]).includes(claim.toLowerCase());
}
