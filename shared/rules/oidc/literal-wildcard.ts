import { operatorInfo } from '../../policy/operators.js';
import { githubClauses, where } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const literalWildcard: PolicyRule = {
  id: 'oidc.literal-wildcard',
  severity: 'medium',
  title: 'StringEquals value contains * or ?',
  rationale:
    'StringEquals compares * and ? literally: the value never matches as its author intended, so the role either fails or a second value is doing all the work.',
  remediation: 'Use StringLike for patterns, or remove the wildcard from the StringEquals value.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_String',
  ],
  check(context) {
    return githubClauses(context).flatMap(({ statement, clause }) => {
      const info = operatorInfo(clause.base);
      if (info?.kind !== 'string' || info.wildcards) return [];
      return clause.values
        .filter((v) => /[*?]/.test(v.replace(/\$\{[*?$]\}/g, '')))
        .map((value) => ({
          message: `${where(statement)}: ${clause.operator} value "${value}" on ${clause.key} contains a wildcard that is compared literally`,
          evidence: { statement: statement.index, operator: clause.operator, key: clause.key, value },
        }));
    });
  },
};
