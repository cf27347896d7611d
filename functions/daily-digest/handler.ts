import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { FindingStore } from '../../shared/findings/store.js';
import { dailyDigest, type Publish } from '../../shared/notify/lifecycle.js';
import { accountOf } from '../common/account.js';
import { alertMinimum } from '../common/alert-minimum.js';
import type { Settings } from '../common/settings.js';

export interface DigestDependencies {
  settings: Settings;
  store: FindingStore;
  logger: Logger;
  publish: Publish;
  now: () => Date;
}

/** Once a day: the findings of the day before that were below every channel's alert minimum. */
export function digestHandler(deps: DigestDependencies) {
  return async (_event: unknown, context: Pick<Context, 'invokedFunctionArn'>) => {
    const day = new Date(deps.now().getTime() - 86_400_000).toISOString().slice(0, 10);
    const digest = await dailyDigest(
      { store: deps.store, account: accountOf(context), minimum: alertMinimum(deps.settings) },
      day,
    );
    await deps.publish(digest);
    deps.logger.info('digest sent', { day, findings: digest.kind === 'digest' ? digest.findings.length : 0 });
    return digest;
  };
}
