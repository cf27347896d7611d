import type { PolicyRule } from '../rule.js';

export const ownerNotAllowed: PolicyRule = {
  id: 'oidc.owner-not-allowed',
  severity: 'high',
  title: 'Role admits an owner outside allowedOwners',
  rationale:
    'The configuration lists the GitHub owners whose workflows may reach this account; the role admits another one.',
  remediation:
    'Remove the subject values of the other owner, or add the owner to allowedOwners after review.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html#idp_oidc_Create_GitHub',
  ],
  check(context) {
    const allowed = context.allowedOwners;
    if (!allowed) return [];
    // GitHub owner names are case-insensitive: My-Org and my-org are one account.
    const lower = new Set(allowed.map((o) => o.toLowerCase()));
    return context.owners().flatMap((analysis) =>
      analysis.owners
        .filter((o) => !lower.has(o.toLowerCase()))
        .map((owner) => ({
          message: `owner "${owner}" can assume the role but is not in allowedOwners (${allowed.join(', ')})`,
          evidence: { provider: analysis.provider, owner, allowedOwners: allowed },
        })),
    );
  },
};
