import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { putJsonObject } from '../../shared/account-files/s3-put-object.js';
import { withFindingKeyIds } from '../../shared/audit/key-names.js';
import { createClients } from '../../shared/inventory/clients.js';
import { collectSnapshot } from '../../shared/inventory/collect.js';
import { accountFiles } from '../common/account-files.js';
import { exportFromSettings } from '../common/security-hub.js';
import { coldStart } from '../common/wiring.js';
import { auditHandler } from './handler.js';

// Built once per cold start and reused across invocations.
const logger = new Logger({ serviceName: 'trustwatch-audit' });
const { settings, store, publish } = coldStart();
const { middleware: readAccountFiles, s3 } = accountFiles(settings);
const clients = createClients();

export const handler = middy(
  auditHandler({
    settings,
    store,
    logger,
    publish,
    exportFindings: exportFromSettings(settings, store),
    // Alerts about keys name the key to rotate: the credential report alone has no key ids.
    collect: async () =>
      withFindingKeyIds(clients.iam, (await collectSnapshot(clients)).snapshot, {
        config: settings.config,
        ...(settings.baseline ? { baseline: settings.baseline } : {}),
      }),
    ...(s3 ? { writeObject: (request) => putJsonObject(s3, request) } : {}),
  }),
)
  .use(injectLambdaContext(logger))
  .use(readAccountFiles);
