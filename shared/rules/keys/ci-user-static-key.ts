import { type AccountRule, userResource } from '../account-rule.js';

export const keysCiUserStaticKey: AccountRule = {
  id: 'keys.ci-user-static-key',
  severity: 'medium',
  title: 'CI user still holds a static access key',
  rationale:
    'GitHub Actions can assume a role with short-lived OIDC credentials; a static key in a CI secret is a long-lived credential that every workflow with access to the secret can exfiltrate.',
  remediation:
    'Create a role trusted by token.actions.githubusercontent.com for the repository (pinned sub), switch the workflow to aws-actions/configure-aws-credentials with role-to-assume, then delete the key.',
  references: [
    'https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-workloads-use-roles',
  ],
  check({ ciUsers }) {
    return ciUsers
      .filter((u) => u.keys.some((k) => k.active))
      .map((user) => ({
        resource: userResource(user),
        message: `CI user ${user.name} has ${user.keys.filter((k) => k.active).length} active access key(s): migrate it to OIDC`,
        evidence: {
          user: user.name,
          activeKeys: user.keys.filter((k) => k.active).map((k) => ({ slot: k.slot, keyId: k.id })),
        },
        detail: {},
      }));
  },
};
