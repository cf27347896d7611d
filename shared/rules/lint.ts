import { isGitHubProvider } from '../github/claims.js';
import type { ParsedPolicy } from '../policy/model.js';
import { type OwnerAnalysis, owners } from '../policy/owners.js';
import { providersOf } from '../policy/space.js';
import { POLICY_RULES } from './catalog.js';
import type { PolicyContext, Severity } from './rule.js';

export interface LintFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  evidence: Record<string, unknown>;
}

export interface LintOptions {
  allowedOwners?: string[];
}

/** Runs every policy rule on one trust policy. */
export function lintPolicy(parsed: ParsedPolicy, options: LintOptions = {}): LintFinding[] {
  let ownerAnalysis: OwnerAnalysis[] | undefined;
  const context: PolicyContext = {
    parsed,
    githubProviders: providersOf([parsed.document]).filter(isGitHubProvider),
    owners: () => {
      ownerAnalysis ??= owners(parsed.document);
      return ownerAnalysis;
    },
    ...(options.allowedOwners ? { allowedOwners: options.allowedOwners } : {}),
  };
  return POLICY_RULES.flatMap((rule) =>
    rule.check(context).map((hit) => ({ ruleId: rule.id, severity: rule.severity, message: hit.message, evidence: hit.evidence })),
  );
}
