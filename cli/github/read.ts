import { RequestError } from '@octokit/request-error';
import type { GitHubAccess } from './access.js';
import { type GitHubClient, githubClient, githubFailure } from './client.js';

/** What a classic token's scope or a fine-grained token's permission must allow, per endpoint (GitHub's REST docs). */
const NEEDS_ORG_TEMPLATE = 'read:org, or the "Administration" organization permission (read)';
const NEEDS_REPO_TEMPLATE = 'repo, or the "Actions" repository permission (read)';
/** The largest page GitHub's list endpoints give. */
const PAGE = 100;

/** Fields GitHub added for immutable subjects (2026), newer than the client's response types. */
interface ImmutableFields {
  use_immutable_subject?: boolean;
  sub_claim_prefix?: string;
}

export interface OrgTemplate {
  /** Claim keys in template order; empty when the organization keeps GitHub's default subject. */
  keys: string[];
  useImmutableSubject?: boolean;
}

export interface RepoTemplate {
  useDefault: boolean;
  keys: string[];
  useImmutableSubject?: boolean;
  subClaimPrefix?: string;
}

export interface Account {
  login: string;
  id: number;
  type: string;
}

export interface Repository {
  fullName: string;
  id: number;
  owner: { login: string; id: number };
}

/** GitHub's REST calls trustwatch makes, each failure turned into a message naming what was asked. */
export function githubReader(client: GitHubClient, access: GitHubAccess) {
  async function ask<T>(what: string, needs: string | undefined, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw githubFailure(error, what, access, needs);
    }
  }
  const account = (name: string): Promise<Account> =>
    ask(`owner ${name}`, undefined, async () => {
      const { data } = await client.request('GET /users/{username}', { username: name });
      return { login: data.login, id: Number(data.id), type: data.type };
    });
  return {
    account,
    /** The organization's subject template, or undefined for a personal account (which has none). */
    async orgTemplate(org: string): Promise<OrgTemplate | undefined> {
      try {
        const { data } = (await client.request('GET /orgs/{org}/actions/oidc/customization/sub', {
          org,
        })) as {
          data: { include_claim_keys?: string[] } & ImmutableFields;
        };
        return {
          keys: data.include_claim_keys ?? [],
          ...(data.use_immutable_subject === undefined
            ? {}
            : { useImmutableSubject: data.use_immutable_subject }),
        };
      } catch (error) {
        // 404 is also what a user account answers here: only an organization has a template.
        if (!(error instanceof RequestError && error.status === 404))
          throw githubFailure(error, `organization ${org}`, access, NEEDS_ORG_TEMPLATE);
        let type: string;
        try {
          type = (await client.request('GET /users/{username}', { username: org })).data.type;
        } catch (lookup) {
          // No such account: the organization's 404 says it; anything else (rate limit, network) is the news.
          const notFound = lookup instanceof RequestError && lookup.status === 404;
          throw githubFailure(notFound ? error : lookup, `organization ${org}`, access, NEEDS_ORG_TEMPLATE);
        }
        if (type === 'Organization')
          throw githubFailure(error, `organization ${org}'s subject template`, access, NEEDS_ORG_TEMPLATE);
        return undefined;
      }
    },
    repoTemplate(owner: string, repo: string): Promise<RepoTemplate> {
      return ask(`repository ${owner}/${repo}`, NEEDS_REPO_TEMPLATE, async () => {
        const { data } = (await client.request('GET /repos/{owner}/{repo}/actions/oidc/customization/sub', {
          owner,
          repo,
        })) as { data: { use_default: boolean; include_claim_keys?: string[] } & ImmutableFields };
        return {
          useDefault: data.use_default,
          keys: data.include_claim_keys ?? [],
          ...(data.use_immutable_subject === undefined
            ? {}
            : { useImmutableSubject: data.use_immutable_subject }),
          ...(data.sub_claim_prefix === undefined ? {} : { subClaimPrefix: data.sub_claim_prefix }),
        };
      });
    },
    /** The names of every repository of the owner that the caller can see, page by page. */
    repositories(owner: string, organization: boolean): Promise<string[]> {
      return ask(`repositories of ${owner}`, undefined, async () => {
        const names: string[] = [];
        for (let page = 1; ; page++) {
          const { data } = organization
            ? await client.request('GET /orgs/{org}/repos', { org: owner, type: 'all', per_page: PAGE, page })
            : await client.request('GET /users/{username}/repos', {
                username: owner,
                type: 'owner',
                per_page: PAGE,
                page,
              });
          names.push(...data.map((r) => r.name));
          if (data.length < PAGE) return names;
        }
      });
    },
    repository(owner: string, repo: string): Promise<Repository> {
      return ask(`repository ${owner}/${repo}`, undefined, async () => {
        const { data } = await client.request('GET /repos/{owner}/{repo}', { owner, repo });
        return {
          fullName: data.full_name,
          id: Number(data.id),
          owner: { login: data.owner.login, id: Number(data.owner.id) },
        };
      });
    },
  };
}

export type GitHubReader = ReturnType<typeof githubReader>;

/** The reader with its client: the command loads this module only when it asks GitHub, so Octokit stays out of start-up. */
export function openGitHub(access: GitHubAccess, version: string): GitHubReader {
  return githubReader(githubClient(access, version), access);
}
