import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { coldStart } from '../common/wiring.js';
import { alarmRelayHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-alarm-relay' });
const { store, publish } = coldStart();

export const handler = middy(alarmRelayHandler({ store, logger, publish, now: () => new Date() })).use(
  injectLambdaContext(logger),
);
