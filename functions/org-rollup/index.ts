import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { S3Client } from '@aws-sdk/client-s3';
import middy from '@middy/core';
import { isAccountId } from '../../shared/report/location.js';
import { s3Bucket } from '../../shared/report/s3-bucket.js';
import { s3ReportFolder } from '../../shared/report/s3-report-folder.js';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';
import { orgRollupHandler } from './handler.js';

const EnvironmentSchema = z.object({
  /** The organization's report bucket: the accounts' folders are read there, the roll-up written there. */
  TRUSTWATCH_REPORT_BUCKET: z.string().check(z.minLength(1, 'the report bucket name')),
  /** The accounts expected to report, comma separated, when the deployment names them. */
  TRUSTWATCH_EXPECTED_ACCOUNTS: z.optional(
    z
      .string()
      .check(
        z.refine((ids) => ids.split(',').every(isAccountId), 'account ids (12 digits) separated by commas'),
      ),
  ),
});

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-org-rollup' });
const env = readWithSchema(EnvironmentSchema, process.env, 'the function environment');
const s3 = new S3Client({});

export const handler = middy(
  orgRollupHandler({
    folder: s3ReportFolder(s3, env.TRUSTWATCH_REPORT_BUCKET, ''),
    bucket: s3Bucket(s3, env.TRUSTWATCH_REPORT_BUCKET),
    ...(env.TRUSTWATCH_EXPECTED_ACCOUNTS ? { expected: env.TRUSTWATCH_EXPECTED_ACCOUNTS.split(',') } : {}),
    logger,
    now: () => new Date(),
  }),
).use(injectLambdaContext(logger));
