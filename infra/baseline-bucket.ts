import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  ACCOUNT_CONFIG,
  type AccountFileName,
  PROPOSED_BASELINE,
  parseS3Location,
  REVIEWED_BASELINE,
} from '../shared/account-files/location.js';
import { inOrganization } from './organization.js';
import { PRIVATE_BUCKET } from './private-bucket.js';

/** The key prefix above the account ids, unless told otherwise. */
export const DEFAULT_BASELINE_PREFIX = 'baselines';

/** Where a baseline bucket of this name keeps the accounts' files, with the default prefix. */
export function baselineBucketLocation(bucketName: string, prefix = DEFAULT_BASELINE_PREFIX): string {
  return `s3://${bucketName}/${prefix}`;
}

export interface TrustwatchBaselineBucketProps {
  /** The AWS Organizations id (`o-…`) whose accounts read their files here. */
  readonly organizationId: string;
  /** The bucket's name: the monitors' `baselineLocation` names it, so it is known before deployment. */
  readonly bucketName: string;
  /** The key prefix above the account ids. @default 'baselines' */
  readonly prefix?: string;
  /** How long a replaced or deleted baseline stays recoverable. @default one year */
  readonly keepOldVersions?: Duration;
  /** @default RETAIN */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The organization's baselines, in a security account: `PREFIX/ACCOUNT/baseline.json` and
 * `trustwatch.config.json` published by the people who review them (`trustwatch baseline publish`),
 * each readable only by its own account of the organization (the bucket policy names the object by
 * the caller's account, `${aws:PrincipalAccount}`), and `baseline.proposed.json`, the only object an
 * account may write. Encrypted with S3's own key (SSE-S3), which needs no key policy across accounts.
 */
export class TrustwatchBaselineBucket extends Construct {
  readonly bucket: Bucket;
  /** `s3://BUCKET/PREFIX`: every monitor's `baselineLocation`. */
  readonly location: string;

  constructor(scope: Construct, id: string, props: TrustwatchBaselineBucketProps) {
    super(scope, id);
    const organization = inOrganization(props.organizationId);
    const prefix = props.prefix ?? DEFAULT_BASELINE_PREFIX;
    this.location = baselineBucketLocation(props.bucketName, prefix);
    // The same rules the monitors and the CLI apply to the location.
    parseS3Location(this.location);
    this.bucket = new Bucket(this, 'Baselines', {
      bucketName: props.bucketName,
      // Versioned: a reviewed baseline replaced by mistake is recoverable, and its history says who approved what.
      ...PRIVATE_BUCKET,
      lifecycleRules: [
        {
          id: 'expire-old-versions',
          noncurrentVersionExpiration: props.keepOldVersions ?? Duration.days(365),
        },
      ],
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason:
        'the bucket holds the reviewed baselines; who wrote them is in CloudTrail (S3 data events) where the organization records them, and a log bucket would need its own',
    });
    const ownObject = (file: AccountFileName) =>
      `${this.bucket.bucketArn}/${prefix}/\${aws:PrincipalAccount}/${file}`;
    const allow = (actions: string[], resources: string[]) =>
      this.bucket.addToResourcePolicy(
        new PolicyStatement({
          effect: Effect.ALLOW,
          principals: [new AnyPrincipal()],
          actions,
          resources,
          conditions: organization,
        }),
      );
    allow(['s3:GetObject'], [ownObject(REVIEWED_BASELINE), ownObject(ACCOUNT_CONFIG)]);
    allow(['s3:PutObject'], [ownObject(PROPOSED_BASELINE)]);
    // Without it S3 answers a missing object (an account with no config of its own) with AccessDenied.
    allow(['s3:ListBucket'], [this.bucket.bucketArn]);
  }
}
