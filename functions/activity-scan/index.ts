import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import middy from '@middy/core';
import { createIamClient } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { coldStart } from '../common/wiring.js';
import { activityScanHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-activity-scan' });
const { settings, store, publish } = coldStart();
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
    now: () => new Date(),
  }),
).use(injectLambdaContext(logger));
