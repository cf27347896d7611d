import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import { TrustwatchCentralReports } from '../../infra/central-reports.js';
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

describe("the organization's monthly roll-up", () => {
  const app = synth({
    region: 'eu-west-1',
    centralOrganizationId: ORG,
    centralAccounts: `${MEMBER},444455556666`,
    alertEmails: 'security@example.com',
  });
  let central: Template;
  let rollup: DeployedFunction;
  beforeAll(() => {
    if (!app.central) throw new Error('no central stack');
    central = Template.fromStack(app.central);
    const fn = deployedFunctions(central.toJSON() as TemplateJson, {
      account: SECURITY,
      region: 'eu-west-1',
    })['trustwatch-org-rollup'];
    if (!fn) throw new Error('no roll-up function');
    rollup = fn;
  }, 60_000);
  const logicalId = (type: string, name: RegExp) => {
    const [id] = Object.entries(central.findResources(type)).find(([id]) => name.test(id)) ?? [];
    if (!id) throw new Error(`no ${type} ${name}`);
    return id;
  };
  const object = (key: string) => `arn:aws:s3:::${BUCKET}/${key}`;

  it('runs on the 2nd of each month at 06:00 UTC, after the accounts report on the 1st', () => {
    central.hasResourceProperties('AWS::Scheduler::Schedule', {
      Name: 'trustwatch-org-rollup',
      ScheduleExpression: 'cron(0 6 2 * ? *)',
      ScheduleExpressionTimezone: 'Etc/UTC',
      Target: {
        Arn: { 'Fn::GetAtt': [logicalId('AWS::Lambda::Function', /Rollup/), 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /RollupFailures/), 'Arn'] } },
        RetryPolicy: Match.objectLike({ MaximumRetryAttempts: 2 }),
      },
    });
  });

  it('is built like the monitor functions, with the bucket and the expected accounts', () => {
    central.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'trustwatch-org-rollup',
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      Environment: {
        Variables: {
          TRUSTWATCH_REPORT_BUCKET: { Ref: logicalId('AWS::S3::Bucket', /^Reports/) },
          TRUSTWATCH_EXPECTED_ACCOUNTS: `${MEMBER},444455556666`,
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
    central.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /RollupFailures/), 'Arn'] } },
      },
    });
  });

  it.each([
    ['s3:ListBucket', `arn:aws:s3:::${BUCKET}`, 'Allowed'],
    ['s3:GetObject', object(`${MEMBER}/2026-10/report.json`), 'Allowed'],
    ['s3:PutObject', object('rollup/2026-10/rollup.html'), 'Allowed'],
    ['s3:PutObject', object('rollup/2026-10/rollup.json'), 'Allowed'],
    // Only the reports' data: not the accounts' pages, the roll-ups, nor a key shaped otherwise.
    ['s3:GetObject', object(`${MEMBER}/2026-10/report.html`), 'ImplicitlyDenied'],
    ['s3:GetObject', object('rollup/2026-10/rollup.json'), 'ImplicitlyDenied'],
    ['s3:GetObject', object(`x/${MEMBER}/2026-10/report.json`), 'ImplicitlyDenied'],
    // It never writes, or deletes, the accounts' reports.
    ['s3:PutObject', object(`${MEMBER}/2026-10/report.json`), 'ImplicitlyDenied'],
    ['s3:DeleteObject', object('rollup/2026-10/rollup.html'), 'ImplicitlyDenied'],
    ['s3:GetObject', `arn:aws:s3:::another-bucket/${MEMBER}/2026-10/report.json`, 'ImplicitlyDenied'],
  ])('%s on %s is %s', async (action, resource, expected) => {
    expect(await decision(rollup, action, resource, SECURITY)).toBe(expected);
  });

  it('alarms on its errors, throttles and failed runs, to the watchdog topic mailed unfiltered', () => {
    const watchdog = logicalId('AWS::SNS::Topic', /Watchdog/);
    for (const name of [
      'trustwatch-org-rollup-errors',
      'trustwatch-org-rollup-throttles',
      'trustwatch-org-rollup-failed',
    ])
      central.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: name,
        Threshold: 1,
        AlarmActions: [{ Ref: watchdog }],
        OKActions: [{ Ref: watchdog }],
      });
    central.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'trustwatch-org-rollup-failed',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId('AWS::SQS::Queue', /RollupFailures/), 'QueueName'] },
        },
      ],
    });
    central.hasResourceProperties('AWS::SNS::Subscription', {
      TopicArn: { Ref: watchdog },
      Protocol: 'email',
      Endpoint: 'security@example.com',
      FilterPolicy: Match.absent(),
    });
    // CloudWatch of this account may publish there, encrypting with the organization topic's key.
    central.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: watchdog }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('refuses expected accounts that are not account ids', () => {
    expect(() => appSettings({ centralOrganizationId: ORG, centralAccounts: '1111-2222-3333' })).toThrow(
      /centralAccounts/,
    );
    expect(() => appSettings({ centralAccounts: MEMBER })).toThrow(
      /centralAccounts needs centralOrganizationId/,
    );
  });
});

describe('TrustwatchCentralReports in an app of its own', () => {
  const stack = () =>
    new Stack(new App({ context: { 'aws:cdk:bundling-stacks': [] } }), 'Central', {
      env: { region: 'eu-west-1' },
    });
  const alarmAction = { bind: () => ({ alarmActionArn: 'arn:aws:sns:eu-west-1:999988887777:watchdog' }) };

  it('deploys no roll-up unless asked', () => {
    const s = stack();
    const reports = new TrustwatchCentralReports(s, 'Reports', { organizationId: ORG });
    expect(reports.rollup).toBeUndefined();
    Template.fromStack(s).resourceCountIs('AWS::Lambda::Function', 0);
  });

  it('takes its own schedule', () => {
    const s = stack();
    new TrustwatchCentralReports(s, 'Reports', {
      organizationId: ORG,
      rollup: { alarmAction, schedule: ScheduleExpression.cron({ minute: '30', hour: '9', day: '3' }) },
    });
    Template.fromStack(s).hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(30 9 3 * ? *)',
    });
  });

  it('refuses an expected account that is not an account id, and more than its environment holds', () => {
    expect(
      () =>
        new TrustwatchCentralReports(stack(), 'Reports', {
          organizationId: ORG,
          rollup: { alarmAction, expectedAccounts: [MEMBER, '1111-2222-3333'] },
        }),
    ).toThrow('rollup.expectedAccounts[1]: "1111-2222-3333" is not an AWS account id (12 digits)');
    const many = Array.from({ length: 251 }, (_, i) => String(100_000_000_000 + i));
    expect(
      () =>
        new TrustwatchCentralReports(stack(), 'Reports', {
          organizationId: ORG,
          rollup: { alarmAction, expectedAccounts: many },
        }),
    ).toThrow(/251 accounts, more than the 250/);
  });
});
