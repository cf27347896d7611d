import { readFileSync } from 'node:fs';
import type { MissingBaseline } from '../../shared/account-files/account-files.js';
import { LocationError, parseS3Location, type S3Location } from '../../shared/account-files/location.js';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { type Config, ConfigSchema, DEFAULT_CONFIG } from '../../shared/config/config.js';
import { TOPIC_ARN } from '../../shared/notify/topic-arn.js';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';

/** What the stack tells a function through its environment; checked once, at cold start. */
const EnvironmentSchema = z.object({
  TRUSTWATCH_TABLE: z.string().check(z.minLength(1, 'the state table name')),
  TRUSTWATCH_TOPIC_ARN: z.string().check(z.minLength(1, 'the alert topic ARN')),
  /** The organization's central topic, which gets every message too (fan-in across accounts). */
  TRUSTWATCH_CENTRAL_TOPIC_ARN: z.optional(z.string().check(z.regex(TOPIC_ARN, 'an SNS topic ARN'))),
  /** The baseline and configuration files bundled with the function (the stack deploys them). */
  TRUSTWATCH_BASELINE: z.optional(z.string()),
  TRUSTWATCH_CONFIG: z.optional(z.string()),
  /**
   * `s3://BUCKET/PREFIX` where each account's reviewed baseline and config are, under its account id:
   * read at run time, so one template serves every account.
   */
  TRUSTWATCH_BASELINE_LOCATION: z.optional(z.string()),
  /** Regions whose CloudTrail the activity scan reads, comma-separated. */
  TRUSTWATCH_REGIONS: z._default(z.string(), 'us-east-1'),
  /** Name prefix of the monitor's own resources, for the tamper watch. */
  TRUSTWATCH_PREFIX: z._default(z.string(), 'trustwatch'),
  AWS_ACCOUNT_ID: z.optional(z.string()),
  /** 'on' when findings are exported to Security Hub (the construct's securityHub option). */
  TRUSTWATCH_SECURITY_HUB: z.optional(z.enum(['on', 'off'])),
  /** The monitor's failures queue: findings Security Hub did not take are set aside there. */
  TRUSTWATCH_FAILURES_QUEUE: z.optional(z.string()),
  /** Set by Lambda: the region the function runs in. */
  AWS_REGION: z.optional(z.string()),
});

export interface Settings {
  table: string;
  topicArn: string;
  centralTopicArn?: string;
  /** The reviewed baseline; with `baselineLocation`, the invoking account's, read before each invocation. */
  baseline?: Baseline;
  /** With `baselineLocation`: the account has no reviewed baseline there yet. */
  missingBaseline?: MissingBaseline;
  config: Config;
  /** Where each account's baseline and config are (the bundled config applies where one has none). */
  baselineLocation?: S3Location;
  regions: string[];
  monitorPrefix: string;
  /** Findings are exported to this region's Security Hub, and those it does not take set aside in this queue. */
  securityHub?: { region: string; failuresQueueUrl: string };
}

function readJson<T extends z.ZodMiniType>(schema: T, path: string): z.infer<T> {
  return readWithSchema(schema, JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
}

export function loadSettings(environment: NodeJS.ProcessEnv = process.env): Settings {
  const env = readWithSchema(EnvironmentSchema, environment, 'the function environment');
  if (env.TRUSTWATCH_BASELINE && env.TRUSTWATCH_BASELINE_LOCATION)
    throw new Error(
      'the function environment: TRUSTWATCH_BASELINE and TRUSTWATCH_BASELINE_LOCATION are both set; give one baseline',
    );
  return {
    table: env.TRUSTWATCH_TABLE,
    topicArn: env.TRUSTWATCH_TOPIC_ARN,
    ...(env.TRUSTWATCH_CENTRAL_TOPIC_ARN ? { centralTopicArn: env.TRUSTWATCH_CENTRAL_TOPIC_ARN } : {}),
    ...(env.TRUSTWATCH_BASELINE ? { baseline: readJson(BaselineSchema, env.TRUSTWATCH_BASELINE) } : {}),
    config: env.TRUSTWATCH_CONFIG ? readJson(ConfigSchema, env.TRUSTWATCH_CONFIG) : DEFAULT_CONFIG,
    ...(env.TRUSTWATCH_BASELINE_LOCATION
      ? { baselineLocation: location(env.TRUSTWATCH_BASELINE_LOCATION) }
      : {}),
    regions: env.TRUSTWATCH_REGIONS.split(',')
      .map((r) => r.trim())
      .filter((r) => r !== ''),
    monitorPrefix: env.TRUSTWATCH_PREFIX,
    ...(env.TRUSTWATCH_SECURITY_HUB === 'on' ? { securityHub: securityHubSettings(env) } : {}),
  };
}

function securityHubSettings(env: z.infer<typeof EnvironmentSchema>): NonNullable<Settings['securityHub']> {
  if (!env.AWS_REGION || !env.TRUSTWATCH_FAILURES_QUEUE)
    throw new Error(
      'the function environment: TRUSTWATCH_SECURITY_HUB=on needs AWS_REGION and TRUSTWATCH_FAILURES_QUEUE',
    );
  return { region: env.AWS_REGION, failuresQueueUrl: env.TRUSTWATCH_FAILURES_QUEUE };
}

function location(text: string): S3Location {
  try {
    return parseS3Location(text);
  } catch (error) {
    if (error instanceof LocationError)
      throw new Error(`the function environment: TRUSTWATCH_BASELINE_LOCATION: ${error.message}`);
    throw error;
  }
}
