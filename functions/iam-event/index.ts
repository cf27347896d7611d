import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createIamClient } from '../../shared/inventory/clients.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { accountFiles } from '../common/account-files.js';
import { METRIC_NAMESPACE } from '../common/metrics.js';
import { exportFromSettings } from '../common/security-hub.js';
import { coldStart } from '../common/wiring.js';
import { iamEventHandler } from './handler.js';
import { SERVICE_NAME } from './metrics.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: SERVICE_NAME });
const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: SERVICE_NAME });
const { settings, store, publish } = coldStart();
const readAccountFiles = accountFiles(settings).middleware;
const iam = createIamClient();

export const handler = middy(
  iamEventHandler({
    settings,
    reader: liveReader(iam),
    store,
    logger,
    publish,
    metrics,
    exportFindings: exportFromSettings(settings, store),
  }),
)
  .use(injectLambdaContext(logger))
  .use(readAccountFiles)
  // Publishes the metrics when the handler throws too: the unusable-event count is emitted then.
  .use(logMetrics(metrics));
