import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import middy from '@middy/core';
import { DynamoDbStore } from '../../shared/findings/dynamodb-store.js';
import { createClients } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { loadSettings } from '../common/settings.js';
import { iamEventHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-iam-event' });
const settings = loadSettings();
const { iam } = createClients();
const store = new DynamoDbStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), settings.table);

export const handler = middy(iamEventHandler({ settings, reader: liveReader(iam), store, logger })).use(
  injectLambdaContext(logger),
);
