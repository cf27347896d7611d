/** tighten on every GitHub-trusted role of the bundled sample account (examples/sample-account). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AssumptionCount } from '../../shared/findings/store.js';
import { trustsGitHub } from '../../shared/inventory/github-trust.js';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { observationWindow } from '../../shared/tighten/observed.js';
import { tighten } from '../../shared/tighten/tighten.js';
import { observedToken } from '../../shared/tighten/token.js';
import { sampleAccount } from '../support/sample-account.js';

const { snapshot, config } = sampleAccount();
const state = JSON.parse(
  readFileSync(join(import.meta.dirname, '../../examples/sample-account/state.json'), 'utf8'),
) as { assumptions: AssumptionCount[] };
/** The sample's counters end on 2026-10-31; its snapshot was read on 2026-11-02. */
const window = observationWindow('2026-11-02', 90);
const githubRoles = snapshot.roles.filter((r) => trustsGitHub(r.trustPolicy));
const document = (policy: unknown) => parsePolicy(policy).document;
const statements = (result: { proposed: Record<string, unknown> | null }) =>
  (result.proposed?.Statement ?? []) as Record<string, unknown>[];

const run = (name: string, extra: { minDays?: number; force?: boolean } = {}) => {
  const role = githubRoles.find((r) => r.name === name);
  if (!role) throw new Error(`no role ${name}`);
  return tighten({
    role: name,
    policy: role.trustPolicy as Record<string, unknown>,
    counts: state.assumptions,
    window,
    github: config.github,
    ...extra,
  });
};

describe('tighten on the sample account', () => {
  it.each(githubRoles.map((r) => r.name))(
    '%s: a proposal compare proves narrower or equal, admitting every observed subject',
    (name) => {
      const result = run(name);
      const role = githubRoles.find((r) => r.name === name);
      const current = document(role?.trustPolicy);
      if (result.proposed === null) {
        expect(result.verdict).toBe('no-proposal');
        expect(result.refusal).toBeTruthy();
        return;
      }
      const proposed = document(result.proposed);
      const verdict = compare(current, proposed, { github: config.github }).verdict;
      expect(['narrower', 'equal']).toContain(verdict);
      expect(result.verdict).toBe(verdict);
      const seen = new Set(
        state.assumptions
          .filter((a) => a.roleArn === role?.arn && a.succeeded > 0 && a.day >= window.from)
          .map((a) => a.subject),
      );
      const notAdded = new Set(result.observedWindow.notAdded.map((n) => n.subject));
      expect(seen.size).toBeGreaterThan(0);
      for (const subject of seen) {
        const token = observedToken(subject, 'token.actions.githubusercontent.com');
        if (notAdded.has(subject)) expect(admits(current, token)).toBe(false);
        else expect(admits(proposed, token), subject).toBe(true);
      }
      expect(result.stillAdmitted.map((s) => s.subject).sort()).toEqual(
        [...seen].filter((s) => !notAdded.has(s)).sort(),
      );
      for (const witness of result.noLongerAdmitted) {
        expect(admits(current, witness)).toBe(true);
        expect(admits(proposed, witness)).toBe(false);
      }
    },
  );

  it('narrows a wildcard over the owner to the two subjects that used it', () => {
    const result = run('gh-deploy-web-prod');
    expect(result.verdict).toBe('narrower');
    const statement = statements(result)[0];
    expect(statement?.Condition).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': [
          'repo:acme-corp/marketing-site:ref:refs/heads/main',
          'repo:acme-corp/web:environment:production',
        ],
      },
    });
    expect(result.noLongerAdmitted.length).toBeGreaterThan(0);
  });

  it('adds a subject condition where there was none, and keeps the vendor statement untouched', () => {
    const result = run('gh-artifacts-read');
    expect(result.verdict).toBe('narrower');
    const [github, vendor] = statements(result);
    expect((github?.Condition as Record<string, Record<string, unknown>> | undefined)?.StringEquals).toEqual({
      'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
      'token.actions.githubusercontent.com:sub': [
        'repo:acme-corp/api:ref:refs/heads/main',
        'repo:acme-corp/worker:ref:refs/heads/main',
      ],
    });
    const original = githubRoles.find((r) => r.name === 'gh-artifacts-read')?.trustPolicy as {
      Statement: unknown[];
    };
    expect(vendor).toEqual(original.Statement[1]);
    expect(result.kept).toEqual([{ index: 1, sid: 'VendorScanner', reason: 'not a web identity statement' }]);
    expect(result.noLongerAdmitted[0]?.claims.sub).toMatch(/^repo:some-other-org\//);
  });

  it('says there is nothing to tighten when the policy names exactly what runs', () => {
    const result = run('gh-terraform-apply');
    expect(result.verdict).toBe('equal');
    expect(result.proposed).toEqual(githubRoles.find((r) => r.name === 'gh-terraform-apply')?.trustPolicy);
    expect(result.noLongerAdmitted).toEqual([]);
  });

  it('lists subjects seen only in refused attempts with the diagnosis, and does not add them', () => {
    const result = run('gh-deploy-payments-prod');
    expect(result.verdict).toBe('equal');
    expect(result.observedWindow.notAdded).toEqual([
      expect.objectContaining({
        subject: 'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main',
        why: 'refused-only',
        succeeded: 0,
        denied: 10,
        diagnosis: [expect.stringContaining('the job has no environment')],
      }),
    ]);
    expect(JSON.stringify(result.proposed)).not.toContain('ref:refs/heads/main');
  });

  it('refuses with too little activity, counting days from the first to the last successful assumption', () => {
    const result = run('gh-ecr-push');
    expect(result.verdict).toBe('no-proposal');
    expect(result.proposed).toBeNull();
    expect(result.observedWindow).toMatchObject({
      firstSeen: '2026-10-21',
      lastSeen: '2026-10-31',
      daysOfData: 11,
      minDays: 14,
    });
    expect(result.refusal).toMatch(/^only 11 days of data/);
    expect(run('gh-ecr-push', { minDays: 11 }).verdict).toBe('narrower');
  });

  it('proposes with --force, marked as forced', () => {
    const result = run('gh-ecr-push', { force: true });
    expect(result.verdict).toBe('narrower');
    expect(result.observedWindow.forced).toBe(true);
    expect(result.stillAdmitted).toHaveLength(3);
  });

  it('makes no proposal when the policy now refuses every subject that used the role', () => {
    const result = run('gh-infra-plan');
    expect(result.verdict).toBe('no-proposal');
    expect(result.observedWindow.notAdded.map((n) => n.why)).toEqual(['refused-now', 'refused-now']);
  });
});
