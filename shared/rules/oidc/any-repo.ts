import { findAdmitted, freshName } from '../../policy/query.js';
import type { PolicyRule } from '../rule.js';

export const anyRepo: PolicyRule = {
  id: 'oidc.any-repo',
  severity: 'medium',
  title: 'Any repository of an owner can assume the role',
  rationale: 'A pattern like repo:my-org/* lets every repository of the owner in, including ones created later by anyone with repository-creation rights.',
  remediation: 'List the repositories that deploy: "repo:my-org/app:…" values instead of "repo:my-org/*".',
  references: [],
  check(context) {
    const fresh = freshName(context.parsed.document);
    const immutable = context.parsed.document.statements.some((s) =>
      s.conditions.some((c) => c.values.some((v) => /^repo:[^/]*@/.test(v))),
    );
    return context.owners().flatMap((analysis) =>
      analysis.owners.flatMap((owner) => {
        const witness = findAdmitted(context.parsed.document, [
          { claim: 'sub', patterns: [`repo:${owner}/${fresh}:*`, ...(immutable ? [`repo:${owner}@*/${fresh}@*:*`] : [])] },
        ]);
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
