import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { assumptionWindow, buildReport, type ReportInput } from '../../shared/report/aggregate.js';
import { parseMonth } from '../../shared/report/month.js';
import { githubTrust } from '../support/github-trust.js';
import { ACCOUNT, count, finding, roleArn } from './build.js';

const october = parseMonth('2026-10');
const report = (input: Partial<ReportInput>) =>
  buildReport({
    account: ACCOUNT,
    month: october,
    findings: [],
    assumptions: [],
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00Z',
    ...input,
  });

const trust = (sub: string | string[], operator?: string) =>
  githubTrust(sub, { account: ACCOUNT, ...(operator ? { operator } : {}) });
const role = (name: string, trustPolicy: unknown, extra: Partial<Snapshot['roles'][number]> = {}) => ({
  name,
  arn: roleArn(name),
  path: '/',
  created: '2025-01-01T00:00:00Z',
  trustPolicy,
  maxSessionDuration: 3600,
  tags: {},
  ...extra,
});
const key = (slot: 1 | 2, created: string, lastUsed?: string, active = true) => ({
  slot,
  active,
  created,
  ...(lastUsed ? { lastUsed: { date: lastUsed } } : {}),
});
const snapshot = (fields: Partial<Snapshot>): Snapshot => ({
  schemaVersion: 1,
  account: ACCOUNT,
  collectedAt: '2026-11-01T05:00:00Z',
  roles: [],
  oidcProviders: [],
  users: [],
  gaps: [],
  ...fields,
});

describe('posture of a month', () => {
  it('counts findings by when they were opened and resolved in UTC, across the month boundaries', () => {
    const findings = [
      // Opened in September, resolved in October: resolved this month, not open at its end.
      finding({ severity: 'high', firstSeen: '2026-09-20T00:00:00Z', resolvedAt: '2026-10-05T00:00:00Z' }),
      // Opened in October, resolved in November: opened this month and still open at its end.
      finding({
        severity: 'critical',
        firstSeen: '2026-10-02T12:00:00Z',
        resolvedAt: '2026-11-03T00:00:00Z',
      }),
      // 31 October 21:30 in New York is 1 November in UTC: not October's.
      finding({ severity: 'low', firstSeen: '2026-10-31T21:30:00-04:00' }),
      // 1 October 01:00 in Paris is 30 September in UTC: open at the end, not opened in October.
      finding({ severity: 'medium', firstSeen: '2026-10-01T01:00:00+02:00' }),
      // Opened and resolved within October: 2 days to resolve.
      finding({ severity: 'medium', firstSeen: '2026-10-10T00:00:00Z', resolvedAt: '2026-10-12T00:00:00Z' }),
      // Resolved before October: no part of it.
      finding({ severity: 'high', firstSeen: '2026-08-01T00:00:00Z', resolvedAt: '2026-09-01T00:00:00Z' }),
    ];
    const { posture, metrics } = report({ findings });
    expect(posture.opened).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    expect(posture.resolved).toEqual({ critical: 0, high: 1, medium: 1, low: 0, info: 0 });
    expect(posture.openAtEnd).toEqual({ critical: 1, high: 0, medium: 1, low: 0, info: 0 });
    // (15 + 2) / 2 days.
    expect(posture.meanDaysToResolve).toBe(8.5);
    expect(metrics).toMatchObject({ openFindings: 2, openCriticalHigh: 1, opened: 2, resolved: 2 });
    expect(posture.oldestOpen.items.map((f) => [f.severity, f.days])).toEqual([
      ['medium', 31],
      ['critical', 29],
    ]);
    expect(posture.openedThisMonth.items[0]).toMatchObject({
      severity: 'critical',
      resolvedAt: '2026-11-03T00:00:00Z',
    });
  });

  it('says there is no mean time to resolve when nothing was resolved', () => {
    expect(report({ findings: [finding({})] }).posture.meanDaysToResolve).toBeNull();
  });

  it('counts suppressed findings apart from open ones, with days left on each suppression', () => {
    const findings = [
      finding({
        status: 'suppressed',
        suppression: { reason: 'vendor', expires: '2026-11-11' },
        firstSeen: '2026-07-01T00:00:00Z',
      }),
      finding({
        status: 'suppressed',
        suppression: { reason: 'old', expires: '2026-10-21' },
        firstSeen: '2026-07-01T00:00:00Z',
      }),
    ];
    const { posture } = report({ findings });
    expect(posture.suppressedAtEnd).toBe(2);
    expect(posture.openAtEnd.medium).toBe(0);
    expect(posture.suppressions.items.map((s) => [s.reason, s.daysLeft])).toEqual([
      ['old', -11],
      ['vendor', 10],
    ]);
  });

  it('lists long lists in part, keeps exact totals and says what was cut', () => {
    const findings = Array.from({ length: 40 }, (_, i) =>
      finding({ firstSeen: new Date(Date.parse('2026-10-01T00:00:00Z') + i * 3_600_000).toISOString() }),
    );
    const r = report({ findings });
    expect(r.posture.openedThisMonth.items).toHaveLength(25);
    expect(r.posture.openedThisMonth.total).toBe(40);
    expect(r.metrics.opened).toBe(40);
    expect(r.notes).toContain('Findings opened this month: the first 25 of 40 are listed.');
  });
});

describe('activity of a month', () => {
  it('sums assumptions per day, role and repository, only those of the month', () => {
    const assumptions = [
      count('deploy', 'repo:acme/web:ref:refs/heads/main', '2026-10-01', 3),
      count('deploy', 'repo:acme/web:environment:prod', '2026-10-01', 2),
      count('deploy', 'repo:acme/api:ref:refs/heads/main', '2026-10-31', 4, 1),
      count('deploy', 'repo:acme/api:ref:refs/heads/main', '2026-09-30', 100),
      count('plan', 'repo:acme/infra:pull_request', '2026-10-15', 1),
    ];
    const { activity, metrics } = report({ assumptions });
    expect(activity.perDay[0]).toEqual({ day: '2026-10-01', succeeded: 5, denied: 0 });
    expect(activity.perDay[30]).toEqual({ day: '2026-10-31', succeeded: 4, denied: 1 });
    expect(activity.perDay).toHaveLength(31);
    expect(metrics).toMatchObject({ assumptions: 10, denied: 1 });
    expect(activity.roles.top.map((s) => [s.label, s.succeeded, s.denied])).toEqual([
      ['deploy', 9, 1],
      ['plan', 1, 0],
    ]);
    expect(activity.repositories.top.map((s) => [s.label, s.succeeded])).toEqual([
      ['acme/api', 4],
      ['acme/web', 5],
      ['acme/infra', 1],
    ]);
    expect(activity.roles.others).toBeNull();
  });

  it('keeps the ten busiest roles and sums the rest into one row, saying so', () => {
    const assumptions = Array.from({ length: 14 }, (_, i) =>
      count(`role-${i}`, 'repo:acme/web:ref:refs/heads/main', '2026-10-02', 100 - i),
    );
    const r = report({ assumptions });
    expect(r.activity.roles.top).toHaveLength(10);
    expect(r.activity.roles.total).toBe(14);
    expect(r.activity.roles.others).toMatchObject({ label: '4 others', succeeded: 87 + 88 + 89 + 90 });
    expect(r.activity.roles.others?.perDay[1]).toBe(87 + 88 + 89 + 90);
    expect(
      r.notes.some((n) => n.startsWith('Assumptions per role: the 10 busiest roles are shown; the other 4')),
    ).toBe(true);
  });

  it('lists refusals with the diagnosis the activity finding recorded', () => {
    const subject = 'repo:acme/pay:ref:refs/heads/main';
    const assumptions = [
      count('pay', subject, '2026-10-06', 0, 3),
      count('pay', subject, '2026-10-07', 0, 2),
      count('web', 'repo:acme/web:pull_request', '2026-10-08', 0, 1),
    ];
    const denied = finding({
      ruleId: 'activity.assume-denied',
      resource: 'pay',
      lastSeen: '2026-10-07T10:00:00Z',
      evidence: { subject, diagnosis: ['the job has no environment'] },
    });
    const { activity } = report({ assumptions, findings: [denied] });
    expect(activity.denied.items).toEqual([
      { role: 'pay', subject, count: 5, diagnosis: ['the job has no environment'] },
      { role: 'web', subject: 'repo:acme/web:pull_request', count: 1, diagnosis: null },
    ]);
  });

  it('names GitHub-trusted roles nobody assumed in the 90 days to the month end as unused', () => {
    const roles = [
      role('busy', trust('repo:acme/web:ref:refs/heads/main')),
      // Assumed in August, inside the 90 days: used.
      role('august', trust('repo:acme/a:ref:refs/heads/main')),
      // Last used by IAM's account in June: unused.
      role('june', trust('repo:acme/b:ref:refs/heads/main'), { lastUsed: { date: '2026-06-01T00:00:00Z' } }),
      role('never', trust('repo:acme/c:ref:refs/heads/main')),
      // Created in October: too young to call unused.
      role('young', trust('repo:acme/d:ref:refs/heads/main'), { created: '2026-10-20T00:00:00Z' }),
      // Not GitHub-trusted: not a CI role.
      role('lambda', {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      }),
    ];
    const window = assumptionWindow(october);
    expect(window).toEqual({ from: '2026-08-03', to: '2026-10-31' });
    const assumptions = [
      count('busy', 'repo:acme/web:ref:refs/heads/main', '2026-10-03', 1),
      count('august', 'repo:acme/a:ref:refs/heads/main', '2026-08-03', 1),
    ];
    const r = report({ assumptions, snapshot: snapshot({ roles }) });
    expect(r.activity.unusedRoles.items).toEqual([
      { name: 'never', lastUsed: null },
      { name: 'june', lastUsed: '2026-06-01T00:00:00Z' },
    ]);
    expect(r.metrics.unusedRoles).toBe(2);
  });
});

describe('OIDC migration', () => {
  it('measures OIDC against static keys, CI keys by age at month end, and keys rotated in the month', () => {
    const users = [
      {
        name: 'ci-old',
        arn: 'arn:aws:iam::111122223333:user/ci/ci-old',
        path: '/ci/',
        tags: {},
        keys: [key(1, '2025-09-01T00:00:00Z', '2026-10-20T00:00:00Z')],
      },
      {
        name: 'ci-fresh',
        arn: 'arn:aws:iam::111122223333:user/ci/ci-fresh',
        path: '/ci/',
        tags: {},
        keys: [key(1, '2026-10-12T00:00:00Z', '2026-09-01T00:00:00Z'), key(2, '2026-11-02T00:00:00Z')],
      },
      {
        name: 'ci-idle',
        arn: 'arn:aws:iam::111122223333:user/ci/ci-idle',
        path: '/ci/',
        tags: {},
        keys: [key(1, '2026-06-01T00:00:00Z', undefined, false)],
      },
      {
        name: 'alice',
        arn: 'arn:aws:iam::111122223333:user/alice',
        path: '/',
        tags: {},
        keys: [key(1, '2020-01-01T00:00:00Z', '2026-10-30T00:00:00Z')],
      },
    ];
    const roles = [
      role('deploy', trust('repo:acme/web:ref:refs/heads/main')),
      role('plan', trust('repo:acme/infra:ref:refs/heads/main')),
    ];
    const assumptions = [
      count('deploy', 'repo:acme/web:ref:refs/heads/main', '2026-10-03', 7),
      count('plan', 'repo:acme/infra:ref:refs/heads/main', '2026-09-03', 7),
    ];
    const fromActions = finding({
      ruleId: 'activity.static-key-from-actions',
      lastSeen: '2026-10-09T00:00:00Z',
      evidence: { keyId: 'AKIAEXAMPLE' },
    });
    const r = report({ snapshot: snapshot({ roles, users }), assumptions, findings: [fromActions] });
    const m = r.migration;
    // One role assumed in October against one CI user whose key was used in October (ci-old).
    expect(m).toMatchObject({
      oidcRolesUsed: 1,
      staticUsersUsed: 1,
      oidcShare: 0.5,
      oidcAssumptions: 7,
      keysUsedFromActions: 1,
    });
    // The key created in November did not exist at the end of October; inactive keys and people are left out.
    expect(m?.ciUsersWithKeys.items.map((u) => [u.name, u.activeKeys, u.oldestKeyDays])).toEqual([
      ['ci-old', 1, 426],
      ['ci-fresh', 1, 20],
    ]);
    expect(m?.keyAges.map((b) => b.count)).toEqual([1, 0, 0, 0, 1]);
    expect(m?.rotatedThisMonth.items).toEqual([{ user: 'ci-fresh', created: '2026-10-12T00:00:00Z' }]);
    expect(r.metrics).toMatchObject({ ciUsersWithKeys: 2, ciKeysOver90Days: 1 });
  });

  it('says so when there is no snapshot, and leaves the sections it would fill empty, not made up', () => {
    const r = report({ snapshotProblem: 'AccessDenied on iam:ListRoles' });
    expect(r.migration).toBeNull();
    expect(r.trust.roles).toBeNull();
    expect(r.metrics).toMatchObject({
      oidcShare: null,
      ciUsersWithKeys: null,
      githubTrustedRoles: null,
      unusedRoles: null,
    });
    expect(r.notes[0]).toBe(
      'The account could not be read (AccessDenied on iam:ListRoles): OIDC migration, trusted roles and unused roles are not reported.',
    );
    expect(r.notes).toContain(
      'No assumption counters were recorded for this period: activity is empty, not necessarily absent.',
    );
  });
});

describe('trust', () => {
  it('asks the policy engine which owners and repositories each GitHub-trusted role admits', () => {
    const roles = [
      role('pinned', trust(['repo:acme/web:ref:refs/heads/main', 'repo:acme/api:environment:prod'])),
      role('any-repo', trust('repo:acme/*', 'StringLike')),
      role('any-owner', trust('repo:*', 'StringLike')),
    ];
    const r = report({ snapshot: snapshot({ roles }) });
    const by = new Map(r.trust.roles?.items.map((x) => [x.name, x]));
    expect(by.get('pinned')).toMatchObject({
      anyOwner: false,
      owners: [{ name: 'acme', anyRepository: false, repositories: ['api', 'web'] }],
    });
    expect(by.get('any-repo')).toMatchObject({
      anyOwner: false,
      owners: [{ name: 'acme', anyRepository: true }],
    });
    expect(by.get('any-owner')?.anyOwner).toBe(true);
    // The widest first.
    expect(r.trust.roles?.items.map((x) => x.name)).toEqual(['any-owner', 'any-repo', 'pinned']);
    expect(r.metrics).toMatchObject({ githubTrustedRoles: 3, rolesAdmittingAnyOwner: 1 });
  });

  it('lists the trust changes opened this month with their verdict and who made them', () => {
    const wider = finding({
      ruleId: 'drift.trust-wider',
      resource: 'web',
      firstSeen: '2026-10-14T09:12:40Z',
      evidence: {
        verdict: 'wider',
        before: ['repo:acme/web:environment:production'],
        after: ['repo:acme/*'],
        newlyAdmitted: [{ provider: 'x', claims: { sub: 'repo:acme/other:ref:refs/heads/main' } }],
        event: { who: 'arn:aws:iam::111122223333:user/alice', eventTime: '2026-10-14T09:12:00Z' },
      },
    });
    const narrower = finding({
      ruleId: 'drift.trust-narrower',
      resource: 'docs',
      firstSeen: '2026-10-03T11:00:00Z',
      evidence: { noLongerAdmitted: [{ claims: { sub: 'repo:acme/x:ref:refs/heads/main' } }] },
    });
    const deleted = finding({
      ruleId: 'drift.trust-narrower',
      resource: 'gone',
      firstSeen: '2026-10-04T11:00:00Z',
      evidence: { deleted: true },
    });
    const september = finding({
      ruleId: 'drift.trust-wider',
      firstSeen: '2026-09-30T23:00:00Z',
      evidence: { verdict: 'incomparable' },
    });
    const r = report({ findings: [wider, narrower, deleted, september] });
    expect(r.trust.changes.items).toEqual([
      {
        role: 'docs',
        verdict: 'narrower',
        at: '2026-10-03T11:00:00Z',
        by: null,
        before: [],
        after: [],
        example: 'no longer gets in: repo:acme/x:ref:refs/heads/main',
      },
      {
        role: 'gone',
        verdict: 'narrower',
        at: '2026-10-04T11:00:00Z',
        by: null,
        before: [],
        after: [],
        example: 'the role was deleted',
      },
      {
        role: 'web',
        verdict: 'wider',
        at: '2026-10-14T09:12:00Z',
        by: 'arn:aws:iam::111122223333:user/alice',
        before: ['repo:acme/web:environment:production'],
        after: ['repo:acme/*'],
        example: 'now gets in: repo:acme/other:ref:refs/heads/main',
      },
    ]);
    expect(r.metrics).toMatchObject({ trustChanges: 3, trustWidened: 1 });
  });
});

describe('month over month', () => {
  it('compares with the previous report, and says why when there is none or it is unusable', () => {
    const september = buildReport({
      account: ACCOUNT,
      month: parseMonth('2026-09'),
      findings: [
        finding({ firstSeen: '2026-09-02T00:00:00Z' }),
        finding({ firstSeen: '2026-09-03T00:00:00Z' }),
      ],
      assumptions: [],
      config: DEFAULT_CONFIG,
      generatedAt: '2026-10-01T06:00:00Z',
    });
    const withPrevious = report({
      findings: [finding({ firstSeen: '2026-09-02T00:00:00Z' })],
      previous: september,
    });
    expect(withPrevious.comparison?.previousMonth).toBe('2026-09');
    expect(withPrevious.comparison?.rows.find((row) => row.metric === 'openFindings')).toEqual({
      metric: 'openFindings',
      label: 'Open findings at month end',
      previous: 2,
      current: 1,
      better: 'lower',
    });
    const none = report({});
    expect(none.comparison).toBeNull();
    expect(none.notes).toContain(
      'No report for September 2026 was found: there is no month-over-month comparison.',
    );
    const broken = report({ previous: { problem: 'schemaVersion: expected 1' } });
    expect(broken.comparison).toBeNull();
    expect(broken.notes).toContain(
      'The report for September 2026 could not be used (schemaVersion: expected 1): there is no month-over-month comparison.',
    );
  });
});
