import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { type Baseline, BaselineSchema } from '../../shared/baseline/baseline.js';
import { type Config, ConfigSchema, DEFAULT_CONFIG } from '../../shared/config/config.js';
import { TOPIC_ARN } from '../../shared/notify/sns.js';
import { readWithSchema } from '../../shared/schema-file.js';

/** What the stack tells a function through its environment; checked once, at cold start. */
const EnvironmentSchema = z.object({
  TRUSTWATCH_TABLE: z.string().min(1, 'the state table name'),
  TRUSTWATCH_TOPIC_ARN: z.string().min(1, 'the alert topic ARN'),
  /** The organization's central topic, which gets every message too (fan-in across accounts). */
  TRUSTWATCH_CENTRAL_TOPIC_ARN: z.string().regex(TOPIC_ARN, 'an SNS topic ARN').optional(),
  /** The baseline and configuration files bundled with the function (the stack deploys them). */
  TRUSTWATCH_BASELINE: z.string().optional(),
  TRUSTWATCH_CONFIG: z.string().optional(),
  /** Regions whose CloudTrail the activity scan reads, comma-separated. */
  TRUSTWATCH_REGIONS: z.string().default('us-east-1'),
  /** Name prefix of the monitor's own resources, for the tamper watch. */
  TRUSTWATCH_PREFIX: z.string().default('trustwatch'),
  AWS_ACCOUNT_ID: z.string().optional(),
});

export interface Settings {
  table: string;
  topicArn: string;
  centralTopicArn?: string;
  baseline?: Baseline;
  config: Config;
  regions: string[];
  monitorPrefix: string;
}

function readJson<T extends z.ZodType>(schema: T, path: string): z.infer<T> {
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
  };
}
