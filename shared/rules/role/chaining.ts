import { type AccountRule, roleResource } from '../account-rule.js';
import { grants } from './permissions.js';

export const roleChaining: AccountRule = {
  id: 'role.chaining',
  severity: 'medium',
  title: 'GitHub-trusted role may assume other roles',
  rationale:
    'A CI role that can call sts:AssumeRole reaches whatever the roles it can assume reach: its blast radius is theirs too, and their trust policies become part of this one.',
  remediation:
    'Remove sts:AssumeRole from the role, or limit its Resource to the exact role ARNs the pipeline needs.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining',
  ],
  check({ githubRoles }) {
    return githubRoles.flatMap((role) => {
      const statements = grants(role, 'sts:AssumeRole');
      if (statements.length === 0) return [];
      const targets = [...new Set(statements.flatMap((s) => s.resources))];
      return [
        {
          resource: roleResource(role),
          message: `${role.name} may assume ${targets.includes('*') ? 'any role' : targets.join(', ')}`,
          evidence: { role: role.name, policies: [...new Set(statements.map((s) => s.policy))], targets },
        },
      ];
    });
  },
};
