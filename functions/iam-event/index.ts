import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createIamClient } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { coldStart } from '../common/wiring.js';
import { iamEventHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-iam-event' });
const { settings, store, publish } = coldStart();
const iam = createIamClient();

export const handler = middy(
  iamEventHandler({ settings, reader: liveReader(iam), store, logger, publish }),
).use(injectLambdaContext(logger));
