import type { BaselineRole } from '../../baseline/baseline.js';
import type { Role } from '../../inventory/snapshot.js';
import { ComplexityError } from '../../policy/budget.js';
import { compare } from '../../policy/compare.js';
import type { Comparison, PolicyDocument } from '../../policy/model.js';
import { parsePolicy } from '../../policy/parse.js';
import { isSamlProvider } from '../../policy/principals.js';
import { admittedNoun, witnessText } from '../../policy/token-text.js';
import { type AccountHit, type AccountRule, type AuditContext, roleResource } from '../account-rule.js';

/** The sub values of the Allow statements, for a before/after a person can read. */
export function subjectPatterns(policy: PolicyDocument): string[] {
  return policy.statements
    .filter((s) => s.effect === 'Allow')
    .flatMap((s) =>
      s.conditions.filter((c) => c.key.toLowerCase().endsWith(':sub')).flatMap((c) => c.values),
    );
}

/** The principals other than OIDC providers that Allow statements name (`AWS arn:...`, `Service ...`, `*`). */
export function otherPrincipals(policy: PolicyDocument): string[] {
  const out = new Set<string>();
  for (const s of policy.statements) {
    if (s.effect !== 'Allow' || !s.principal) continue;
    if (s.principal === '*') out.add('*');
    else
      for (const [type, values] of Object.entries(s.principal))
        for (const v of values)
          if (type !== 'Federated' || isSamlProvider(v) || v === '*') out.add(`${type} ${v}`);
  }
  return [...out];
}

interface TrustChange {
  before: BaselineRole;
  after?: Role;
  comparison?: Comparison;
  /** Why the comparison could not be made: too complex to decide (the audit reports it). */
  refused?: ComplexityError;
  beforePolicy: PolicyDocument;
  afterPolicy?: PolicyDocument;
}

/** Each baseline role against the same role now; computed once for both drift rules. */
const changes = new WeakMap<AuditContext, TrustChange[]>();

function trustChanges(context: AuditContext): TrustChange[] {
  let list = changes.get(context);
  if (!list) {
    const current = new Map(context.snapshot.roles.map((r) => [r.name, r]));
    list = (context.baseline?.ciRoles ?? []).map((before) => {
      const after = current.get(before.name);
      const beforePolicy = parsePolicy(before.trustPolicy).document;
      if (!after) return { before, beforePolicy };
      const afterPolicy = parsePolicy(after.trustPolicy).document;
      try {
        const comparison = compare(beforePolicy, afterPolicy, {
          github: context.config.github,
          ...(context.budget ? { budget: context.budget } : {}),
        });
        return { before, after, beforePolicy, afterPolicy, comparison };
      } catch (error) {
        if (!(error instanceof ComplexityError)) throw error;
        return { before, after, beforePolicy, afterPolicy, refused: error };
      }
    });
    changes.set(context, list);
  }
  return list;
}

/** The roles whose comparison with their baseline was refused as too complex, with the reason. */
export function driftRefusals(context: AuditContext): { role: Role; error: ComplexityError }[] {
  return trustChanges(context).flatMap(({ after, refused }) =>
    after && refused ? [{ role: after, error: refused }] : [],
  );
}

/** Before and after lists of the other principals, when either policy names one. */
function principalChange(before: PolicyDocument, after: PolicyDocument): Record<string, string[]> {
  const principalsBefore = otherPrincipals(before);
  const principalsAfter = otherPrincipals(after);
  return principalsBefore.length + principalsAfter.length > 0 ? { principalsBefore, principalsAfter } : {};
}

export const trustWider: AccountRule = {
  id: 'drift.trust-wider',
  severity: 'critical',
  title: 'Trust policy admits more than its baseline',
  rationale:
    'The role now lets in GitHub workflows, or other principals (an AWS account, role, user, service or SAML provider), that the reviewed policy did not: the witness below is a concrete token or principal that gets in now and did not before. A role that stops trusting GitHub but trusts someone else admits more, not less.',
  remediation:
    'Restore the reviewed trust policy (the baseline) or, if the change was intended, review it and capture a new baseline.',
  references: ['https://stratus-red-team.cloud/attack-techniques/AWS/aws.persistence.iam-backdoor-role/'],
  check(context) {
    return trustChanges(context).flatMap(({ after, comparison, beforePolicy, afterPolicy }): AccountHit[] => {
      if (!after || !comparison || !afterPolicy) return [];
      if (comparison.verdict !== 'wider' && comparison.verdict !== 'incomparable') return [];
      const witness = comparison.newlyAdmitted[0];
      return [
        {
          resource: roleResource(after),
          message: `${after.name} now admits ${admittedNoun(comparison.newlyAdmitted)} its baseline did not, e.g. ${witnessText(witness)}`,
          evidence: {
            verdict: comparison.verdict,
            newlyAdmitted: comparison.newlyAdmitted,
            noLongerAdmitted: comparison.noLongerAdmitted,
            before: subjectPatterns(beforePolicy),
            after: subjectPatterns(afterPolicy),
            ...principalChange(beforePolicy, afterPolicy),
            notes: comparison.notes,
          },
          detail: { trustPolicy: after.trustPolicy },
        },
      ];
    });
  },
};

export const trustNarrower: AccountRule = {
  id: 'drift.trust-narrower',
  severity: 'info',
  title: 'Trust policy admits less than its baseline',
  rationale:
    'The role admits fewer workflows or principals than reviewed: safe, but a deployment may start failing, and the baseline is out of date.',
  remediation:
    'If intended, capture a new baseline so that the next widening is measured against this policy.',
  references: [],
  check(context) {
    return trustChanges(context).flatMap(({ before, after, comparison }): AccountHit[] => {
      if (!after) {
        return [
          {
            resource: { type: 'role', arn: before.arn, name: before.name },
            message: `${before.name} from the baseline no longer exists (deleted or renamed): it admits nothing now`,
            evidence: { role: before.name, deleted: true },
          },
        ];
      }
      if (comparison?.verdict !== 'narrower') return [];
      return [
        {
          resource: roleResource(after),
          message: `${after.name} admits fewer ${admittedNoun(comparison.noLongerAdmitted)} than its baseline, e.g. no longer ${witnessText(comparison.noLongerAdmitted[0])}`,
          evidence: { noLongerAdmitted: comparison.noLongerAdmitted },
          detail: { trustPolicy: after.trustPolicy },
        },
      ];
    });
  },
};
