import type { GitHubIds } from './templates.js';

/** A name-based subject value (`repo:OWNER/REPO:…`, a StringLike pattern maybe), split where the ids go. */
export interface NamedSubject {
  owner: string;
  /** The repository part as written: a name, or a pattern such as `*` or `app-*`. */
  repo: string;
  /** The repository's name when the value names exactly one. */
  repoName?: string;
  /** Everything after the repository part (`:ref:refs/heads/main`), possibly empty. */
  rest: string;
}

// GitHub logins are letters, digits and hyphens; repository names add `.` and `_`.
const NAMED = /^repo:([A-Za-z0-9-]+)\/([^:]*)(.*)$/s;
const REPO_NAME = /^[A-Za-z0-9._-]+$/;

export function namedSubject(value: string): NamedSubject | undefined {
  const m = NAMED.exec(value);
  if (!m) return undefined;
  const [, owner = '', repo = '', rest = ''] = m;
  return { owner, repo, ...(REPO_NAME.test(repo) ? { repoName: repo } : {}), rest };
}

/** The id stored for an owner or OWNER/REPO, with the name as GitHub spells it (names are case-insensitive there). */
export function knownId(ids: GitHubIds | undefined, name: string): { name: string; id: number } | undefined {
  if (!ids) return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(ids).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : { name: key, id: ids[key] as number };
}

/**
 * The immutable-id form of a name-based subject value, everything after the repository kept:
 * `repo:acme/app:ref:refs/heads/main` → `repo:acme@123/app@456:ref:refs/heads/main`. A repository
 * pattern keeps matching any id (`repo:acme/*` → `repo:acme@123/*`, `app-?` → `app-?@*`) with the owner
 * pinned. Undefined when an id it needs is not known.
 */
export function immutableSubject(value: string, ids: GitHubIds | undefined): string | undefined {
  const named = namedSubject(value);
  if (!named) return undefined;
  const owner = knownId(ids, named.owner);
  if (!owner) return undefined;
  if (named.repoName === undefined) {
    const repo = named.repo.endsWith('*') ? named.repo : `${named.repo}@*`;
    return `repo:${owner.name}@${owner.id}/${repo}${named.rest}`;
  }
  const repo = knownId(ids, `${named.owner}/${named.repoName}`);
  if (!repo) return undefined;
  const repoName = repo.name.slice(repo.name.indexOf('/') + 1);
  return `repo:${owner.name}@${owner.id}/${repoName}@${repo.id}${named.rest}`;
}
