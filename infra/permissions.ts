import { Aws, Stack } from 'aws-cdk-lib';
import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import {
  ACCOUNT_CONFIG,
  type AccountFileName,
  accountKey,
  PROPOSED_BASELINE,
  REVIEWED_BASELINE,
  type S3Location,
} from '../shared/account-files/location.js';
import { STATUS_INDEX } from '../shared/findings/table-schema.js';

/**
 * What a function's code calls, grouped by the resources it calls them on. Each function's role holds
 * exactly the groups its code reaches (test/infra/permissions.test.ts checks that against the SDK
 * commands in each bundle), so no role can do more than its function does.
 */
export type Access =
  /** Findings, event claims, checkpoints and counters in the state table. */
  | 'state-table'
  /** Alerts, notices, digests and reports published to the alert topic. */
  | 'alert-topic'
  /** One role, user or provider read again after an event touched it. */
  | 'iam-resource-reads'
  /** The whole-account inventory of the audit. */
  | 'iam-inventory'
  /** The ids of the access keys the audit's findings are about. */
  | 'iam-key-names'
  /** LookupEvents and the trail checks of the activity scan. */
  | 'cloudtrail-reads'
  /** The Slack webhook URL. */
  | 'slack-secret'
  /** Monthly reports written, last month's read back. */
  | 'report-bucket'
  /** Findings imported into the account's own Security Hub, under its default product. */
  | 'security-hub'
  /** The monthly report copied to the organization's report bucket, under this account's folder only. */
  | 'central-report-bucket'
  /** The function's own account's reviewed baseline and config, in the organization's baseline location. */
  | 'account-files'
  /** The accounts' monthly reports read from the organization's report bucket, the roll-up written there. */
  | 'organization-rollup'
  /** The proposed baseline the audit writes for an account with no reviewed one. */
  | 'baseline-proposal';

export interface AccessResources {
  /** The monitor's state table, alert topic and its key (every monitor function has them). */
  tableArn?: string;
  topic?: ITopic;
  topicKey?: IKey;
  /** The organization's central topic, and its key when it has a customer managed one. */
  centralTopicArn?: string;
  centralTopicKeyArn?: string;
  slackSecret?: ISecret;
  reportBucket?: IBucket;
  /** The organization's report bucket (a `TrustwatchCentralReports`), by name. */
  centralReportBucket?: string;
  /** Where each account's baseline and config are, and the KMS key of that bucket when it has one. */
  baselineLocation?: S3Location;
  baselineKeyArn?: string;
  /** The organization's report bucket, in the stack that holds it (the roll-up's). */
  organizationReports?: IBucket;
}

/** The cdk-nag finding of a wildcard resource, as cdk-nag renders it. */
const ACCOUNT_ARN = (resource: string, account = '<AWS::AccountId>') =>
  `Resource::arn:<AWS::Partition>:iam::${account}:${resource}/*`;

/**
 * Why each wildcard resource of an access group cannot be narrower, keyed by the cdk-nag finding it
 * raises (the function's role acknowledges exactly these).
 */
export const WILDCARD_REASONS: Partial<Record<Access, Record<string, string>>> = {
  'iam-resource-reads': {
    [ACCOUNT_ARN('role')]: 'reads whichever role a CloudTrail event names, known only when the event arrives',
    [ACCOUNT_ARN('user')]: 'reads whichever user a CloudTrail event names, known only when the event arrives',
    [ACCOUNT_ARN('policy', '*')]:
      "reads the policies attached to that role, AWS managed ones included (account 'aws')",
    [ACCOUNT_ARN('oidc-provider')]: 'reads every OIDC provider of the account, whatever its URL',
    'Resource::*': 'iam:ListOpenIDConnectProviders supports no resource-level permissions',
  },
  'iam-inventory': {
    [ACCOUNT_ARN('oidc-provider')]: 'reads every OIDC provider of the account, whatever its URL',
    'Resource::*':
      'iam:ListRoles, iam:ListOpenIDConnectProviders, iam:GetAccountAuthorizationDetails and the credential report support no resource-level permissions',
  },
  'iam-key-names': {
    [ACCOUNT_ARN('user')]: 'lists the keys of whichever users the audit has key findings about',
  },
  'cloudtrail-reads': {
    'Resource::arn:<AWS::Partition>:cloudtrail:*:*:trail/*':
      "checks every trail that logs the account's events, organization trails (another account's ARN) and other regions' trails included",
    'Resource::*':
      'cloudtrail:LookupEvents and cloudtrail:DescribeTrails support no resource-level permissions',
  },
};

const allow = (actions: string[], resources: string[]) =>
  new PolicyStatement({ effect: Effect.ALLOW, actions, resources });

/** The policy statements of one access group, on this stack's resources. */
export function accessStatements(scope: Construct, access: Access, on: AccessResources): PolicyStatement[] {
  const stack = Stack.of(scope);
  const iamArn = (resource: string, account = stack.account) =>
    stack.formatArn({ service: 'iam', region: '', account, resource, resourceName: '*' });
  switch (access) {
    case 'state-table':
      if (!on.tableArn) throw new Error('the state-table access needs the table');
      return [
        allow(
          ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'],
          [on.tableArn, `${on.tableArn}/index/${STATUS_INDEX.name}`],
        ),
      ];
    case 'alert-topic':
      if (!on.topic || !on.topicKey) throw new Error('the alert-topic access needs the topic and its key');
      return [
        allow(['sns:Publish'], [on.topic.topicArn, ...(on.centralTopicArn ? [on.centralTopicArn] : [])]),
        // Publishing to an encrypted topic encrypts the message with the topic's key.
        allow(
          ['kms:Decrypt', 'kms:GenerateDataKey'],
          [on.topicKey.keyArn, ...(on.centralTopicKeyArn ? [on.centralTopicKeyArn] : [])],
        ),
      ];
    case 'iam-resource-reads':
      return [
        allow(
          ['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies'],
          [iamArn('role')],
        ),
        allow(['iam:GetUser', 'iam:ListAccessKeys', 'iam:GetAccessKeyLastUsed'], [iamArn('user')]),
        // Attached policies include AWS managed ones, whose ARNs carry the account "aws".
        allow(['iam:GetPolicy', 'iam:GetPolicyVersion'], [iamArn('policy', '*')]),
        allow(['iam:GetOpenIDConnectProvider'], [iamArn('oidc-provider')]),
        allow(['iam:ListOpenIDConnectProviders'], ['*']),
      ];
    case 'iam-inventory':
      return [
        allow(
          [
            'iam:GenerateCredentialReport',
            'iam:GetAccountAuthorizationDetails',
            'iam:GetCredentialReport',
            'iam:ListOpenIDConnectProviders',
            'iam:ListRoles',
          ],
          ['*'],
        ),
        allow(['iam:GetOpenIDConnectProvider'], [iamArn('oidc-provider')]),
      ];
    case 'iam-key-names':
      return [allow(['iam:ListAccessKeys'], [iamArn('user')])];
    case 'cloudtrail-reads':
      return [
        allow(['cloudtrail:DescribeTrails', 'cloudtrail:LookupEvents'], ['*']),
        // An organization trail's ARN names the management account, and trails live in any region.
        allow(
          ['cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'],
          [
            stack.formatArn({
              service: 'cloudtrail',
              region: '*',
              account: '*',
              resource: 'trail',
              resourceName: '*',
            }),
          ],
        ),
      ];
    case 'security-hub':
      // The product Security Hub gives every account for its own findings; no other product's ARN.
      return [
        allow(
          ['securityhub:BatchImportFindings'],
          [
            stack.formatArn({
              service: 'securityhub',
              resource: 'product',
              resourceName: `${stack.account}/default`,
            }),
          ],
        ),
      ];
    case 'slack-secret':
      if (!on.slackSecret) throw new Error('the slack-secret access needs the Slack webhook secret');
      return [allow(['secretsmanager:GetSecretValue'], [secretArnForPolicies(on.slackSecret)])];
    case 'report-bucket':
      if (!on.reportBucket) throw new Error('the report-bucket access needs the report bucket');
      return [
        allow(['s3:GetObject', 's3:PutObject'], [on.reportBucket.arnForObjects('*')]),
        // Without it S3 answers a missing object (the first month has no previous report) with AccessDenied.
        allow(['s3:ListBucket'], [on.reportBucket.bucketArn]),
      ];
    case 'central-report-bucket':
      if (!on.centralReportBucket) throw new Error('the central-report-bucket access needs the bucket name');
      return [allow(['s3:PutObject'], [centralReportObjects(stack, on.centralReportBucket)])];
    case 'organization-rollup': {
      const bucket = on.organizationReports;
      if (!bucket) throw new Error('the organization-rollup access needs the report bucket');
      return [
        // Lists the account folders; without it S3 also answers a missing report with AccessDenied.
        allow(['s3:ListBucket'], [bucket.bucketArn]),
        // ACCOUNT/YYYY-MM/report.json only: not the accounts' pages, nor anything else kept there.
        allow(['s3:GetObject'], [bucket.arnForObjects(ROLLUP_READS)]),
        allow(['s3:PutObject'], [bucket.arnForObjects('rollup/*')]),
      ];
    }
    case 'account-files': {
      const location = baselineLocationOf(on);
      return [
        allow(
          ['s3:GetObject'],
          [accountFileArn(location, REVIEWED_BASELINE), accountFileArn(location, ACCOUNT_CONFIG)],
        ),
        // Without it S3 answers a missing object (an account with no config of its own) with AccessDenied.
        allow(['s3:ListBucket'], [`arn:${Aws.PARTITION}:s3:::${location.bucket}`]),
        ...(on.baselineKeyArn ? [allow(['kms:Decrypt'], [on.baselineKeyArn])] : []),
      ];
    }
    case 'baseline-proposal': {
      const location = baselineLocationOf(on);
      return [
        allow(['s3:PutObject'], [accountFileArn(location, PROPOSED_BASELINE)]),
        ...(on.baselineKeyArn ? [allow(['kms:GenerateDataKey'], [on.baselineKeyArn])] : []),
      ];
    }
  }
}

/** An account's report.json of a month, in IAM's wildcards (`?` is one character): `ACCOUNT/YYYY-MM/report.json`. */
const ROLLUP_READS = '????????????/????-??/report.json';

/** This account's folder of the organization's report bucket: all a monitor may write there. */
export function centralReportObjects(stack: Stack, bucket: string): string {
  return stack.formatArn({
    service: 's3',
    region: '',
    account: '',
    resource: bucket,
    resourceName: `${stack.account}/*`,
  });
}

/**
 * The ARN of one of the function's own account's files: the account is the deployed stack's
 * (`AWS::AccountId`), so one template grants each account its own objects and no other's.
 */
function accountFileArn(location: S3Location, file: AccountFileName): string {
  return `arn:${Aws.PARTITION}:s3:::${location.bucket}/${accountKey(location, Aws.ACCOUNT_ID, file)}`;
}

function baselineLocationOf(on: AccessResources): S3Location {
  if (!on.baselineLocation) throw new Error('the account-files access needs the baseline location');
  return on.baselineLocation;
}

/**
 * What a policy must name to cover a secret, as the secret's own grantRead does: a secret known only
 * by its name has the partial ARN `…:secret:NAME`, while the real one ends in `-` and six random
 * characters, which a policy naming the partial ARN does not match (every read is AccessDenied).
 */
function secretArnForPolicies(secret: ISecret): string {
  return secret.secretFullArn ? secret.secretArn : `${secret.secretArn}-??????`;
}
