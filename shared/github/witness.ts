import type { Token } from '../policy/model.js';
import { DEFAULT_AUDIENCE, isGitHubProvider } from './claims.js';
import { alignToSubject } from './consistent.js';
import { formatSubject, parseSubject, type SubjectParts } from './subject.js';

const TYPICAL_SUBJECT = 'repo:some-other-org/some-repo:ref:refs/heads/main';

/**
 * Turns a witness found by the automaton search (`repo:x/x:ref:refs/heads/x`) into the most typical
 * token that still proves the same point, checking every rewrite with `holds`.
 */
export function realisticWitness(token: Token, holds: (t: Token) => boolean): Token {
  if (!isGitHubProvider(token.provider)) return token;
  let best: Token = { provider: token.provider, claims: { ...token.claims } };
  // The claims a rewrite of the subject moves with it, so that the witness stays one consistent token.
  const attempt = (claims: Record<string, string>) => {
    const candidate = alignToSubject({ provider: token.provider, claims: { ...best.claims, ...claims } });
    if (holds(candidate)) best = candidate;
  };
  if (best.claims.aud === undefined) attempt({ aud: DEFAULT_AUDIENCE });
  if (best.claims.sub === undefined) attempt({ sub: TYPICAL_SUBJECT });
  // Per part of the subject, the first rewrite that keeps the point wins.
  const rewrites: ((p: SubjectParts) => SubjectParts)[][] = [
    [({ ownerId: _owner, repoId: _repo, ...p }) => p],
    [(p) => ({ ...p, owner: 'some-other-org' }), (p) => ({ ...p, owner: `${p.owner}-other` })],
    [(p) => ({ ...p, repo: 'some-repo' })],
    [
      (p) => ({ ...p, context: 'ref:refs/heads/main' }),
      (p) => ({ ...p, context: p.context.replace(/^ref:refs\/tags\/.*$/, 'ref:refs/tags/v1.0.0') }),
      (p) => ({ ...p, context: p.context.replace(/^environment:.*$/, 'environment:production') }),
    ],
  ];
  for (const group of rewrites) {
    for (const rewrite of group) {
      const parts = parseSubject(best.claims.sub ?? '');
      if (!parts) break;
      const rewritten = formatSubject(rewrite(parts));
      if (rewritten === best.claims.sub) break;
      attempt({ sub: rewritten });
      if (best.claims.sub === rewritten) break;
    }
  }
  const parts = parseSubject(best.claims.sub ?? '');
  if (parts) {
    // Make the other claims tell the same story as the subject where the policies allow it.
    if (best.claims.job_workflow_ref !== undefined) {
      attempt({
        job_workflow_ref: `${parts.owner}/${parts.repo}/.github/workflows/deploy.yml@refs/heads/main`,
      });
    }
  }
  return best;
}
