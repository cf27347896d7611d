import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { AccountReader } from '../../shared/activity/account-reader.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { type ProcessedFinding, processRecord } from '../../shared/activity/process.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { accountOf } from '../common/account.js';
import type { Settings } from '../common/settings.js';

export interface IamEventDependencies {
  settings: Settings;
  reader: AccountReader;
  store: FindingStore;
  logger: Logger;
}

export interface HandlerResult {
  records: number;
  rejected: number;
  findings: { id: string; ruleId: string; outcome: ProcessedFinding['outcome'] }[];
}

/**
 * EventBridge target for IAM management events (and the monitor's own resources): each record is
 * re-evaluated against the account as it is now and the baseline; findings are saved at once.
 */
export function iamEventHandler(deps: IamEventDependencies) {
  return async (event: unknown, context: Pick<Context, 'invokedFunctionArn'>): Promise<HandlerResult> => {
    const { records, rejected } = parseRecords(event);
    for (const r of rejected)
      deps.logger.warn('unusable CloudTrail record', { index: r.index, reason: r.reason });
    const account = accountOf(context);
    const findings: HandlerResult['findings'] = [];
    for (const record of records) {
      const processed = await processRecord(record, {
        account: record.account ?? account,
        config: deps.settings.config,
        ...(deps.settings.baseline ? { baseline: deps.settings.baseline } : {}),
        reader: deps.reader,
        store: deps.store,
        monitorPrefix: deps.settings.monitorPrefix,
      });
      for (const { finding, outcome } of processed)
        findings.push({ id: finding.id, ruleId: finding.ruleId, outcome });
    }
    deps.logger.info('IAM events processed', {
      records: records.length,
      rejected: rejected.length,
      findings,
    });
    return { records: records.length, rejected: rejected.length, findings };
  };
}
