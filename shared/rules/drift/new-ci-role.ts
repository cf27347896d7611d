import { trustsGitHub } from '../../inventory/github-trust.js';
import { ComplexityError } from '../../policy/budget.js';
import { compare } from '../../policy/compare.js';
import type { PolicyDocument } from '../../policy/model.js';
import { parsePolicy } from '../../policy/parse.js';
import { type AccountRule, roleResource } from '../account-rule.js';

export const newCiRole: AccountRule = {
  id: 'drift.new-ci-role',
  severity: 'high',
  title: 'New GitHub-trusted role',
  rationale:
    'A role that GitHub Actions can assume appeared without being reviewed into the baseline: a new way into the account.',
  remediation: 'Review the role and its trust policy, then capture a new baseline; or delete the role.',
  references: [],
  check({ baseline, config, githubRoles, snapshot, budget }) {
    if (!baseline) return [];
    const known = new Set(baseline.ciRoles.map((r) => r.name));
    const present = new Set(snapshot.roles.map((r) => r.name));
    const gone = baseline.ciRoles.filter((r) => !present.has(r.name));
    return githubRoles
      .filter((r) => !known.has(r.name) && trustsGitHub(r.trustPolicy))
      .map((role) => {
        const policy = parsePolicy(role.trustPolicy).document;
        // A deleted baseline role with the same trust was most likely renamed to this one.
        const sameTrust = (before: PolicyDocument) => {
          try {
            const options = { github: config.github, ...(budget ? { budget } : {}) };
            return compare(before, policy, options).verdict === 'equal';
          } catch (error) {
            // Too complex to tell: not called a rename (the role is reported as new all the same).
            if (error instanceof ComplexityError) return false;
            throw error;
          }
        };
        const renamedFrom = gone.find((g) => sameTrust(parsePolicy(g.trustPolicy).document));
        return {
          resource: roleResource(role),
          message: renamedFrom
            ? `${role.name} is trusted by GitHub Actions and not in the baseline; it has the trust policy of ${renamedFrom.name}, which is gone (renamed?)`
            : `${role.name} is trusted by GitHub Actions and not in the baseline`,
          evidence: { role: role.name, ...(renamedFrom ? { renamedFrom: renamedFrom.name } : {}) },
        };
      });
  },
};
