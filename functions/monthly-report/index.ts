import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { s3Bucket } from '../../shared/report/s3-bucket.js';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';
import { accountFiles } from '../common/account-files.js';
import { coldStart } from '../common/wiring.js';
import { monthlyReportHandler } from './handler.js';

const EnvironmentSchema = z.object({
  /** The bucket reports are written to, as ACCOUNT/YYYY-MM/report.{html,json}. */
  TRUSTWATCH_REPORT_BUCKET: z.string().check(z.minLength(1, 'the report bucket name')),
  /** The organization's report bucket the reports are copied to, when there is one. */
  TRUSTWATCH_CENTRAL_REPORT_BUCKET: z.optional(z.string().check(z.minLength(1))),
  /** Set by Lambda. */
  AWS_REGION: z._default(z.string(), 'us-east-1'),
});

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-monthly-report' });
const { settings, store, publish } = coldStart();
const readAccountFiles = accountFiles(settings).middleware;
const env = readWithSchema(EnvironmentSchema, process.env, 'the function environment');
const clients = createClients();
const s3 = new S3Client({});

export const handler = middy(
  monthlyReportHandler({
    settings,
    store,
    logger,
    publish,
    bucket: s3Bucket(s3, env.TRUSTWATCH_REPORT_BUCKET),
    ...(env.TRUSTWATCH_CENTRAL_REPORT_BUCKET
      ? { central: s3Bucket(s3, env.TRUSTWATCH_CENTRAL_REPORT_BUCKET) }
      : {}),
    region: env.AWS_REGION,
    collect: async () => (await collectSnapshot(clients)).snapshot,
    now: () => new Date(),
  }),
)
  .use(injectLambdaContext(logger))
  .use(readAccountFiles);
