import { statementApplies } from '../../policy/applies.js';
import type { PolicyDocument, Statement } from '../../policy/model.js';
import { callerSpace, firstAdmitted, freshAccount, partitionOf } from '../../policy/principal-space.js';
import type { Caller } from '../../policy/principals.js';
import { freshName } from '../../policy/query.js';
import { witnessText } from '../../policy/token-text.js';
import { where } from '../helpers.js';
import { statementAlone } from '../questions.js';
import type { PolicyRule, RuleHit } from '../rule.js';

/**
 * Whether a statement lets an AWS account nobody named assume the role. The engine decides, not a list
 * of keys: the fresh account is in no organization the policy names (or in none), its roles and users
 * are its own, and it supplies whatever request values it likes (an sts:ExternalId is a value the
 * caller sends, not who the caller is).
 */
function foreignAccountWitness(policy: PolicyDocument, statement: Statement): RuleHit | undefined {
  const text = JSON.stringify(policy);
  const caller: Caller = { kind: 'aws', account: freshAccount(text), partition: partitionOf(text) };
  if (statement.effect !== 'Allow' || !statementApplies(statement, '', caller)) return undefined;
  const org = `o-${freshName(policy).toLowerCase()}`;
  const space = callerSpace([statementAlone(policy, statement)], caller, {
    pins: {
      'aws:principalorgid': [null, org],
      'aws:principalorgpaths': [null, `${org}/r-${org.slice(2, 6)}/ou-${org.slice(2, 6)}-${org.slice(2)}/`],
    },
  });
  const witness = firstAdmitted(space);
  if (!witness) return undefined;
  return {
    message: `${where(statement)} lets any AWS account assume the role: nothing restricts the wildcard principal, e.g. ${witnessText(witness)}`,
    evidence: { statement: statement.index, witness },
  };
}

export const anyPrincipal: PolicyRule = {
  id: 'trust.any-principal',
  severity: 'critical',
  title: 'Any AWS account can assume the role',
  rationale:
    'An Allow with Principal "*" (or {"AWS": "*"}) for sts:AssumeRole lets every principal of every AWS account in unless a condition ties the caller to your organization, accounts or roles (aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn) or to a service acting for your resources (aws:SourceAccount, aws:SourceArn). Conditions on values the caller chooses, such as sts:ExternalId or principal tags, do not say who the caller is.',
  remediation:
    'Name the accounts or roles that may assume the role in Principal, or add a condition on aws:PrincipalOrgID, aws:PrincipalAccount or aws:PrincipalArn that admits only principals you control.',
  references: [
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html',
  ],
  check(context) {
    const policy = context.parsed.document;
    return policy.statements.flatMap((s) => {
      const hit = foreignAccountWitness(policy, s);
      return hit ? [hit] : [];
    });
  },
};
