import { UsageError } from '../exit.js';

export const PUBLIC_API = 'https://api.github.com';

/** Where and as whom the commands ask GitHub: `--api-url`, else `GITHUB_API_URL` (set in Actions, GHES too), else github.com. */
export interface GitHubAccess {
  baseUrl: string;
  token?: string;
}

export function githubAccess(apiUrl: string | undefined, env: NodeJS.ProcessEnv = process.env): GitHubAccess {
  const given = apiUrl ?? (env.GITHUB_API_URL || undefined) ?? PUBLIC_API;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new UsageError(`${apiUrl === undefined ? 'GITHUB_API_URL' : '--api-url'} "${given}": not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError(
      `${apiUrl === undefined ? 'GITHUB_API_URL' : '--api-url'} "${given}": not an http(s) URL`,
    );
  const token = env.GITHUB_TOKEN || undefined;
  return { baseUrl: url.href.replace(/\/+$/, ''), ...(token ? { token } : {}) };
}

/** What was assumed about access, for the person reading the output. */
export function accessNote(access: GitHubAccess): string {
  const where = access.baseUrl === PUBLIC_API ? 'GitHub' : access.baseUrl;
  return access.token
    ? `${where}: authenticated with GITHUB_TOKEN`
    : `${where}: no GITHUB_TOKEN, anonymous: public owners and repositories only, 60 requests an hour`;
}
