import type { Context } from 'aws-lambda';
import { parseRecords } from '../../shared/activity/parse.js';
import { accountOf } from '../common/account.js';
import { type FindingSummary, type FunctionDependencies, recordProcessor } from '../common/process.js';

export interface HandlerResult {
  records: number;
  rejected: number;
  findings: FindingSummary[];
}

/**
 * EventBridge target for IAM management events (and the monitor's own resources): each record is
 * re-evaluated against the account as it is now and the baseline; findings are saved at once.
 */
export function iamEventHandler(deps: FunctionDependencies) {
  return async (event: unknown, context: Pick<Context, 'invokedFunctionArn'>): Promise<HandlerResult> => {
    const { records, rejected } = parseRecords(event);
    for (const r of rejected)
      deps.logger.warn('unusable CloudTrail record', { index: r.index, reason: r.reason });
    const account = accountOf(context);
    const findings: HandlerResult['findings'] = [];
    const handle = recordProcessor(deps, account, findings);
    for (const record of records) await handle(record);
    deps.logger.info('IAM events processed', {
      records: records.length,
      rejected: rejected.length,
      findings,
    });
    return { records: records.length, rejected: rejected.length, findings };
  };
}
