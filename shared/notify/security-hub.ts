import { BatchImportFindingsCommand, type SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { AsffFinding } from '../securityhub/asff.js';
import { importBatches } from '../securityhub/batches.js';

/** A finding Security Hub did not take after every attempt, with its last answer. */
export interface FailedImport {
  finding: AsffFinding;
  errorCode: string;
  errorMessage: string;
}

export interface ImportOptions {
  /** Waits between attempts (backing off after throttling and failed findings). */
  sleep: (ms: number) => Promise<void>;
  /** Attempts at a finding before it counts as failed. @default 5 */
  attempts?: number;
  /** The first back-off, doubled after each attempt. @default 250 ms */
  backoffMs?: number;
}

/** Errors of the call that say "slow down": backed off and retried. */
const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttling',
  'LimitExceededException',
]);

function isThrottling(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429;
}

/**
 * Imports findings into Security Hub with BatchImportFindings: at most 100 findings and 6 MB a call,
 * a finding over 240 KB cut down to fit. The findings a response lists as failed are sent again, and
 * a throttled call is retried, both after a growing wait; what still fails after every attempt (or a
 * call that fails for another reason: Security Hub not enabled, access denied) is returned, never
 * dropped, for the caller to set aside.
 */
export async function importFindings(
  client: SecurityHubClient,
  findings: AsffFinding[],
  options: ImportOptions,
): Promise<{ imported: number; failed: FailedImport[] }> {
  const attempts = options.attempts ?? 5;
  const backoffMs = options.backoffMs ?? 250;
  let imported = 0;
  const failed: FailedImport[] = [];
  for (const batch of importBatches(findings)) {
    let pending = batch;
    let lastErrors = new Map<string, { errorCode: string; errorMessage: string }>();
    for (let attempt = 1; pending.length > 0 && attempt <= attempts; attempt++) {
      if (attempt > 1) await options.sleep(backoffMs * 2 ** (attempt - 2));
      try {
        const response = await client.send(new BatchImportFindingsCommand({ Findings: pending }));
        const failures = response.FailedFindings ?? [];
        imported += pending.length - failures.length;
        lastErrors = new Map(
          failures.map((f) => [
            f.Id ?? '',
            { errorCode: f.ErrorCode ?? 'unknown', errorMessage: f.ErrorMessage ?? '' },
          ]),
        );
        pending = pending.filter((f) => lastErrors.has(f.Id));
      } catch (error) {
        const { name, message } = error as Error;
        lastErrors = new Map(pending.map((f) => [f.Id, { errorCode: name, errorMessage: message }]));
        // Anything but throttling fails the same way again: no use waiting for it.
        if (!isThrottling(error)) break;
      }
    }
    for (const finding of pending) {
      const why = lastErrors.get(finding.Id) ?? { errorCode: 'unknown', errorMessage: 'not imported' };
      failed.push({ finding, ...why });
    }
  }
  return { imported, failed };
}
