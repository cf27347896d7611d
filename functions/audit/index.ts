import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { coldStart } from '../common/wiring.js';
import { auditHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-audit' });
const { settings, store, publish } = coldStart();
const clients = createClients();

export const handler = middy(
  auditHandler({
    settings,
    store,
    logger,
    publish,
    collect: async () => (await collectSnapshot(clients)).snapshot,
  }),
).use(injectLambdaContext(logger));
