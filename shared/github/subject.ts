/** The parts of a default-form GitHub subject (`repo:OWNER[@ID]/REPO[@ID]:CONTEXT`). */
export interface SubjectParts {
  owner: string;
  ownerId?: string;
  repo: string;
  repoId?: string;
  /** What follows the repository: `ref:refs/heads/main`, `environment:prod`, `pull_request`, or customized pairs. */
  context: string;
}

const DEFAULT_FORM = /^repo:([^/@:]+)(?:@(\d+))?\/([^/@:]+)(?:@(\d+))?:(.+)$/;

export function parseSubject(sub: string): SubjectParts | undefined {
  const m = DEFAULT_FORM.exec(sub);
  if (!m) return undefined;
  const [, owner, ownerId, repo, repoId, context] = m;
  return {
    owner: owner as string,
    ...(ownerId ? { ownerId } : {}),
    repo: repo as string,
    ...(repoId ? { repoId } : {}),
    context: context as string,
  };
}

export function formatSubject(parts: SubjectParts): string {
  const owner = parts.ownerId ? `${parts.owner}@${parts.ownerId}` : parts.owner;
  const repo = parts.repoId ? `${parts.repo}@${parts.repoId}` : parts.repo;
  return `repo:${owner}/${repo}:${parts.context}`;
}

/** The context kinds of a default subject, as GitHub chooses them: environment beats pull_request beats ref. */
export function contextKind(context: string): 'environment' | 'pull_request' | 'branch' | 'tag' | 'other' {
  if (context.startsWith('environment:')) return 'environment';
  if (context === 'pull_request' || context.startsWith('pull_request:')) return 'pull_request';
  if (context.startsWith('ref:refs/heads/')) return 'branch';
  if (context.startsWith('ref:refs/tags/')) return 'tag';
  return 'other';
}
