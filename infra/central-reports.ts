import { Aws, CfnOutput, type Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PRIVATE_BUCKET, reportLifecycle } from './private-bucket.js';

export interface TrustwatchCentralReportsProps {
  /** The AWS Organizations id (`o-…`) whose accounts may copy their reports in. */
  readonly organizationId: string;
  /** Name prefix of the bucket. @default 'trustwatch' */
  readonly prefix?: string;
  /** How long reports are kept. @default three years */
  readonly reportRetention?: Duration;
  /** What happens to the bucket when the stack is deleted. @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The organization's report bucket, in a security account: each account's monitor (its
 * `centralReportBucket`) copies its monthly report.json and report.html to ACCOUNT/YYYY-MM/ here, and
 * `trustwatch report rollup --from s3://BUCKET/` rolls them up. Each account of the organization may
 * write its own folder and nothing else; nobody outside the organization may write at all.
 */
export class TrustwatchCentralReports extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: TrustwatchCentralReportsProps) {
    super(scope, id);
    if (!/^o-[a-z0-9]{10,32}$/.test(props.organizationId))
      throw new Error(`organizationId: "${props.organizationId}" is not an AWS Organizations id (o-…)`);
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
        conditions: { StringEquals: { 'aws:PrincipalOrgID': props.organizationId } },
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
  }
}
