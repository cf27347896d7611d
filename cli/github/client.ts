import { Octokit } from '@octokit/core';
import { retry } from '@octokit/plugin-retry';
import { RequestError } from '@octokit/request-error';
import { UsageError } from '../exit.js';
import type { GitHubAccess } from './access.js';

/** A request GitHub has not answered by then is reported, not waited on for ever. */
const REQUEST_TIMEOUT_MS = 30_000;

const RetryingOctokit = Octokit.plugin(retry);

export type GitHubClient = InstanceType<typeof RetryingOctokit>;

export function githubClient(access: GitHubAccess, version: string): GitHubClient {
  const octokit = new RetryingOctokit({
    baseUrl: access.baseUrl,
    userAgent: `trustwatch/${version}`,
    ...(access.token ? { auth: access.token } : {}),
    // Server errors and dropped connections are retried twice; a rate limit is reported, never waited out.
    retry: { retries: 2, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
  });
  octokit.hook.before('request', (options) => {
    options.request = { ...options.request, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) };
  });
  return octokit;
}

/**
 * Why a GitHub request failed, in words a person can act on, as bad input (exit 2). `what` names
 * what was asked (`organization acme`); `needs` says which permission the endpoint wants.
 */
export function githubFailure(error: unknown, what: string, access: GitHubAccess, needs?: string): Error {
  if (!(error instanceof RequestError)) return error as Error;
  const response = error.response;
  if (!response) {
    const cause = error.cause instanceof Error ? error.cause : undefined;
    const reason = (cause?.cause as Error | undefined)?.message ?? cause?.message ?? error.message;
    return new UsageError(`${what}: cannot reach ${access.baseUrl} (${reason})`);
  }
  const headers = response.headers;
  const message = githubMessage(response.data) ?? error.message;
  if ((error.status === 403 || error.status === 429) && headers['x-ratelimit-remaining'] === '0') {
    const reset = Number(headers['x-ratelimit-reset']);
    const limit = headers['x-ratelimit-limit'];
    const when =
      Number.isFinite(reset) && reset > 0 ? `; it resets at ${new Date(reset * 1000).toISOString()}` : '';
    const who = access.token ? 'for this token' : 'without a token (set GITHUB_TOKEN for a higher one)';
    return new UsageError(
      `${what}: GitHub's rate limit${limit ? ` of ${limit} requests an hour` : ''} ${who} is exhausted${when}`,
    );
  }
  if ((error.status === 403 || error.status === 429) && headers['retry-after'] !== undefined)
    return new UsageError(
      `${what}: GitHub's secondary rate limit: retry after ${headers['retry-after']} seconds (${message})`,
    );
  if (error.status === 401)
    return new UsageError(
      access.token
        ? `${what}: GitHub refused the token in GITHUB_TOKEN (401 ${message})`
        : `${what}: GitHub answers this only to an authenticated caller: set GITHUB_TOKEN${needs ? ` (${needs})` : ''}`,
    );
  if (error.status === 403)
    return new UsageError(
      `${what}: forbidden (403 ${message})${needs ? `: the token needs ${needs}` : ''}${access.token ? '' : '; no GITHUB_TOKEN was set'}`,
    );
  if (error.status === 404)
    return new UsageError(
      `${what}: not found, or not visible ${access.token ? 'to this token' : 'without a token (set GITHUB_TOKEN)'}${needs ? ` (needs ${needs})` : ''}`,
    );
  return new UsageError(`${what}: GitHub answered ${error.status} (${message})`);
}

function githubMessage(data: unknown): string | undefined {
  return typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
    ? (data as { message: string }).message
    : undefined;
}
