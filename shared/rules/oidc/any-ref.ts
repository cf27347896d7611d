import type { Token } from '../../policy/model.js';
import { findAdmitted } from '../../policy/query.js';
import { specificGithubRepoAndBranchRecommended } from '../access-analyzer.js';
import { githubClauses, isPositiveString, templateNote } from '../helpers.js';
import type { PolicyRule } from '../rule.js';

export const anyRef: PolicyRule = {
  id: 'oidc.any-ref',
  severity: 'medium',
  title: 'Any branch, tag or environment of a repository can assume the role',
  rationale:
    'A pattern like repo:my-org/app:* admits every branch, tag and environment: anyone who can push a branch can run a workflow with the role, bypassing environment protection rules and branch protection.',
  remediation:
    'Pin the context: "repo:my-org/app:environment:production" or "repo:my-org/app:ref:refs/heads/main".',
  references: [
    'https://docs.github.com/en/actions/deployment/targeting-different-environments/using-environments-for-deployment',
  ],
  accessAnalyzer: [specificGithubRepoAndBranchRecommended],
  check(context) {
    const fresh = context.freshName;
    const repos = new Set<string>();
    for (const { claim, clause } of githubClauses(context)) {
      if (!isPositiveString(clause)) continue;
      for (const v of clause.values) {
        // Owner and repository as written, immutable ids included; a repository claim pins them as a
        // subject does, since one token's claims agree.
        const m =
          claim === 'sub'
            ? /^repo:([^/:*?]+)\/([^:*?]+):/.exec(v)
            : claim === 'repository'
              ? /^([^/:*?]+)\/([^/:*?]+)$/.exec(v)
              : null;
        if (m) repos.add(`${m[1]}/${m[2]}`);
      }
    }
    return [...repos].flatMap((repo) => {
      const [owner, name] = repo.split('/');
      // A name nobody wrote down, in each kind of context: fully determined subjects, so no search over sub.
      const subjects = [`ref:refs/heads/${fresh}`, `ref:refs/tags/${fresh}`, `environment:${fresh}`].map(
        (c) => `repo:${owner}/${name}:${c}`,
      );
      let witness: Token | undefined;
      for (const sub of subjects)
        witness ??= findAdmitted(context.parsed.document, [], { fixed: { sub } }, context.github);
      return witness
        ? [
            {
              message: `any branch, tag or environment of ${repo} can assume the role, e.g. sub "${witness.claims.sub}"${templateNote(context, witness)}`,
              evidence: { repository: repo, witness },
            },
          ]
        : [];
    });
  },
};
