import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { admits } from '../../shared/policy/admits.js';
import type { Token } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { ALL_RULES } from '../../shared/rules/catalog.js';
import { sampleAccount } from '../support/sample-account.js';

const { snapshot, baseline, config } = sampleAccount();
const result = runAudit(snapshot, { config, baseline });
const byRule = (id: string) => result.findings.filter((f) => f.ruleId === id);

describe('audit of the bundled sample account', () => {
  it('fires every rule an account can show (duplicate keys and unknown operators only exist in policy text)', () => {
    const fired = new Set(result.findings.map((f) => f.ruleId));
    // policy.too-complex takes a hostile trust policy (too-complex.test.ts).
    const textOnly = ['policy.duplicate-key', 'policy.unknown-element', 'policy.too-complex'];
    // baseline.missing takes an account with no baseline at its location (below).
    textOnly.push('baseline.missing');
    // activity.*, monitor.* and keys.created come from CloudTrail events, not from a snapshot.
    const fromSnapshot = ALL_RULES.map((r) => r.id).filter(
      (id) => !/^(activity|monitor)\.|^keys\.created$/.test(id),
    );
    expect(fromSnapshot.filter((id) => !fired.has(id) && !textOnly.includes(id))).toEqual([]);
  });

  it('proves the widening with a subject the current trust policy admits and the baseline refused', () => {
    const [wider] = byRule('drift.trust-wider');
    expect(wider?.resource.name).toBe('gh-deploy-web-prod');
    const witness = ((wider?.evidence.newlyAdmitted ?? []) as Token[])[0] as Token;
    const now = snapshot.roles.find((r) => r.name === 'gh-deploy-web-prod')?.trustPolicy;
    const before = baseline.ciRoles.find((r) => r.name === 'gh-deploy-web-prod')?.trustPolicy;
    expect(admits(parsePolicy(now).document, witness)).toBe(true);
    expect(admits(parsePolicy(before).document, witness)).toBe(false);
    expect(wider?.evidence.before).toEqual(['repo:acme-corp/web:environment:production']);
    expect(wider?.evidence.after).toEqual(['repo:acme-corp/*']);
  });

  it('shows suppressed findings as suppressed and reports an expired suppression', () => {
    const [admin] = byRule('role.admin-permissions');
    expect(admin?.status).toBe('suppressed');
    expect(admin?.suppression?.expires).toBe('2027-03-31');
    expect(byRule('baseline.suppression-expired')[0]?.message).toMatch(
      /keys.not-rotated for reporting-export expired on 2026-10-01/,
    );
    expect(result.stats.suppressed).toBe(1);
  });

  it('reports a deleted baseline role and a new unreviewed one instead of failing on them', () => {
    expect(byRule('drift.trust-narrower').map((f) => f.resource.name)).toContain('gh-nightly-backup');
    expect(byRule('drift.new-ci-role').map((f) => f.resource.name)).toEqual(['gh-ecr-push']);
  });

  it('gives the same ids to the same situation, and a different id when what was found changes', () => {
    const again = runAudit(structuredClone(snapshot), { config, baseline });
    expect(again.findings.map((f) => f.id)).toEqual(result.findings.map((f) => f.id));
    const rotated = structuredClone(snapshot);
    const key = rotated.users.find((u) => u.name === 'ci-terraform')?.keys[0];
    if (key) key.created = '2026-01-01T00:00:00.000Z';
    const before = byRule('keys.not-rotated').find((f) => f.resource.name === 'ci-terraform')?.id;
    const after = runAudit(rotated, { config, baseline }).findings.find(
      (f) => f.ruleId === 'keys.not-rotated' && f.resource.name === 'ci-terraform',
    )?.id;
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('without a baseline checks no drift and says so', () => {
    const plain = runAudit(snapshot, { config });
    expect(plain.stats.baseline).toBe(false);
    expect(plain.findings.some((f) => f.ruleId.startsWith('drift.'))).toBe(false);
  });

  it('carries the Finding shape of DESIGN.md', () => {
    const f = result.findings[0];
    expect(Object.keys(f ?? {}).sort()).toEqual(
      [
        'account',
        'evidence',
        'firstSeen',
        'id',
        'lastSeen',
        'message',
        'region',
        'remediation',
        'resource',
        'ruleId',
        'severity',
        'status',
        'title',
      ].sort(),
    );
    expect(f?.id).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('key rules', () => {
  const at = '2026-06-01T00:00:00.000Z';
  const daysBefore = (n: number) => new Date(Date.parse(at) - n * 86_400_000).toISOString();
  const account = (keys: Snapshot['users'][number]['keys'], path = '/'): Snapshot => ({
    schemaVersion: 1,
    account: '123456789012',
    collectedAt: at,
    roles: [],
    oidcProviders: [],
    users: [{ name: 'u', arn: 'arn:aws:iam::123456789012:user/u', path, tags: {}, keys }],
    gaps: [],
  });
  const rules = (s: Snapshot) =>
    runAudit(s, { config: DEFAULT_CONFIG })
      .findings.map((f) => f.ruleId)
      .sort();

  it('measures rotation and use against the thresholds, ignoring inactive keys', () => {
    expect(
      rules(account([{ slot: 1, active: true, created: daysBefore(91), lastUsed: { date: daysBefore(1) } }])),
    ).toEqual(['keys.not-rotated']);
    expect(
      rules(
        account([{ slot: 1, active: true, created: daysBefore(90), lastUsed: { date: daysBefore(46) } }]),
      ),
    ).toEqual(['keys.unused']);
    expect(rules(account([{ slot: 1, active: false, created: daysBefore(500) }]))).toEqual([]);
  });
  it('gives a never-used key a grace period from its creation', () => {
    expect(rules(account([{ slot: 1, active: true, created: daysBefore(3) }]))).toEqual([]);
    expect(rules(account([{ slot: 1, active: true, created: daysBefore(8) }]))).toEqual(['keys.unused']);
  });
  it('flags two active keys, and any active key of a CI user', () => {
    const two = [
      { slot: 1 as const, active: true, created: daysBefore(10), lastUsed: { date: daysBefore(1) } },
      { slot: 2 as const, active: true, created: daysBefore(5), lastUsed: { date: daysBefore(1) } },
    ];
    expect(rules(account(two))).toEqual(['keys.two-active']);
    expect(rules(account(two.slice(0, 1), '/ci/'))).toEqual(['keys.ci-user-static-key']);
  });
});

describe('policy findings in the audit', () => {
  it('keep the severity the rule gave the case (ForAllValues on sub is low, on environment high)', () => {
    const s = structuredClone(snapshot);
    const template = s.roles.find((r) => r.name === 'gh-deploy-web-prod');
    if (!template) throw new Error('sample role missing');
    const P = 'token.actions.githubusercontent.com';
    const role = (name: string, condition: object) => ({
      ...template,
      name,
      arn: template.arn.replace('gh-deploy-web-prod', name),
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::123456789012:oidc-provider/${P}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: condition,
          },
        ],
      },
    });
    const pinned = {
      [`${P}:aud`]: 'sts.amazonaws.com',
      [`${P}:sub`]: 'repo:acme-corp/web:ref:refs/heads/main',
    };
    s.roles.push(
      role('gh-all-values-sub', {
        StringEquals: { [`${P}:aud`]: 'sts.amazonaws.com' },
        'ForAllValues:StringEquals': { [`${P}:sub`]: pinned[`${P}:sub`] },
      }),
      role('gh-all-values-environment', {
        StringEquals: pinned,
        'ForAllValues:StringEquals': { [`${P}:environment`]: 'production' },
      }),
    );
    const found = runAudit(s, { config: DEFAULT_CONFIG }).findings.filter(
      (f) => f.ruleId === 'oidc.for-all-values' && f.resource.name.startsWith('gh-all-values'),
    );
    expect(Object.fromEntries(found.map((f) => [f.resource.name, f.severity]))).toEqual({
      'gh-all-values-sub': 'low',
      'gh-all-values-environment': 'high',
    });
  });
});

describe('an account with no reviewed baseline at its location', () => {
  const missingBaseline = {
    reviewed: `s3://acme-baselines/org/${snapshot.account}/baseline.json`,
    proposed: `s3://acme-baselines/org/${snapshot.account}/baseline.proposed.json`,
  };

  it('is reported once, as info, naming where the baseline is looked for and the proposal to review', () => {
    const missing = runAudit(snapshot, { config, missingBaseline });
    const found = missing.findings.filter((f) => f.ruleId === 'baseline.missing');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'info',
      resource: { type: 'account', name: snapshot.account },
      evidence: missingBaseline,
    });
    expect(found[0]?.message).toContain(missingBaseline.proposed);
    expect(missing.findings.filter((f) => f.ruleId.startsWith('drift.'))).toEqual([]);
    expect(missing.stats.baseline).toBe(false);
    // The same situation an hour later is the same finding (an update in the store, not a new alert).
    expect(
      runAudit(snapshot, { config, missingBaseline }).findings.find((f) => f.ruleId === 'baseline.missing')
        ?.id,
    ).toBe(found[0]?.id);
  });

  it('is not reported once a baseline is given', () => {
    const reviewed = runAudit(snapshot, { config, baseline, missingBaseline });
    expect(reviewed.findings.map((f) => f.ruleId)).not.toContain('baseline.missing');
  });
});
