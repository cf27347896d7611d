import { TOPIC_ARN } from '../shared/notify/topic-arn.js';
import { SEVERITIES } from '../shared/rules/rule.js';
import { readWithSchema } from '../shared/schema-file.js';
import * as z from '../shared/zod.js';
import { baselineBucketLocation } from './baseline-bucket.js';
import type { ConfigOverrides } from './deployed-files.js';
import type { TrustwatchMonitorProps } from './monitor.js';

/** A list given as `-c key=a,b` on the command line or as a JSON array in cdk.json. */
const list = z.pipe(
  z.union([z.string(), z.array(z.string())]),
  z.transform((v: string | string[]) =>
    (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''),
  ),
);
const listOf = <T extends z.ZodMiniType<unknown, string>>(item: T) => z.pipe(list, z.array(item));
const days = z.coerce.number().check(z.int(), z.positive());
const pattern = (regex: RegExp, what: string) => z.string().check(z.regex(regex, what));
const region = pattern(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1');
const severity = z.enum(SEVERITIES as [string, ...string[]]);
const name = z.string().check(z.minLength(1));

/** The context values `cdk deploy -c key=value` (or cdk.json's "context") configures the app with. */
export const AppContextSchema = z.object({
  region: z.optional(region),
  watchedRegions: z.optional(listOf(region)),
  alertEmails: z.optional(listOf(z.email())),
  slackWebhookSecretName: z.optional(name),
  baselineFile: z.optional(name),
  /** `s3://BUCKET/PREFIX` of each account's baseline and config (one template for every account). */
  baselineLocation: z.optional(pattern(/^s3:\/\//, 's3://BUCKET/PREFIX')),
  baselineLocationKeyArn: z.optional(pattern(/^arn:aws[a-z-]*:kms:/, 'a KMS key ARN')),
  /**
   * Adds the TrustwatchBaselines stack (the organization's baseline bucket, of this name) for the
   * organization of `centralOrganizationId`; the monitor reads its baseline there unless
   * `baselineLocation` says otherwise.
   */
  baselineBucketName: z.optional(pattern(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
  configFile: z.optional(name),
  allowedOwners: z.optional(list),
  emailMinimum: z.optional(severity),
  slackMinimum: z.optional(severity),
  maxKeyAgeDays: z.optional(days),
  maxUnusedDays: z.optional(days),
  centralTopicArn: z.optional(pattern(TOPIC_ARN, 'an SNS topic ARN')),
  centralTopicKeyArn: z.optional(pattern(/^arn:aws[a-z-]*:kms:/, 'a KMS key ARN')),
  /** The organization's report bucket the monthly reports are copied to (the TrustwatchCentral stack's output). */
  centralReportBucket: z.optional(pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
  /** The accounts the organization's monthly roll-up expects a report from (`-c centralAccounts=ID,ID`). */
  centralAccounts: z.optional(listOf(pattern(/^\d{12}$/, 'an AWS account id (12 digits)'))),
  /** Adds the TrustwatchCentral stack (the organization's topic) for this organization. */
  centralOrganizationId: z.optional(pattern(/^o-[a-z0-9]{10,32}$/, 'an AWS Organizations id (o-…)')),
  /** Where the monitor's function code is published for StackSets, instead of the CDK bootstrap bucket. */
  assetBucket: z.optional(pattern(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name')),
  prefix: z.optional(pattern(/^[a-z][a-z0-9-]{0,30}$/, 'lower-case letters, digits and dashes')),
  /** Export findings to Security Hub: `-c securityHub=true`. */
  securityHub: z.optional(
    z.pipe(
      z.union([z.boolean(), z.enum(['true', 'false'])]),
      z.transform((v: boolean | 'true' | 'false') => v === true || v === 'true'),
    ),
  ),
});

export interface AppSettings {
  /** The monitor's region. */
  region: string;
  /** The organization of the central topic stack, when it is part of the app. */
  centralOrganizationId?: string;
  /** The accounts the central stack's roll-up expects a report from. */
  centralAccounts?: string[];
  /** An S3 bucket, in the monitor's region, that holds the function code for StackSets. */
  assetBucket?: string;
  /** The organization's baseline bucket, when it is part of the app. */
  baselineBucketName?: string;
  monitor: TrustwatchMonitorProps & { watchedRegions: string[] };
}

/** Reads the app's context; `fallbackRegion` is the CLI's default region, when it has one. */
export function appSettings(context: Record<string, unknown>, fallbackRegion?: string): AppSettings {
  const keys = Object.keys(AppContextSchema.shape);
  const ours = Object.fromEntries(Object.entries(context).filter(([k]) => keys.includes(k)));
  const c = readWithSchema(AppContextSchema, ours, 'the CDK context (-c key=value or cdk.json)');
  const home = c.region ?? fallbackRegion ?? 'us-east-1';
  if (c.baselineBucketName && !c.centralOrganizationId)
    throw new Error(
      'the CDK context: baselineBucketName needs centralOrganizationId (the organization whose accounts read it)',
    );
  if (c.centralAccounts && !c.centralOrganizationId)
    throw new Error(
      "the CDK context: centralAccounts needs centralOrganizationId (the organization's roll-up expects them)",
    );
  const baselineLocation =
    c.baselineLocation ?? (c.baselineBucketName ? baselineBucketLocation(c.baselineBucketName) : undefined);
  const config: ConfigOverrides = {
    ...(c.allowedOwners ? { allowedOwners: c.allowedOwners } : {}),
    ...(c.maxKeyAgeDays ? { maxKeyAgeDays: c.maxKeyAgeDays } : {}),
    ...(c.maxUnusedDays ? { maxUnusedDays: c.maxUnusedDays } : {}),
    ...(c.emailMinimum || c.slackMinimum
      ? {
          alerts: {
            ...(c.emailMinimum ? { email: c.emailMinimum } : {}),
            ...(c.slackMinimum ? { slack: c.slackMinimum } : {}),
          },
        }
      : {}),
  };
  return {
    region: home,
    ...(c.centralOrganizationId ? { centralOrganizationId: c.centralOrganizationId } : {}),
    ...(c.centralAccounts ? { centralAccounts: c.centralAccounts } : {}),
    ...(c.assetBucket ? { assetBucket: c.assetBucket } : {}),
    ...(c.baselineBucketName ? { baselineBucketName: c.baselineBucketName } : {}),
    monitor: {
      watchedRegions: c.watchedRegions ?? [home],
      config,
      ...(c.alertEmails ? { alertEmails: c.alertEmails } : {}),
      ...(c.slackWebhookSecretName ? { slackWebhookSecretName: c.slackWebhookSecretName } : {}),
      ...(c.baselineFile ? { baselineFile: c.baselineFile } : {}),
      ...(baselineLocation ? { baselineLocation } : {}),
      ...(c.baselineLocationKeyArn ? { baselineLocationKeyArn: c.baselineLocationKeyArn } : {}),
      ...(c.configFile ? { configFile: c.configFile } : {}),
      ...(c.prefix ? { prefix: c.prefix } : {}),
      ...(c.centralTopicArn ? { centralTopicArn: c.centralTopicArn } : {}),
      ...(c.centralTopicKeyArn ? { centralTopicKeyArn: c.centralTopicKeyArn } : {}),
      ...(c.securityHub ? { securityHub: true } : {}),
      ...(c.centralReportBucket ? { centralReportBucket: c.centralReportBucket } : {}),
    },
  };
}
