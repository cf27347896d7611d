import { isGitHubProvider } from '../github/claims.js';
import { statementApplies } from '../policy/applies.js';
import type { PolicyDocument } from '../policy/model.js';
import { parsePolicy } from '../policy/parse.js';
import { providersOf } from '../policy/space.js';

/**
 * Whether an Allow statement of the trust policy lets a GitHub Actions token in (a GitHub provider,
 * or a wildcard principal, with sts:AssumeRoleWithWebIdentity). Unreadable policies are not GitHub-trusted.
 */
export function trustsGitHub(trustPolicy: unknown): boolean {
  let document: PolicyDocument;
  try {
    document = parsePolicy(trustPolicy).document;
  } catch {
    return false;
  }
  return providersOf([document])
    .filter(isGitHubProvider)
    .some((provider) =>
      document.statements.some((s) => s.effect === 'Allow' && statementApplies(s, provider)),
    );
}
