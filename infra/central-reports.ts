import { Aws, type CfnElement, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { isAccountId } from '../shared/report/location.js';
import { alertOnAny } from './alarm.js';
import { failuresQueue } from './failures-queue.js';
import { MonitorFunction } from './monitor-function.js';
import { inOrganization } from './organization.js';
import { PRIVATE_BUCKET, reportLifecycle } from './private-bucket.js';
import { scheduleFunction } from './scheduled-run.js';

export interface TrustwatchRollupProps {
  /** What the roll-up's alarms invoke (its errors, throttles, and runs that failed every retry). */
  readonly alarmAction: IAlarmAction;
  /**
   * The accounts expected to report, so that one that never reported is listed as missing.
   * @default the accounts with a folder in the bucket
   */
  readonly expectedAccounts?: string[];
  /** When it runs: after the accounts' reports (the 1st, 06:00 UTC). @default the 2nd of each month, 06:00 UTC */
  readonly schedule?: ScheduleExpression;
  /** @default one year */
  readonly logRetention?: RetentionDays;
}

export interface TrustwatchCentralReportsProps {
  /** The AWS Organizations id (`o-…`) whose accounts may copy their reports in. */
  readonly organizationId: string;
  /** Name prefix of the bucket. @default 'trustwatch' */
  readonly prefix?: string;
  /** How long reports are kept. @default three years */
  readonly reportRetention?: Duration;
  /** What happens to the bucket when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** The monthly roll-up of the accounts' reports, written to rollup/YYYY-MM/ in the bucket. @default none */
  readonly rollup?: TrustwatchRollupProps;
}

/** The accounts list is the function's environment, which Lambda caps at 4 KB in all. */
const MAX_EXPECTED_ACCOUNTS = 250;

/**
 * The organization's report bucket, in a security account: each account's monitor (its
 * `centralReportBucket`) copies its monthly report.json and report.html to ACCOUNT/YYYY-MM/ here, and
 * the roll-up function (`rollup`) or `trustwatch report rollup --from s3://BUCKET/` rolls them up. Each account of the organization may
 * write its own folder and nothing else; nobody outside the organization may write at all.
 */
export class TrustwatchCentralReports extends Construct {
  readonly bucket: Bucket;
  /** The monthly roll-up, when the props ask for it. */
  readonly rollup?: MonitorFunction;

  constructor(scope: Construct, id: string, props: TrustwatchCentralReportsProps) {
    super(scope, id);
    const organization = inOrganization(props.organizationId);
    this.bucket = new Bucket(this, 'Reports', {
      // Named, so that every monitor can be given it before this stack exists.
      bucketName: `${props.prefix ?? 'trustwatch'}-org-reports-${Aws.ACCOUNT_ID}`,
      // SSE-S3: a KMS key would need every account's role in its policy to write.
      ...PRIVATE_BUCKET,
      lifecycleRules: reportLifecycle(props.reportRetention),
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'EachAccountWritesItsOwnFolder',
        effect: Effect.ALLOW,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        // The policy variable is the caller's own account: no account can write another's reports.
        resources: [this.bucket.arnForObjects('${aws:PrincipalAccount}/*')],
        conditions: organization,
      }),
    );
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        "the bucket holds only the accounts' monthly reports; writes and reads of it are in CloudTrail (S3 data events) where the account records them, and a log bucket would need its own",
    });
    new CfnOutput(this, 'ReportBucketName', {
      value: this.bucket.bucketName,
      description: "give it to every account's monitor as centralReportBucket (-c centralReportBucket=…)",
    }).overrideLogicalId('ReportBucketName');
    if (props.rollup) this.rollup = this.addRollup(props.prefix ?? 'trustwatch', props.rollup);
  }

  /**
   * The roll-up function, run by a schedule with the previous month, or by hand with `{"month": "YYYY-MM"}`:
   * it reads ACCOUNT/YYYY-MM/report.json of every account and writes rollup/YYYY-MM/rollup.{html,md,json}.
   */
  private addRollup(prefix: string, props: TrustwatchRollupProps): MonitorFunction {
    const expected = props.expectedAccounts;
    for (const [i, id] of (expected ?? []).entries())
      if (!isAccountId(id))
        throw new Error(`rollup.expectedAccounts[${i}]: "${id}" is not an AWS account id (12 digits)`);
    if (expected && expected.length > MAX_EXPECTED_ACCOUNTS)
      throw new Error(
        `rollup.expectedAccounts: ${expected.length} accounts, more than the ${MAX_EXPECTED_ACCOUNTS} the function's environment holds; leave it out to roll up every account folder in the bucket`,
      );
    const failures = failuresQueue(this, 'RollupFailures', `${prefix}-org-rollup-failures`);
    const rollup = new MonitorFunction(this, 'Rollup', {
      name: 'org-rollup',
      functionName: `${prefix}-org-rollup`,
      description: "trustwatch: the organization's monthly roll-up of the accounts' reports",
      // Every account's report.json is held at once while the roll-up is built.
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        TRUSTWATCH_REPORT_BUCKET: this.bucket.bucketName,
        ...(expected ? { TRUSTWATCH_EXPECTED_ACCOUNTS: expected.join(',') } : {}),
      },
      access: ['organization-rollup'],
      resources: { organizationReports: this.bucket },
      failures,
      alarmAction: props.alarmAction,
      logRetention: props.logRetention ?? RetentionDays.ONE_YEAR,
    });
    const bucketArn = `<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnElement)}.Arn>`;
    Validations.of(rollup.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::${bucketArn}/rollup/*]`,
      reason: 'writes rollup/YYYY-MM/rollup.{html,md,json} of whichever month it rolls up, and nothing else',
    });
    scheduleFunction(this, {
      name: 'org-rollup',
      scheduleName: `${prefix}-org-rollup`,
      schedule: props.schedule ?? ScheduleExpression.cron({ minute: '0', hour: '6', day: '2' }),
      target: rollup.function,
      deadLetterQueue: failures,
    });
    alertOnAny(this, 'RollupFailed', {
      alarmName: `${prefix}-org-rollup-failed`,
      metric: failures.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
      what: 'org-rollup runs failed every retry (see the failures queue)',
      action: props.alarmAction,
    });
    return rollup;
  }
}
