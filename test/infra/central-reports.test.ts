import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import {
  type DeployedFunction,
  decision,
  deployedFunctions,
  type TemplateJson,
  templateResolver,
} from './deployed-roles.js';
import { synth } from './synth.js';

const SECURITY = '999988887777';
const MEMBER = '111122223333';
const ORG = 'o-abcdefghij';
const BUCKET = `trustwatch-org-reports-${SECURITY}`;

describe("the organization's report bucket", () => {
  const app = synth({
    region: 'eu-west-1',
    centralOrganizationId: ORG,
    centralReportBucket: BUCKET,
  });
  let monthlyReport: DeployedFunction;
  let bucketPolicy: unknown;
  beforeAll(() => {
    if (!app.central) throw new Error('no central stack');
    const member = app.template.toJSON() as TemplateJson;
    const fn = deployedFunctions(member, { account: MEMBER, region: 'eu-west-1' })[
      'trustwatch-monthly-report'
    ];
    if (!fn) throw new Error('no monthly report function');
    monthlyReport = fn;
    const central = Template.fromStack(app.central).toJSON() as TemplateJson;
    const policy = Object.values(central.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
    bucketPolicy = templateResolver(central, { account: SECURITY, region: 'eu-west-1' })(
      policy?.Properties?.PolicyDocument,
    );
  }, 60_000);

  /** The member's monthly report function writing to the security account's bucket. */
  const put = (key: string, orgId = ORG) =>
    decision(monthlyReport, 's3:PutObject', `arn:aws:s3:::${BUCKET}/${key}`, SECURITY, {
      resourcePolicy: bucketPolicy,
      // AWS puts both in every request's context; the simulator takes them as given.
      context: { 'aws:PrincipalOrgID': orgId, 'aws:PrincipalAccount': MEMBER },
    });

  it('is named for the security account, encrypted, versioned and never public', () => {
    if (!app.central) throw new Error('no central stack');
    const central = Template.fromStack(app.central);
    central.hasResourceProperties('AWS::S3::Bucket', {
      BucketName: { 'Fn::Join': ['', ['trustwatch-org-reports-', { Ref: 'AWS::AccountId' }]] },
      VersioningConfiguration: { Status: 'Enabled' },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      }),
      BucketEncryption: Match.anyValue(),
    });
    central.hasOutput('ReportBucketName', {
      Value: { Ref: Match.stringLikeRegexp('^Reports') },
      Description: Match.stringLikeRegexp('centralReportBucket'),
    });
  });

  it("copies each month's report from every monitor, with the bucket's name", () => {
    expect(monthlyReport.environment.TRUSTWATCH_CENTRAL_REPORT_BUCKET).toBe(BUCKET);
  });

  it("lets an account of the organization write its own folder, and no other account's", async () => {
    expect(await put(`${MEMBER}/2026-10/report.json`)).toBe('Allowed');
    expect(await put(`${MEMBER}/2026-10/report.html`)).toBe('Allowed');
    expect(await put(`444455556666/2026-10/report.json`)).not.toBe('Allowed');
    expect(await put('rollup/2026-10/rollup.html')).not.toBe('Allowed');
  });

  it('lets no account outside the organization write at all', async () => {
    expect(await put(`${MEMBER}/2026-10/report.json`, 'o-zzzzzzzzzz')).not.toBe('Allowed');
  });

  it('holds the monitor to its own folder by its own policy too', async () => {
    // Without the bucket's policy in the way: the role alone names only its account's folder.
    const own = await decision(monthlyReport, 's3:PutObject', `arn:aws:s3:::${BUCKET}/${MEMBER}/x`, MEMBER);
    const other = await decision(
      monthlyReport,
      's3:PutObject',
      `arn:aws:s3:::${BUCKET}/444455556666/x`,
      MEMBER,
    );
    expect([own, other]).toEqual(['Allowed', 'ImplicitlyDenied']);
  });

  it('refuses a bucket name that is not one', () => {
    expect(() => appSettings({ centralReportBucket: 'Org Reports' })).toThrow(/centralReportBucket/);
  });
});
