import { isGitHubProvider } from '../github/claims.js';
import type { GitHubSettings } from '../github/templates.js';
import { type BudgetOptions, withinBudget } from '../policy/budget.js';
import type { ParsedPolicy } from '../policy/model.js';
import { type OwnerAnalysis, owners } from '../policy/owners.js';
import { freshName } from '../policy/query.js';
import { providersOf } from '../policy/space.js';
import { POLICY_RULES } from './catalog.js';
import { prepareQuestions } from './questions.js';
import type { PolicyContext, Severity } from './rule.js';

export interface LintFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
}

export interface LintOptions {
  allowedOwners?: string[];
  github?: GitHubSettings;
  /** How much search the whole lint of one policy may do (see budget.ts). */
  budget?: BudgetOptions;
}

/**
 * Runs every policy rule on one trust policy, all of them under one budget: throws ComplexityError
 * (naming the statement and condition key) when the policy needs more.
 */
export function lintPolicy(parsed: ParsedPolicy, options: LintOptions = {}): LintFinding[] {
  return withinBudget(options.budget, () => lintWithin(parsed, options));
}

function lintWithin(parsed: ParsedPolicy, options: LintOptions): LintFinding[] {
  let ownerAnalysis: OwnerAnalysis[] | undefined;
  let questions: ReturnType<typeof prepareQuestions> | undefined;
  const fresh = freshName(parsed.document);
  const prepared = () => {
    questions ??= prepareQuestions(parsed.document, fresh, options.github);
    return questions;
  };
  const context: PolicyContext = {
    parsed,
    githubProviders: providersOf([parsed.document]).filter(isGitHubProvider),
    freshName: fresh,
    tokens: () => prepared().tokens,
    viewOf: (statement) => prepared().viewOf(statement),
    owners: () => {
      ownerAnalysis ??= owners(parsed.document, context.tokens(), options.github);
      return ownerAnalysis;
    },
    ...(options.allowedOwners ? { allowedOwners: options.allowedOwners } : {}),
    ...(options.github ? { github: options.github } : {}),
  };
  return POLICY_RULES.flatMap((rule) =>
    rule.check(context).map((hit) => ({
      ruleId: rule.id,
      severity: hit.severity ?? rule.severity,
      message: hit.message,
      evidence: hit.evidence,
    })),
  );
}
