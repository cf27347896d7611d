import { admits } from '../../policy/admits.js';
import { keyTarget, statementApplies } from '../../policy/applies.js';
import { AdmittedTokens } from '../../policy/query.js';
import { missingConditionKeyForOidcPrincipal } from '../access-analyzer.js';
import { githubAllows, where } from '../helpers.js';
import { statementAlone } from '../questions.js';
import type { PolicyRule } from '../rule.js';

export const noAudience: PolicyRule = {
  id: 'oidc.no-audience',
  severity: 'low',
  title: 'No condition on the token audience',
  rationale:
    'Without an aud condition that restricts it (none at all, StringLike "*", a negated or IfExists form that lets any other value through), a token minted for another service (any audience a workflow asks for) is accepted as well; AWS recommends pinning aud to sts.amazonaws.com.',
  remediation: 'Add "StringEquals": {"token.actions.githubusercontent.com:aud": "sts.amazonaws.com"}.',
  references: [
    'https://github.com/aws-actions/configure-aws-credentials#oidc-audience',
    'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-idp_oidc.html',
  ],
  accessAnalyzer: [missingConditionKeyForOidcPrincipal],
  check(context) {
    // An audience nobody wrote down stands for every audience the policy does not name.
    const audience = context.freshName;
    return githubAllows(context).flatMap(({ statement, provider }) => {
      const onAud = statement.conditions.filter((c) => {
        const target = keyTarget(c.key, provider);
        return target.kind === 'claim' && target.claim === 'aud';
      });
      // The statement's aud conditions alone, with the Denies, decide: the other keys do not restrict aud.
      const fixed = { narrower: { fixed: { aud: audience } } };
      const audOnly = statementAlone(context.parsed.document, { ...statement, conditions: onAud });
      // Without a Deny every key left is aud, so one concrete token decides; a Deny may name other keys.
      const open = audOnly.statements.some((s) => s.effect === 'Deny' && statementApplies(s, provider))
        ? new AdmittedTokens(audOnly, fixed).find([], { provider }) !== undefined
        : admits(audOnly, { provider, claims: { aud: audience } });
      if (!open) return [];
      // A whole token only when the statement admits one: a statement that admits nothing still has no audience check.
      const alone = statementAlone(context.parsed.document, statement);
      const typical = context.tokens().find([], { view: context.viewOf(statement), provider });
      const swapped = typical && { ...typical, claims: { ...typical.claims, aud: audience } };
      const witness =
        swapped && !admits(alone, swapped)
          ? new AdmittedTokens(alone, fixed).find([], { provider })
          : swapped;
      const what =
        onAud.length === 0
          ? `has no condition on ${provider}:aud`
          : `lets any audience through its conditions on ${provider}:aud (${onAud.map((c) => c.operator).join(', ')})`;
      return [
        {
          message: `${where(statement)} ${what}: it does not stop a token issued for another audience, e.g. "${audience}"`,
          evidence: { statement: statement.index, provider, ...(witness ? { witness } : {}) },
        },
      ];
    });
  },
};
