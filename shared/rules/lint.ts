import { isGitHubProvider } from '../github/claims.js';
import type { ParsedPolicy } from '../policy/model.js';
import { type OwnerAnalysis, ownerCandidates, ownerProbe, owners } from '../policy/owners.js';
import { AdmittedTokens, freshName } from '../policy/query.js';
import { providersOf } from '../policy/space.js';
import { POLICY_RULES } from './catalog.js';
import { repositoryProbe } from './oidc/any-repo.js';
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
  let tokens: AdmittedTokens | undefined;
  const fresh = freshName(parsed.document);
  const context: PolicyContext = {
    parsed,
    githubProviders: providersOf([parsed.document]).filter(isGitHubProvider),
    freshName: fresh,
    tokens: () => {
      const candidates = ownerCandidates(parsed.document);
      tokens ??= new AdmittedTokens(parsed.document, [
        ...candidates.map(ownerProbe),
        ...candidates.map((o) => repositoryProbe(parsed.document, o, fresh)),
      ]);
      return tokens;
    },
    owners: () => {
      ownerAnalysis ??= owners(parsed.document, context.tokens());
      return ownerAnalysis;
    },
    ...(options.allowedOwners ? { allowedOwners: options.allowedOwners } : {}),
  };
  return POLICY_RULES.flatMap((rule) =>
    rule.check(context).map((hit) => ({
      ruleId: rule.id,
      severity: rule.severity,
      message: hit.message,
      evidence: hit.evidence,
    })),
  );
}
