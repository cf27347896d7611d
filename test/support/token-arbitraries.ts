/**
 * Tokens near given policies: claim values that instantiate the policies' own patterns (wildcards filled
 * with fresh text and with text the policies mention), near misses of those, and plain realistic values.
 */
import fc from 'fast-check';
import type { Token } from '../../shared/policy/model.js';
import { audienceArb, claimValueArb, jobWorkflowRefArb } from './github-arbitraries.js';
import { parseGithubSubject } from './github-subject.js';
import { GITHUB_PROVIDER } from './iam-oracle.js';
import { instantiateArb, mentionedFragments, nearMissArb } from './patterns.js';
import { type PolicySpec, SLUG_PROVIDER, valuesByClaim } from './policy-spec.js';
import { principalTokenNearArb } from './principal-arbitraries.js';

export const providerArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(GITHUB_PROVIDER) },
  { weight: 1, arbitrary: fc.constant(SLUG_PROVIDER) },
);

/** A value for `claim` near what `specs` say about it. */
export function claimNearArb(claim: string, specs: PolicySpec[]): fc.Arbitrary<string> {
  const byClaim = valuesByClaim(specs);
  const mentioned = byClaim.get(claim) ?? [];
  const fillers = mentionedFragments([...byClaim.values()].flat());
  const fresh = claimValueArb(claim);
  if (mentioned.length === 0) return fc.oneof({ weight: 3, arbitrary: fresh }, fresh.chain(nearMissArb));
  const matching = fc.constantFrom(...mentioned).chain((v) =>
    // The raw value too: under StringEquals a `*` is literal, so the value itself is what matches.
    fc.oneof({ weight: 3, arbitrary: instantiateArb(v, fillers) }, { weight: 1, arbitrary: fc.constant(v) }),
  );
  return fc.oneof(
    { weight: 5, arbitrary: matching },
    { weight: 3, arbitrary: matching.chain(nearMissArb) },
    { weight: 2, arbitrary: fresh },
  );
}

const present = (freq: number, arb: fc.Arbitrary<string>) => fc.option(arb, { freq, nil: undefined });

/** Any token near `specs`, claims sometimes absent, subjects not necessarily ones GitHub issues; or a request of another principal. */
export function tokenNearArb(specs: PolicySpec[]): fc.Arbitrary<Token> {
  return fc.oneof(
    { weight: 4, arbitrary: webTokenNearArb(specs) },
    { weight: 1, arbitrary: principalTokenNearArb(specs) },
  );
}

function webTokenNearArb(specs: PolicySpec[]): fc.Arbitrary<Token> {
  return fc
    .record({
      provider: providerArb,
      sub: present(20, claimNearArb('sub', specs)),
      aud: present(10, fc.oneof(claimNearArb('aud', specs), audienceArb)),
      repository: present(2, claimNearArb('repository', specs)),
      job_workflow_ref: present(2, claimNearArb('job_workflow_ref', specs)),
    })
    .map(({ provider, ...claims }) => ({ provider, claims: definedOnly(claims) }));
}

/**
 * Tokens near `specs` shaped like GitHub's: `repository` and `job_workflow_ref` agree with the subject
 * when it says something about them. The subject itself may still be one GitHub never issues; the
 * tests decide with isIssuableToken.
 */
export function githubTokenNearArb(specs: PolicySpec[]): fc.Arbitrary<Token> {
  return fc
    .record({
      provider: providerArb,
      sub: claimNearArb('sub', specs),
      aud: fc.oneof(claimNearArb('aud', specs), audienceArb),
      repository: claimNearArb('repository', specs),
      jwr: fc.oneof(claimNearArb('job_workflow_ref', specs), jobWorkflowRefArb),
    })
    .map(({ provider, sub, aud, repository, jwr }) => {
      const parts = parseGithubSubject(sub);
      return {
        provider,
        claims: {
          sub,
          aud,
          repository: parts?.repository ?? repository,
          job_workflow_ref: parts?.jobWorkflowRef ?? jwr,
        },
      };
    });
}

function definedOnly(claims: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(claims)) if (v !== undefined) out[k] = v;
  return out;
}
