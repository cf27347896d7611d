import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import { createClients } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { loadSettings } from '../common/settings.js';
import { activityScanHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-activity-scan' });
const settings = loadSettings();
const { iam } = createClients();
const store = new DynamoDbStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), settings.table);
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
    now: () => new Date(),
  }),
).use(injectLambdaContext(logger));
