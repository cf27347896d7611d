import type { Token } from '../policy/model.js';
import { isGitHubProvider } from './claims.js';
import { formatSubject, parseSubject, type SubjectParts } from './subject.js';

/** Claims one GitHub token carries in agreement with its subject (GitHub's OIDC token reference). */
export const CORRELATED_CLAIMS = ['repository', 'repository_id', 'ref', 'environment'] as const;

/** A `:` inside a claim value is sent as `%3A` in the subject. */
const escapeValue = (v: string) => v.replaceAll(':', '%3A');
const unescapeValue = (v: string) => v.replaceAll('%3A', ':');

/** The first element of the subject's tail: the context of a default subject, or of a customized one. */
function firstContext(
  context: string,
): { kind: 'environment' | 'pull_request' | 'ref'; value?: string } | undefined {
  if (context === 'pull_request' || context.startsWith('pull_request:')) return { kind: 'pull_request' };
  const env = /^environment:([^:]+)/.exec(context);
  if (env) return { kind: 'environment', value: unescapeValue(env[1] as string) };
  const ref = /^ref:(refs\/[^:]+)/.exec(context);
  if (ref) return { kind: 'ref', value: ref[1] as string };
  return undefined;
}

/**
 * Makes the correlated claims the token shows agree with its subject: `repository` is the subject's
 * repository, `repository_id` its id in the immutable form, `ref` the ref of a `ref:` subject (a
 * pull_request run's is `refs/pull/N/merge`), and `environment` present exactly for an environment subject.
 * Claims the subject does not decide keep their value. Only the claims in `shown` (by default those
 * the token has) are set or removed.
 */
export function alignToSubject(token: Token, shown: readonly string[] = Object.keys(token.claims)): Token {
  const parts = parseSubject(token.claims.sub ?? '');
  if (!isGitHubProvider(token.provider) || !parts) return token;
  const claims = { ...token.claims };
  const set = (claim: string, value: string | undefined) => {
    if (!shown.includes(claim)) return;
    if (value === undefined) delete claims[claim];
    else claims[claim] = value;
  };
  set('repository', `${parts.owner}/${parts.repo}`);
  if (parts.repoId) set('repository_id', parts.repoId);
  const context = firstContext(parts.context);
  if (context?.kind === 'ref') set('ref', context.value);
  if (context?.kind === 'pull_request' && !/^refs\/pull\/\d+\/merge$/.test(claims.ref ?? ''))
    set('ref', 'refs/pull/1/merge');
  if (context) set('environment', context.kind === 'environment' ? context.value : undefined);
  return { ...token, claims };
}

/**
 * Consistent tokens near `token`: its subject with the other claims made to agree, and its subject
 * rewritten to the repository, ref or environment the other claims name. The search keeps the first
 * that stays in the cells it chose.
 */
export function consistentVariants(
  token: Token,
  shown: readonly string[] = Object.keys(token.claims),
): Token[] {
  const parts = parseSubject(token.claims.sub ?? '');
  if (!isGitHubProvider(token.provider) || !parts) return [token];
  const { repository, ref, environment } = token.claims;
  const repoParts: SubjectParts[] = [parts];
  const [owner, repo, extra] = (repository ?? '').split('/');
  if (owner && repo && extra === undefined) {
    // The repository's subject in the name form and in the immutable form, whichever the cells want.
    const { ownerId: _owner, repoId: _repo, ...named } = parts;
    repoParts.push(
      { ...parts, owner, repo },
      { ...named, owner, repo },
      { ...parts, owner, repo, ownerId: parts.ownerId ?? '1', repoId: parts.repoId ?? '1' },
    );
  }
  const contexts = [parts.context];
  const tail = parts.context.replace(/^(environment:[^:]+|pull_request|ref:refs\/[^:]+)/, '');
  if (environment !== undefined) contexts.push(`environment:${escapeValue(environment)}${tail}`);
  if (ref !== undefined) {
    if (/^refs\/pull\/\d+\/merge$/.test(ref)) contexts.push(`pull_request${tail}`);
    else if (/^refs\/(heads|tags)\//.test(ref) && !ref.includes(':')) contexts.push(`ref:${ref}${tail}`);
  }
  const out = new Map<string, Token>();
  for (const p of repoParts) {
    for (const context of contexts) {
      const variant = alignToSubject(
        { ...token, claims: { ...token.claims, sub: formatSubject({ ...p, context }) } },
        shown,
      );
      out.set(JSON.stringify(variant.claims), variant);
    }
  }
  return [...out.values()];
}
