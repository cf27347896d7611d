import { isGitHubProvider, isStsGitHubClaim } from '../github/claims.js';
import { keyTarget, statementApplies } from './applies.js';
import type { ConditionClause, PolicyDocument, Statement, Token } from './model.js';
import { compareOpaque } from './opaque.js';
import { clauseHolds, clausePatterns, hasVariables, type KeyView, operatorInfo } from './operators.js';
import { matchPattern, resolveVariables } from './pattern.js';
import { callerOf, callerValue, claimValue } from './principals.js';

/**
 * The value of a condition key in the request STS evaluates for this token, or undefined when absent.
 * For a request with a principal, a context key the token leaves out takes the value the caller fixes.
 */
export function requestValue(token: Token, key: string): string | undefined {
  const target = keyTarget(key, token.provider.toLowerCase());
  if (target.kind === 'foreign') return undefined;
  if (target.kind === 'claim' && isGitHubProvider(token.provider) && !isStsGitHubClaim(target.claim))
    return undefined;
  const wanted = target.kind === 'claim' ? target.claim : target.key;
  const own = claimValue(token, wanted);
  if (own !== undefined) return own;
  const caller = callerOf(token);
  return caller ? (callerValue(caller, wanted) ?? undefined) : undefined;
}

export function clauseHoldsFor(clause: ConditionClause, token: Token, version: string | undefined): boolean {
  const value = requestValue(token, clause.key);
  if (!hasVariables(clause, version)) return clauseHolds(clause, viewOf(clause, value, version));
  const values = clause.values.map((v) => resolveVariables(v, (key) => requestValue(token, key)));
  // AWS treats a statement whose variable it cannot resolve as invalid: it matches nothing.
  if (values.some((v) => v === undefined)) return false;
  const resolved = { ...clause, values: values as string[] };
  return clauseHolds(resolved, viewOf(resolved, value, version));
}

function viewOf(clause: ConditionClause, value: string | undefined, version: string | undefined): KeyView {
  if (value === undefined) return { present: false };
  if (operatorInfo(clause.base)?.kind === 'opaque') {
    return {
      present: true,
      valueMatches: (i) => compareOpaque(clause.base, value, clause.values[i] as string),
    };
  }
  const patterns = clausePatterns(clause, version);
  return {
    present: true,
    valueMatches: (i) => matchPattern(patterns[i] as (typeof patterns)[number], value),
  };
}

export function statementMatches(statement: Statement, token: Token, version: string | undefined): boolean {
  return (
    statementApplies(statement, token.provider.toLowerCase(), callerOf(token)) &&
    statement.conditions.every((c) => clauseHoldsFor(c, token, version))
  );
}

/**
 * IAM's decision on AssumeRoleWithWebIdentity with this token (or, for a token with a principal, on the
 * AssumeRole or AssumeRoleWithSAML call that principal makes): some Allow matches and no Deny does.
 */
export function admits(policy: PolicyDocument, token: Token): boolean {
  let allowed = false;
  for (const s of policy.statements) {
    if (!statementMatches(s, token, policy.version)) continue;
    if (s.effect === 'Deny') return false;
    allowed = true;
  }
  return allowed;
}
