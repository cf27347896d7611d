/**
 * The sample account's state as the deployed monitor would have kept it through August to October
 * 2026: findings opened and resolved over the months (found by the hourly audit, or from CloudTrail
 * events with who did it), and the daily assumption counters, so the demo's monthly report has a month
 * to show. Deterministic: the same input writes the same file.
 */
import { runAudit } from '../shared/audit/audit.js';
import type { Baseline } from '../shared/baseline/baseline.js';
import type { Config } from '../shared/config/config.js';
import { STATE_SCHEMA_VERSION } from '../shared/findings/file-store.js';
import type { Finding } from '../shared/findings/finding.js';
import { makeFinding } from '../shared/findings/make.js';
import type { AssumptionCount, StoredFinding } from '../shared/findings/store.js';
import { GITHUB_PROVIDER } from '../shared/github/claims.js';
import type { Snapshot } from '../shared/inventory/snapshot.js';
import { explain } from '../shared/policy/explain.js';
import { parsePolicy } from '../shared/policy/parse.js';
import { assumeDenied, novelSubject, staticKeyFromActions } from '../shared/rules/activity/rules.js';
import { ALL_RULES } from '../shared/rules/catalog.js';

const RULES = new Map(ALL_RULES.map((r) => [r.id, r]));
const rule = (id: string) => RULES.get(id) ?? assumeDenied;

/** A fixed-seed generator (mulberry32): the counters look lived-in yet never change between runs. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const event = (who: string, eventName: string, eventTime: string, ip: string) => ({
  eventId: `5a3b0c1e-0000-4000-8000-${eventTime.replace(/\D/g, '').slice(0, 12)}`,
  eventName,
  eventTime,
  who,
  sourceIp: ip,
  region: 'us-east-1',
});

/** Days of an inclusive range, YYYY-MM-DD. */
function days(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(from); t <= Date.parse(to); t += 86_400_000)
    out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Who deploys with each role, and how often on a working day. */
const WORKFLOWS: Record<string, { subjects: string[]; perDay: number; from?: string; to?: string }> = {
  'gh-deploy-payments-prod': {
    subjects: ['repo:acme-corp@4410021/payments@88120031:environment:production'],
    perDay: 6,
  },
  'gh-deploy-web-prod': {
    subjects: [
      'repo:acme-corp/web:environment:production',
      'repo:acme-corp/marketing-site:ref:refs/heads/main',
    ],
    perDay: 9,
  },
  'gh-terraform-apply': { subjects: ['repo:acme-corp/infrastructure:ref:refs/heads/main'], perDay: 4 },
  'gh-ecr-push': {
    subjects: [
      'repo:acme-corp/api:ref:refs/heads/main',
      'repo:acme-corp/web:ref:refs/heads/main',
      'repo:acme-corp/worker:ref:refs/heads/main',
    ],
    perDay: 14,
    from: '2026-10-21',
  },
  'gh-preview-envs': { subjects: ['repo:acme-corp/web:pull_request'], perDay: 11 },
  'gh-docs-publish': { subjects: ['repo:acme-corp/docs:ref:refs/heads/main'], perDay: 2 },
  'gh-artifacts-read': {
    subjects: ['repo:acme-corp/api:ref:refs/heads/main', 'repo:acme-corp/worker:ref:refs/heads/main'],
    perDay: 5,
  },
  'gh-cross-account-deployer': { subjects: ['repo:acme-corp/platform:environment:production'], perDay: 3 },
  'gh-contractor-migrations': {
    subjects: ['repo:contractor-co/acme-migrations:ref:refs/heads/main'],
    perDay: 1,
    to: '2026-09-23',
  },
  'gh-infra-plan': {
    subjects: [
      'repo:acme-corp/infrastructure:ref:refs/heads/main',
      'repo:acme-corp/infrastructure:ref:refs/heads/renovate',
    ],
    perDay: 8,
  },
  // gh-api-deploy's pattern matches no real subject and gh-legacy-ci is abandoned: no assumptions.
};

function assumptions(snapshot: Snapshot): AssumptionCount[] {
  const next = random(20261031);
  const out: AssumptionCount[] = [];
  const arn = (name: string) => snapshot.roles.find((r) => r.name === name)?.arn ?? name;
  for (const day of days('2026-08-01', '2026-10-31')) {
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    for (const [role, w] of Object.entries(WORKFLOWS)) {
      if ((w.from && day < w.from) || (w.to && day > w.to)) continue;
      for (const subject of w.subjects) {
        const succeeded = Math.round((w.perDay / w.subjects.length) * (weekend ? 0.2 : 0.6 + next() * 0.8));
        if (succeeded > 0) out.push({ roleArn: arn(role), subject, day, succeeded, denied: 0 });
      }
    }
  }
  // The payments deployment that forgot its environment, refused on three October days.
  for (const [day, denied] of [
    ['2026-10-06', 3],
    ['2026-10-07', 5],
    ['2026-10-20', 2],
  ] as const) {
    out.push({
      roleArn: arn('gh-deploy-payments-prod'),
      subject: 'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main',
      day,
      succeeded: 0,
      denied,
    });
  }
  out.push({
    roleArn: arn('gh-api-deploy'),
    subject: 'repo:acme-corp/api:ref:refs/heads/main',
    day: '2026-10-15',
    succeeded: 0,
    denied: 4,
  });
  return out;
}

/** When each audit finding was first seen: spread over the three months by its id. */
function firstSeen(f: Finding): string {
  const offset = Number.parseInt(f.id.slice(0, 6), 16) % 90;
  return new Date(Date.parse('2026-08-01T07:00:00Z') + offset * 86_400_000).toISOString();
}

export function sampleState(snapshot: Snapshot, baseline: Baseline, config: Config) {
  const { account } = snapshot;
  const role = (name: string) => {
    const r = snapshot.roles.find((x) => x.name === name);
    return { type: 'role' as const, arn: r?.arn ?? `arn:aws:iam::${account}:role/${name}`, name };
  };
  const user = (name: string) => ({
    type: 'user' as const,
    arn: `arn:aws:iam::${account}:user/ci/${name}`,
    name,
  });
  const at = (f: Finding, first: string, extra: Partial<StoredFinding> = {}): StoredFinding => ({
    ...f,
    firstSeen: first,
    lastSeen: extra.resolvedAt ?? '2026-11-02T09:00:00.000Z',
    ...extra,
  });
  const audited = runAudit(snapshot, { config, baseline }).findings.map((f): StoredFinding => {
    // Trust changes carry the event that made them, as the IAM event function records them.
    if (f.ruleId === 'drift.trust-wider')
      return at(
        {
          ...f,
          evidence: {
            ...f.evidence,
            event: event(
              `arn:aws:iam::${account}:user/alice`,
              'UpdateAssumeRolePolicy',
              '2026-10-14T09:12:00Z',
              '203.0.113.24',
            ),
          },
        },
        '2026-10-14T09:12:40Z',
      );
    if (f.ruleId === 'drift.new-ci-role')
      return at(
        {
          ...f,
          evidence: {
            ...f.evidence,
            event: event(
              `arn:aws:iam::${account}:user/bob`,
              'CreateRole',
              '2026-10-21T15:40:00Z',
              '198.51.100.20',
            ),
          },
        },
        '2026-10-21T15:40:30Z',
      );
    if (f.ruleId === 'drift.trust-narrower') return at(f, '2026-10-03T11:00:00Z');
    return at(f, firstSeen(f));
  });
  const hit = (
    id: string,
    resource: Finding['resource'],
    message: string,
    evidence: Record<string, unknown>,
  ) => makeFinding(rule(id), { resource, message, evidence }, account, 'global', '2026-01-01T00:00:00Z');
  const resolved: StoredFinding[] = [
    at(
      hit(
        'oidc.any-ref',
        role('gh-nightly-backup'),
        'gh-nightly-backup: any ref of acme-corp/backup can assume the role',
        {},
      ),
      '2026-08-12T07:00:00Z',
      { status: 'resolved', resolvedAt: '2026-10-09T14:00:00Z' },
    ),
    at(
      hit(
        'keys.not-rotated',
        user('ci-deployer-old'),
        'ci-deployer-old: access key AKIAEXAMPLEOLDDEPLO1 is 130 days old (limit 90)',
        {},
      ),
      '2026-09-20T07:00:00Z',
      { status: 'resolved', resolvedAt: '2026-10-02T10:30:00Z' },
    ),
    at(
      hit(
        'oidc.pull-request',
        role('gh-preview-envs-v1'),
        'gh-preview-envs-v1: pull-request workflows can assume the role',
        {},
      ),
      '2026-09-02T07:00:00Z',
      { status: 'resolved', resolvedAt: '2026-09-16T08:00:00Z' },
    ),
    at(
      hit('keys.unused', user('ci-lint'), 'ci-lint: access key AKIAEXAMPLECILINT001 unused for 52 days', {}),
      '2026-10-05T07:00:00Z',
      { status: 'resolved', resolvedAt: '2026-10-25T16:20:00Z' },
    ),
    // Opened late on 31 October in New York: 1 November in UTC, so not an October finding.
    at(
      hit('keys.two-active', user('ci-ecr-pusher'), 'ci-ecr-pusher has two active access keys', {}),
      '2026-10-31T21:30:00-04:00',
    ),
  ];
  const payments = snapshot.roles.find((r) => r.name === 'gh-deploy-payments-prod');
  const refusedSub = 'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main';
  const diagnosis = explain(parsePolicy(payments?.trustPolicy).document, {
    provider: GITHUB_PROVIDER,
    claims: { sub: refusedSub, aud: 'sts.amazonaws.com' },
  }).reasons;
  const events: StoredFinding[] = [
    at(
      makeFinding(
        assumeDenied,
        {
          resource: role('gh-deploy-payments-prod'),
          message: `gh-deploy-payments-prod refused "${refusedSub}" (AccessDenied): ${diagnosis[0]}`,
          evidence: {
            subject: refusedSub,
            errorCode: 'AccessDenied',
            diagnosis,
            event: event(
              'repo:acme-corp@4410021/payments@88120031:ref:refs/heads/main',
              'AssumeRoleWithWebIdentity',
              '2026-10-20T10:02:00Z',
              '52.154.133.40',
            ),
          },
          detail: { subject: refusedSub, errorCode: 'AccessDenied' },
        },
        account,
        'us-east-1',
        '2026-10-06T08:12:00Z',
      ),
      '2026-10-06T08:12:00Z',
      { lastSeen: '2026-10-20T10:02:00Z' },
    ),
    at(
      makeFinding(
        novelSubject,
        {
          resource: role('gh-deploy-web-prod'),
          message:
            'gh-deploy-web-prod was assumed by "repo:acme-corp/marketing-site:ref:refs/heads/main", a subject never seen for this role',
          evidence: { subject: 'repo:acme-corp/marketing-site:ref:refs/heads/main' },
          detail: { subject: 'repo:acme-corp/marketing-site:ref:refs/heads/main' },
        },
        account,
        'us-east-1',
        '2026-10-15T13:00:00Z',
      ),
      '2026-10-15T13:00:00Z',
    ),
    at(
      makeFinding(
        staticKeyFromActions,
        {
          resource: {
            ...user('github-actions-legacy'),
            arn: `arn:aws:iam::${account}:user/github-actions-legacy`,
          },
          message: 'access key AKIAEXAMPLEGHLEGACY1 of github-actions-legacy was used from GitHub Actions',
          evidence: { user: 'github-actions-legacy', keyId: 'AKIAEXAMPLEGHLEGACY1' },
          detail: { keyId: 'AKIAEXAMPLEGHLEGACY1' },
        },
        account,
        'us-east-1',
        '2026-09-08T06:00:00Z',
      ),
      '2026-09-08T06:00:00Z',
      { lastSeen: '2026-10-31T17:45:00Z' },
    ),
  ];
  const findings = [...audited, ...resolved, ...events];
  const counts = assumptions(snapshot);
  const subjects: Record<string, string[]> = {};
  for (const c of counts)
    if (c.succeeded > 0) subjects[c.roleArn] = [...new Set([...(subjects[c.roleArn] ?? []), c.subject])];
  return {
    schemaVersion: STATE_SCHEMA_VERSION,
    findings: Object.fromEntries(findings.map((f) => [f.id, f])),
    events: {},
    checkpoints: { 'us-east-1': '2026-11-02T09:00:00.000Z' },
    assumptions: counts,
    subjects,
  };
}
