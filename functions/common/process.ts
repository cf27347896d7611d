import type { Logger } from '@aws-lambda-powertools/logger';
import type { AccountReader } from '../../shared/activity/account-reader.js';
import { type ProcessedFinding, processRecord } from '../../shared/activity/process.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { alertNew, type Publish } from '../../shared/notify/lifecycle.js';
import { alertMinimum } from './alert-minimum.js';
import type { ExportFindings } from './security-hub.js';
import type { Settings } from './settings.js';

export interface FunctionDependencies {
  settings: Settings;
  reader: AccountReader;
  store: FindingStore;
  logger: Logger;
  /** Publishes to the alert topic. */
  publish: Publish;
  /** Exports saved findings to Security Hub, when that is on. */
  exportFindings?: ExportFindings;
}

/** What a function reports of each finding it saved (the findings themselves are in the store). */
export interface FindingSummary {
  id: string;
  ruleId: string;
  outcome: ProcessedFinding['outcome'];
}

/**
 * Runs records through the watches with the function's settings, saves and alerts what they find
 * (new findings once, at or above the alert minimum), exports it to Security Hub when that is on, and
 * adds it to `found`.
 */
export function recordProcessor(deps: FunctionDependencies, account: string, found: FindingSummary[]) {
  return async (record: CloudTrailRecord): Promise<void> => {
    const processed = await processRecord(record, {
      account: record.account ?? account,
      config: deps.settings.config,
      ...(deps.settings.baseline ? { baseline: deps.settings.baseline } : {}),
      reader: deps.reader,
      store: deps.store,
      monitorPrefix: deps.settings.monitorPrefix,
    });
    const minimum = alertMinimum(deps.settings);
    const now = () => new Date().toISOString();
    await alertNew(processed, { store: deps.store, publish: deps.publish, account, minimum, now });
    await deps.exportFindings?.(
      processed.map(({ finding }) => finding.id),
      account,
    );
    for (const { finding, outcome } of processed)
      found.push({ id: finding.id, ruleId: finding.ruleId, outcome });
  };
}
