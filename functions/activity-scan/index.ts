import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import middy from '@middy/core';
import { createIamClient } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';
import { accountFiles } from '../common/account-files.js';
import { exportFromSettings } from '../common/security-hub.js';
import { coldStart } from '../common/wiring.js';
import { queueDeadLetter } from './dead-letter.js';
import { activityScanHandler } from './handler.js';

const EnvironmentSchema = z.object({
  /** The monitor's failures queue, where events that cannot be handled are set aside. */
  TRUSTWATCH_FAILURES_QUEUE: z.string().check(z.minLength(1, 'the failures queue URL')),
});

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-activity-scan' });
const { settings, store, publish } = coldStart();
const readAccountFiles = accountFiles(settings).middleware;
const env = readWithSchema(EnvironmentSchema, process.env, 'the function environment');
const iam = createIamClient();
const clients = new Map<string, CloudTrailClient>();
const cloudtrail = (region: string) => {
  let client = clients.get(region);
  if (!client) {
    client = new CloudTrailClient({ region, retryMode: 'adaptive' });
    clients.set(region, client);
  }
  return client;
};

export const handler = middy(
  activityScanHandler({
    settings,
    reader: liveReader(iam),
    store,
    cloudtrail,
    logger,
    publish,
    exportFindings: exportFromSettings(settings, store),
    deadLetter: queueDeadLetter(env.TRUSTWATCH_FAILURES_QUEUE),
    sleep,
    now: () => new Date(),
  }),
)
  .use(injectLambdaContext(logger))
  .use(readAccountFiles);
