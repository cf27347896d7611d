import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';
import { secretWebhookUrl, slackNotifierHandler } from './handler.js';
import { METRIC_NAMESPACE, SERVICE_NAME } from './metrics.js';

const EnvironmentSchema = z.object({
  /** Name or ARN of the secret that holds the incoming webhook URL. */
  TRUSTWATCH_SLACK_SECRET: z.string().check(z.minLength(1, 'the Slack webhook secret name')),
});

// Built once per cold start and reused across invocations: the webhook URL is cached with them.
const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
const env = readWithSchema(EnvironmentSchema, process.env, 'the function environment');
const webhookUrl = secretWebhookUrl(new SecretsManagerClient({}), env.TRUSTWATCH_SLACK_SECRET);

export const handler = middy(slackNotifierHandler({ webhookUrl, logger, metrics, sleep }))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
