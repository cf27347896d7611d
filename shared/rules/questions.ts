import { SUBJECT_LIKE_CLAIMS } from '../github/claims.js';
import type { GitHubSettings } from '../github/templates.js';
import type { ConditionClause, PolicyDocument, Statement } from '../policy/model.js';
import { clausePatterns } from '../policy/operators.js';
import { ownerCandidates, ownerProbe } from '../policy/owners.js';
import { AdmittedTokens } from '../policy/query.js';
import { globProbe, type Probe } from '../policy/space.js';

/** Subjects of a repository of `owner` that nobody named (`fresh`), immutable form too where the policy uses it. */
export function repositoryProbe(policy: PolicyDocument, owner: string, fresh: string): Probe {
  const immutable = policy.statements.some((s) =>
    s.conditions.some((c) => c.values.some((v) => /^repo:[^/]*@/.test(v))),
  );
  // The immutable form costs a search with inner wildcards: only asked when the policy uses it.
  return globProbe('sub', [
    `repo:${owner}/${fresh}:*`,
    ...(immutable ? [`repo:${owner}@*/${fresh}@*:*`] : []),
  ]);
}

/** One written value of a condition on sub, as its operator reads it. */
export function valueProbe(clause: ConditionClause, index: number, version: string | undefined): Probe {
  return { claim: 'sub', patterns: [clausePatterns(clause, version)[index]].filter((p) => p !== undefined) };
}

/** A statement with the policy's Denies: what it lets in on its own. */
export function statementAlone(policy: PolicyDocument, statement: Statement): PolicyDocument {
  return { ...policy, statements: [statement, ...policy.statements.filter((s) => s.effect === 'Deny')] };
}

/**
 * Every question the policy rules ask, prepared in one search of each key. Rules still get a correct
 * answer for a question not prepared here, only a slower one.
 */
export function prepareQuestions(
  policy: PolicyDocument,
  fresh: string,
  github?: GitHubSettings,
): { tokens: AdmittedTokens; viewOf: (s: Statement) => number } {
  const candidates = ownerCandidates(policy);
  const allows = policy.statements.filter((s) => s.effect === 'Allow');
  const subValues = policy.statements.flatMap((s) =>
    s.conditions
      .filter((c) => c.key.toLowerCase().endsWith(':sub'))
      .flatMap((c) => c.values.map((_, i) => valueProbe(c, i, policy.version))),
  );
  const tokens = new AdmittedTokens(policy, {
    probes: [
      ...candidates.map(ownerProbe),
      ...candidates.map((o) => repositoryProbe(policy, o, fresh)),
      ...subValues,
    ],
    views: allows.map((s) => statementAlone(policy, s)),
    extraClaims: SUBJECT_LIKE_CLAIMS,
    pullRequests: true,
    ...(github ? { github } : {}),
  });
  return { tokens, viewOf: (s) => 1 + allows.indexOf(s) };
}
