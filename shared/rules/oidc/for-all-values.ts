import { SUBJECT_LIKE_CLAIMS } from '../../github/claims.js';
import { githubClauses, where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const forAllValues: PolicyRule = {
  id: 'oidc.for-all-values',
  severity: 'high',
  title: 'ForAllValues or IfExists on a subject key',
  rationale:
    'ForAllValues: and …IfExists conditions are true when the key is absent from the request, so they restrict nothing the moment the claim is not sent (a customized subject, a renamed claim, another provider).',
  remediation: 'Use the plain operator (StringEquals / StringLike) on single-valued keys such as sub.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html',
  ],
  check(context) {
    return githubClauses(context)
      .filter(
        ({ claim, clause }) =>
          SUBJECT_LIKE_CLAIMS.includes(claim) && (clause.setQualifier === 'ForAllValues' || clause.ifExists),
      )
      .map(({ statement, clause }) => ({
        message: `${where(statement)} uses ${clause.operator} on ${clause.key}: it is true when the key is absent`,
        evidence: { statement: statement.index, operator: clause.operator, key: clause.key },
      }));
  },
};
