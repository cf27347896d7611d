/**
 * The IAM Access Analyzer policy-validation checks about GitHub OIDC trust policies, so that a user
 * who meets one in the IAM console or in `aws accessanalyzer validate-policy` finds the trustwatch rule
 * that decides the same concern. Titles, finding types and meanings as in AWS's "IAM policy validation
 * check reference" (access-analyzer-reference-policy-checks).
 */
export interface AccessAnalyzerCheck {
  /** The finding's title as Access Analyzer shows it. */
  title: string;
  /** The `findingType` ValidatePolicy returns. */
  findingType: 'SECURITY_WARNING' | 'WARNING';
  /** What Access Analyzer looks at. */
  looksFor: string;
  /** How trustwatch decides the same concern, and where the answers differ. */
  trustwatch: string;
  url: string;
}

const REFERENCE =
  'https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html';

export const missingGithubRepoConditionKey: AccessAnalyzerCheck = {
  title: 'Missing github repo condition key',
  findingType: 'SECURITY_WARNING',
  looksFor:
    'a statement trusting the GitHub OIDC provider without a token.actions.githubusercontent.com:sub condition key',
  trustwatch:
    'oidc.no-subject-restriction decides whether any condition actually restricts the subject: it also fires when a sub condition is present but admits every subject (StringLike "*", or "*" among the values), and stays quiet when job_workflow_ref or repository restrict the workflow instead.',
  url: `${REFERENCE}#access-analyzer-reference-policy-checks-security-warning-missing-github-repo-condition-key`,
};

export const specificGithubRepoAndBranchRecommended: AccessAnalyzerCheck = {
  title: 'Specific github repo and branch recommended',
  findingType: 'WARNING',
  looksFor: 'a wildcard (*) in the value of token.actions.githubusercontent.com:sub',
  trustwatch:
    'trustwatch reports what the wildcard lets in, with a subject that gets in: repositories of other owners (oidc.any-owner, critical), any repository of a listed owner (oidc.any-repo), any branch, tag or environment of a repository (oidc.any-ref). The finding is about what gets in, not about the "*" itself.',
  url: `${REFERENCE}#access-analyzer-reference-policy-checks-general-warning-specific-github-repo-and-branch-recommended`,
};

export const missingConditionKeyForOidcPrincipal: AccessAnalyzerCheck = {
  title: 'Missing condition key for oidc principal',
  findingType: 'SECURITY_WARNING',
  looksFor: 'a statement trusting an OIDC provider with no condition key of that provider',
  trustwatch:
    'For GitHub providers, oidc.no-subject-restriction reports the statement that admits any workflow and oidc.no-audience the one that admits any audience; each names the statement and provider.',
  url: `${REFERENCE}#access-analyzer-reference-policy-checks-security-warning-missing-condition-key-for-oidc-principal`,
};

export const ACCESS_ANALYZER_CHECKS: AccessAnalyzerCheck[] = [
  missingGithubRepoConditionKey,
  specificGithubRepoAndBranchRecommended,
  missingConditionKeyForOidcPrincipal,
];
