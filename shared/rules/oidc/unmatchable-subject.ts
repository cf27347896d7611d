import { githubClauses, isPositiveString, where } from '../helpers.js';
import { valueProbe } from '../questions.js';
import type { PolicyRule } from '../rule.js';

/** The usual reason a subject value cannot match, for the message. */
function hint(value: string): string {
  if (/refs\/head\//.test(value)) return 'branches are "refs/heads/…" (plural)';
  if (/^repo:[^:]*github\.com\//.test(value)) return 'the repository is "OWNER/REPO" without "github.com/"';
  if (/:environment:[^:]*:pull_request/.test(value))
    return 'a pull_request subject never names an environment';
  if (/^repo:[^:]+:(?!ref:|environment:|pull_request|job_workflow_ref:)[^*]/.test(value)) {
    return 'after the repository comes "ref:refs/heads/…", "ref:refs/tags/…", "environment:…" or "pull_request"';
  }
  if (/^repo:?$/.test(value)) return 'the value stops before naming a repository';
  return 'no subject GitHub issues has this shape';
}

export const unmatchableSubject: PolicyRule = {
  id: 'oidc.unmatchable-subject',
  severity: 'medium',
  title: 'Subject value no GitHub token can carry',
  rationale:
    'A sub value that no GitHub subject can match never admits anything: the workflow it was written for fails, and someone may "fix" it by widening the pattern.',
  remediation:
    'Write the subject as GitHub issues it: "repo:OWNER/REPO:ref:refs/heads/BRANCH", "repo:OWNER/REPO:environment:NAME", "repo:OWNER/REPO:pull_request".',
  references: ['https://docs.github.com/en/actions/reference/security/oidc#example-subject-claims'],
  check(context) {
    const version = context.parsed.document.version;
    return githubClauses(context)
      .filter(({ claim, clause }) => claim === 'sub' && isPositiveString(clause))
      .flatMap(({ statement, clause }) =>
        clause.values
          .filter((_, i) => !context.tokens().carriable(valueProbe(clause, i, version)))
          .map((value) => ({
            message: `${where(statement)}: sub value "${value}" matches no subject GitHub can issue — ${hint(value)}`,
            evidence: { statement: statement.index, operator: clause.operator, value },
          })),
      );
  },
};
