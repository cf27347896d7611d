import type { PolicyDocument } from '../../policy/model.js';
import type { Probe } from '../../policy/space.js';
import type { PolicyRule } from '../rule.js';

/** Subjects of a repository of `owner` that nobody named (`fresh`), immutable form too where the policy uses it. */
export function repositoryProbe(policy: PolicyDocument, owner: string, fresh: string): Probe {
  const immutable = policy.statements.some((s) =>
    s.conditions.some((c) => c.values.some((v) => /^repo:[^/]*@/.test(v))),
  );
  // The immutable form costs a search with inner wildcards: only asked when the policy uses it.
  return {
    claim: 'sub',
    patterns: [`repo:${owner}/${fresh}:*`, ...(immutable ? [`repo:${owner}@*/${fresh}@*:*`] : [])],
  };
}

export const anyRepo: PolicyRule = {
  id: 'oidc.any-repo',
  severity: 'medium',
  title: 'Any repository of an owner can assume the role',
  rationale:
    'A pattern like repo:my-org/* lets every repository of the owner in, including ones created later by anyone with repository-creation rights.',
  remediation: 'List the repositories that deploy: "repo:my-org/app:…" values instead of "repo:my-org/*".',
  references: [],
  check(context) {
    return context.owners().flatMap((analysis) =>
      analysis.owners.flatMap((owner) => {
        const probe = repositoryProbe(context.parsed.document, owner, context.freshName);
        const witness = context.tokens().find([probe], analysis.provider);
        return witness
          ? [
              {
                message: `any repository of "${owner}" can assume the role, e.g. sub "${witness.claims.sub}"`,
                evidence: { owner, witness },
              },
            ]
          : [];
      }),
    );
  },
};
