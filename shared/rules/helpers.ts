import { declaredTemplateOf } from '../github/grammar.js';
import { keyTarget, statementApplies } from '../policy/applies.js';
import type { ConditionClause, Statement, Token } from '../policy/model.js';
import { operatorInfo } from '../policy/operators.js';
import type { PolicyContext } from './rule.js';

export interface GitHubClause {
  statement: Statement;
  clause: ConditionClause;
  provider: string;
  claim: string;
}

/** Allow statements that admit tokens of a GitHub provider, with that provider. */
export function githubAllows(context: PolicyContext): { statement: Statement; provider: string }[] {
  return context.parsed.document.statements.flatMap((statement) =>
    statement.effect === 'Allow'
      ? context.githubProviders
          .filter((p) => statementApplies(statement, p))
          .map((provider) => ({ statement, provider }))
      : [],
  );
}

/** Conditions of GitHub-admitting Allow statements that name a claim of that provider. */
export function githubClauses(context: PolicyContext): GitHubClause[] {
  return githubAllows(context).flatMap(({ statement, provider }) =>
    statement.conditions.flatMap((clause) => {
      const target = keyTarget(clause.key, provider);
      return target.kind === 'claim' ? [{ statement, clause, provider, claim: target.claim }] : [];
    }),
  );
}

/** Positive string conditions: the values that say which tokens get in. */
export function isPositiveString(clause: ConditionClause): boolean {
  const info = operatorInfo(clause.base);
  return info?.kind === 'string' && !info.negated;
}

export function where(statement: Statement): string {
  return `statement ${statement.index}${statement.sid ? ` (${statement.sid})` : ''}`;
}

/** Says so when the witness's subject exists only under a template the configuration declares. */
export function templateNote(context: PolicyContext, token: Token | undefined): string {
  const declared = declaredTemplateOf(token?.claims.sub ?? '', context.github ?? {});
  return declared
    ? ` (only under the subject template declared for ${declared.scope} (${declared.keys.join(', ')}))`
    : '';
}
