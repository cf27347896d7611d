import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import { type Finding, fingerprint } from '../../shared/findings/finding.js';
import { ALL_RULES } from '../../shared/rules/catalog.js';
import {
  ASFF_LIMITS,
  type AsffFinding,
  asffFindings,
  asffId,
  asffTarget,
  defaultProductArn,
  toAsff,
} from '../../shared/securityhub/asff.js';
import { findingBytes, importBatches, withinFindingLimit } from '../../shared/securityhub/batches.js';
import { clip } from '../../shared/securityhub/clip.js';
import { AsffRequiredSchema } from '../support/asff-schema.js';
import { sampleAccount } from '../support/sample-account.js';

const target = asffTarget('eu-west-1', '111122223333');

// Hand-written: one finding of each status, about a user's key.
const finding = (over: Partial<Finding> = {}): Finding => ({
  id: fingerprint('keys.not-rotated', 'arn:aws:iam::111122223333:user/ci-legacy', { slot: 1 }),
  ruleId: 'keys.not-rotated',
  severity: 'high',
  title: 'Access key not rotated',
  resource: { type: 'user', arn: 'arn:aws:iam::111122223333:user/ci-legacy', name: 'ci-legacy' },
  account: '111122223333',
  region: 'global',
  message: 'ci-legacy: access key AKIAEXAMPLE is 120 days old (limit 90)',
  evidence: {
    user: 'ci-legacy',
    slot: 1,
    keyId: 'AKIAEXAMPLE',
    created: '2026-07-05T00:00:00Z',
    ageDays: 120,
  },
  remediation: 'Rotate the key.',
  firstSeen: '2026-11-01T09:00:00.000Z',
  lastSeen: '2026-11-02T09:00:00.000Z',
  status: 'open',
  ...over,
});
const rule = ALL_RULES.find((r) => r.id === 'keys.not-rotated');

describe('one trustwatch finding as one ASFF finding', () => {
  it('fills every required attribute from the finding and its rule', () => {
    const asff = toAsff(finding(), rule, target, '2026-11-02T10:00:00.000Z');
    expect(AsffRequiredSchema.parse(asff)).toBeTruthy();
    expect(asff).toMatchObject({
      SchemaVersion: '2018-10-08',
      Id: `trustwatch/${finding().id}`,
      ProductArn: 'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
      GeneratorId: 'keys.not-rotated',
      AwsAccountId: '111122223333',
      CreatedAt: '2026-11-01T09:00:00.000Z',
      FirstObservedAt: '2026-11-01T09:00:00.000Z',
      LastObservedAt: '2026-11-02T09:00:00.000Z',
      UpdatedAt: '2026-11-02T10:00:00.000Z',
      Severity: { Label: 'HIGH', Original: 'high' },
      Title: 'Access key not rotated: ci-legacy',
      Description: 'ci-legacy: access key AKIAEXAMPLE is 120 days old (limit 90)',
      Remediation: {
        Recommendation: {
          Text: 'Rotate the key.',
          Url: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#rotate-credentials',
        },
      },
      RecordState: 'ACTIVE',
      Workflow: { Status: 'NEW' },
    });
    expect(asff.FindingProviderFields).toEqual({ Severity: asff.Severity, Types: asff.Types });
  });

  it('names the user by ARN and the key it is about by id, in the partition and region of the export', () => {
    const asff = toAsff(finding(), rule, asffTarget('cn-north-1', '111122223333'));
    expect(asff.Resources).toEqual([
      {
        Type: 'AwsIamUser',
        Id: 'arn:aws:iam::111122223333:user/ci-legacy',
        Partition: 'aws-cn',
        Region: 'cn-north-1',
      },
      {
        Type: 'AwsIamAccessKey',
        Id: 'AKIAEXAMPLE',
        Partition: 'aws-cn',
        Region: 'cn-north-1',
        Details: {
          AwsIamAccessKey: {
            AccessKeyId: 'AKIAEXAMPLE',
            PrincipalType: 'IAMUser',
            PrincipalName: 'ci-legacy',
          },
        },
      },
    ]);
    expect(asff.ProductArn).toBe(
      'arn:aws-cn:securityhub:cn-north-1:111122223333:product/111122223333/default',
    );
  });

  it('types roles AwsIamRole and anything else Other, keeping a regional finding in its region', () => {
    const role = toAsff(
      finding({
        resource: { type: 'role', arn: 'arn:aws:iam::111122223333:role/gh-deploy', name: 'gh-deploy' },
        evidence: {},
      }),
      undefined,
      target,
    );
    expect(role.Resources).toEqual([
      {
        Type: 'AwsIamRole',
        Id: 'arn:aws:iam::111122223333:role/gh-deploy',
        Partition: 'aws',
        Region: 'eu-west-1',
      },
    ]);
    const trail = toAsff(
      finding({
        resource: {
          type: 'account',
          arn: 'arn:aws:cloudtrail:us-west-2:111122223333:trail/*',
          name: 'CloudTrail in us-west-2',
        },
        region: 'us-west-2',
        evidence: {},
      }),
      undefined,
      target,
    );
    expect(trail.Resources[0]).toMatchObject({ Type: 'Other', Region: 'us-west-2' });
    expect(trail.Remediation.Recommendation.Url).toBeUndefined();
  });

  it('maps every severity, archives a resolved finding and marks a suppressed one', () => {
    const labels = (['critical', 'high', 'medium', 'low', 'info'] as const).map(
      (severity) => toAsff(finding({ severity }), rule, target).Severity.Label,
    );
    expect(labels).toEqual(['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL']);
    const resolved = toAsff(finding({ status: 'resolved' }), rule, target);
    expect([resolved.RecordState, resolved.Workflow.Status]).toEqual(['ARCHIVED', 'RESOLVED']);
    const suppressed = toAsff(
      finding({ status: 'suppressed', suppression: { reason: 'migrating in Q1', expires: '2027-03-31' } }),
      rule,
      target,
    );
    expect([suppressed.RecordState, suppressed.Workflow.Status]).toEqual(['ACTIVE', 'SUPPRESSED']);
    expect(suppressed.Description).toContain('Suppressed until 2027-03-31: migrating in Q1');
    expect(suppressed.ProductFields['trustwatch/suppressionReason']).toBe('migrating in Q1');
  });

  it('gives the same Id to the same fingerprint whatever else changed, and another to another', () => {
    const first = toAsff(finding(), rule, target, '2026-11-02T10:00:00.000Z');
    const later = toAsff(
      finding({ lastSeen: '2026-11-09T09:00:00.000Z', message: 'now 127 days old', status: 'resolved' }),
      rule,
      asffTarget('us-east-1', '111122223333'),
      '2026-11-09T10:00:00.000Z',
    );
    expect(later.Id).toBe(first.Id);
    expect(toAsff(finding({ id: 'another' }), rule, target).Id).not.toBe(first.Id);
    expect(asffId({ id: 'abc' })).toBe('trustwatch/abc');
  });

  it('clips title, description, recommendation and product fields to the documented limits', () => {
    const long = '€'.repeat(5000);
    const asff = toAsff(
      finding({
        title: long,
        message: long,
        remediation: long,
        evidence: Object.fromEntries(Array.from({ length: 80 }, (_, i) => [`field${i}`, long])),
      }),
      rule,
      target,
    );
    expect(AsffRequiredSchema.parse(asff)).toBeTruthy();
    expect(Array.from(asff.Title)).toHaveLength(256);
    expect(Array.from(asff.Description)).toHaveLength(1024);
    expect(Array.from(asff.Remediation.Recommendation.Text)).toHaveLength(512);
    expect(asff.Title.endsWith('…')).toBe(true);
    const fields = Object.entries(asff.ProductFields);
    expect(fields.length).toBeLessThanOrEqual(47);
    expect(fields.every(([k, v]) => k.length <= 128 && Array.from(v).length <= 2048)).toBe(true);
    // What did not fit is named, not dropped unsaid.
    expect(asff.ProductFields['trustwatch/omitted']).toMatch(/field79/);
  });

  it('never splits a surrogate pair when clipping', () => {
    const text = '😀'.repeat(10);
    expect(clip(text, 4)).toBe('😀😀😀…');
    expect(clip(text, 10)).toBe(text);
  });

  it('puts the witness of a widened trust among the product fields', () => {
    const { snapshot, baseline, config } = sampleAccount();
    const result = runAudit(snapshot, { config, baseline });
    const wider = result.findings.find((f) => f.ruleId === 'drift.trust-wider');
    if (!wider) throw new Error('the sample account has a widened trust policy');
    const [asff] = asffFindings([wider], target);
    expect(asff?.ProductFields['trustwatch/newlyAdmitted']).toMatch(/^repo:/);
    expect(asff?.Types).toContain('TTPs/Persistence');
  });

  it('names the default product of the account', () => {
    expect(defaultProductArn(asffTarget('us-gov-west-1', '123456789012'))).toBe(
      'arn:aws-us-gov:securityhub:us-gov-west-1:123456789012:product/123456789012/default',
    );
    expect(() => asffTarget('us-iso-east-1', '123456789012')).toThrow(/no partition aws-iso/);
  });
});

describe('BatchImportFindings requests', () => {
  const many = (n: number) =>
    asffFindings(
      Array.from({ length: n }, (_, i) => finding({ id: `f${i}` })),
      target,
    );

  it('holds at most 100 findings a request, in order, none lost', () => {
    const batches = importBatches(many(250));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((f) => f.Id)).toEqual(many(250).map((f) => f.Id));
  });

  it('starts a new request before one would pass the request size limit', () => {
    const findings = many(10);
    const one = findingBytes(findings[0] as AsffFinding);
    const batches = importBatches(findings, { ...ASFF_LIMITS, requestBytes: one * 3 + 20 });
    expect(batches.map((b) => b.length)).toEqual([3, 3, 3, 1]);
  });

  it('cuts a finding over 240 KB down by its largest facts, naming them', () => {
    // 2048 three-byte characters a value: 42 of them make about 258 KB.
    const huge = toAsff(
      finding({
        evidence: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, '€'.repeat(3000)])),
      }),
      rule,
      target,
    );
    expect(findingBytes(huge)).toBeGreaterThan(ASFF_LIMITS.findingBytes);
    const fitted = withinFindingLimit(huge);
    expect(findingBytes(fitted)).toBeLessThanOrEqual(ASFF_LIMITS.findingBytes);
    expect(fitted.ProductFields['trustwatch/ruleId']).toBe('keys.not-rotated');
    expect(fitted.ProductFields['trustwatch/omitted']).toMatch(/field/);
    expect(importBatches([huge])[0]?.[0]).toEqual(fitted);
  });
});
