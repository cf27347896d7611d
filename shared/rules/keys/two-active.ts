import { type AccountRule, userResource } from '../account-rule.js';

export const keysTwoActive: AccountRule = {
  id: 'keys.two-active',
  severity: 'low',
  title: 'User with two active access keys',
  rationale:
    'Two active keys double what can leak; outside the minutes of a rotation one of them is forgotten.',
  remediation: 'Finish the rotation: deactivate and delete the key that is no longer used.',
  references: ['CIS AWS Foundations Benchmark v3.0.0 1.13'],
  check({ snapshot }) {
    return snapshot.users
      .filter((u) => u.keys.filter((k) => k.active).length > 1)
      .map((user) => ({
        resource: userResource(user),
        message: `${user.name} has two active access keys`,
        evidence: {
          user: user.name,
          keys: user.keys.map((k) => ({ slot: k.slot, keyId: k.id, created: k.created })),
        },
        detail: {},
      }));
  },
};
