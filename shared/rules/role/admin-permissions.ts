import { type AccountRule, roleResource } from '../account-rule.js';
import { ADMINISTRATOR_ACCESS, allowStatements } from './permissions.js';

export const roleAdminPermissions: AccountRule = {
  id: 'role.admin-permissions',
  severity: 'high',
  title: 'GitHub-trusted role has administrator permissions',
  rationale:
    'Every workflow the trust policy admits acts as an administrator of the account: one compromised dependency or one widened subject pattern is a full account takeover.',
  remediation:
    'Grant the role only the actions and resources its deployments need; keep administration out of CI.',
  references: ['CIS AWS Foundations Benchmark v3.0.0 1.16', 'AWS Security Hub IAM.1'],
  check({ githubRoles }) {
    return githubRoles.flatMap((role) => {
      const managed = (role.attachedPolicies ?? []).some((p) => p.arn === ADMINISTRATOR_ACCESS);
      const wildcard = allowStatements(role).filter(
        (s) => s.actions.includes('*') && s.resources.includes('*'),
      );
      if (!managed && wildcard.length === 0) return [];
      const sources = [...(managed ? [ADMINISTRATOR_ACCESS] : []), ...wildcard.map((s) => s.policy)];
      return [
        {
          resource: roleResource(role),
          message: `${role.name} is trusted by GitHub Actions and has administrator permissions (${sources.join(', ')})`,
          evidence: { role: role.name, policies: sources },
        },
      ];
    });
  },
};
