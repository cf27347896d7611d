/**
 * tighten on generated trust policies, observing subjects the policy admits: the proposal admits every
 * observed token again, admits nothing the current policy refuses, and compare proves it narrower or equal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_AUDIENCE } from '../../shared/github/claims.js';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import type { Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { findAdmitted } from '../../shared/policy/query.js';
import { observationWindow } from '../../shared/tighten/observed.js';
import { tighten } from '../../shared/tighten/tighten.js';
import { isIssuableToken, namedOwners } from '../support/github-subject.js';
import { policySpecArb } from '../support/policy-arbitraries.js';
import { renderPolicy } from '../support/policy-spec.js';
import { githubTokenNearArb } from '../support/token-arbitraries.js';

const NUM_RUNS = 200;
const PROBES = 30;
/** Bounds a run on a busy machine; the cases run before it still count, and at least one must have. */
const TIME_LIMIT = fc.interruptAfterTimeLimit(120_000, { failOnInterrupt: false });
const ROLE_ARN = 'arn:aws:iam::123456789012:role/ci';
const window = observationWindow('2026-10-31', 90);

const caseArb = policySpecArb.chain((spec) =>
  fc.tuple(fc.constant(spec), fc.array(githubTokenNearArb([spec]), { minLength: PROBES, maxLength: PROBES })),
);

/** Each subject counted on the window's first and last days, so the guardrail never stands in the way. */
const countsOf = (subjects: string[]) =>
  subjects.flatMap((subject) =>
    [window.from, window.to].map((day) => ({ roleArn: ROLE_ARN, subject, day, succeeded: 1, denied: 0 })),
  );

describe('tighten (property)', () => {
  it('admits every observed token, nothing the current policy refuses, and compare proves it', () => {
    const stats = { cases: 0, proposals: 0, narrower: 0, observed: 0 };
    fc.assert(
      fc.property(caseArb, ([spec, tokens]) => {
        const raw = renderPolicy(spec) as Record<string, unknown>;
        const current = parsePolicy(raw).document;
        const someAdmitted = findAdmitted(current);
        // Observed: tokens the current policy admits, as GitHub issues them for configure-aws-credentials.
        // Owners of every subject count as named: their tokens carry the default subject forms only.
        const named = namedOwners(raw, tokens);
        const observed = [...tokens, ...(someAdmitted ? [someAdmitted] : [])].filter(
          (t): t is Token & { claims: { sub: string } } =>
            t.claims.sub !== undefined && isIssuableToken(t, named) && admits(current, t),
        );
        fc.pre(observed.length > 0);
        stats.cases++;
        const result = tighten({
          role: 'ci',
          policy: raw,
          counts: countsOf([...new Set(observed.map((t) => t.claims.sub))]),
          window,
        });
        const context = JSON.stringify({ raw, observed: observed.map((t) => t.claims), result });
        expect(result.verdict, context).not.toBe('no-proposal');
        const proposed = parsePolicy(result.proposed).document;
        stats.proposals++;
        if (result.verdict === 'narrower') stats.narrower++;
        expect(['narrower', 'equal'], context).toContain(compare(current, proposed).verdict);
        for (const t of observed) {
          stats.observed++;
          // The counters keep the subject only: the proposal may pin the audience configure-aws-credentials asks for.
          const asIssued = { ...t, claims: { ...t.claims, aud: DEFAULT_AUDIENCE } };
          expect(admits(proposed, admits(current, asIssued) ? asIssued : t), context).toBe(true);
        }
        for (const t of [...tokens, ...result.noLongerAdmitted])
          if (admits(proposed, t)) expect(admits(current, t), context).toBe(true);
        for (const w of result.noLongerAdmitted) {
          expect(admits(current, w), context).toBe(true);
          expect(admits(proposed, w), context).toBe(false);
        }
      }),
      { numRuns: NUM_RUNS, plugins: [TIME_LIMIT] },
    );
    expect(stats.cases).toBeGreaterThan(0);
    expect(stats.proposals).toBe(stats.cases);
    expect(stats.narrower).toBeGreaterThan(0);
  });
});
