import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { accountFiles } from '../common/account-files.js';
import { coldStart } from '../common/wiring.js';
import { digestHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-daily-digest' });
const { settings, store, publish } = coldStart();
const readAccountFiles = accountFiles(settings).middleware;

export const handler = middy(digestHandler({ settings, store, logger, publish, now: () => new Date() }))
  .use(injectLambdaContext(logger))
  .use(readAccountFiles);
