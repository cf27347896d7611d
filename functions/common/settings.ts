import { readFileSync } from 'node:fs';
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
  baseline?: Baseline;
  config: Config;
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
  return {
    table: env.TRUSTWATCH_TABLE,
    topicArn: env.TRUSTWATCH_TOPIC_ARN,
    ...(env.TRUSTWATCH_CENTRAL_TOPIC_ARN ? { centralTopicArn: env.TRUSTWATCH_CENTRAL_TOPIC_ARN } : {}),
    ...(env.TRUSTWATCH_BASELINE ? { baseline: readJson(BaselineSchema, env.TRUSTWATCH_BASELINE) } : {}),
    config: env.TRUSTWATCH_CONFIG ? readJson(ConfigSchema, env.TRUSTWATCH_CONFIG) : DEFAULT_CONFIG,
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
