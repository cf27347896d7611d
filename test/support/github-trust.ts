/** The account the tests' policies name unless a test creates roles in an account of its own. */
export const TEST_ACCOUNT = '123456789012';

export interface GitHubTrustOptions {
  /** The condition operator on `sub`; defaults to StringEquals. */
  operator?: string;
  /** More StringEquals claims (besides `aud`). */
  equals?: Record<string, string>;
  /** The account whose GitHub OIDC provider the policy trusts; defaults to TEST_ACCOUNT. */
  account?: string;
}

/** A GitHub trust policy document as teams write them: `aud` pinned, `sub` restricted with `operator`. */
export function githubTrust(
  sub: string | string[],
  options: GitHubTrustOptions = {},
): Record<string, unknown> {
  const { operator = 'StringEquals', equals = {}, account = TEST_ACCOUNT } = options;
  const condition: Record<string, Record<string, unknown>> = {
    StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com', ...equals },
  };
  condition[operator] = { ...condition[operator], 'token.actions.githubusercontent.com:sub': sub };
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: `arn:aws:iam::${account}:oidc-provider/token.actions.githubusercontent.com` },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: condition,
      },
    ],
  };
}
