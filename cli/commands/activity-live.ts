import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { scanRegion } from '../../shared/activity/lookup-scanner.js';
import { processRecord } from '../../shared/activity/process.js';
import { appendAll } from '../../shared/arrays.js';
import type { Baseline } from '../../shared/baseline/baseline.js';
import type { Config } from '../../shared/config/config.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { createClients } from '../../shared/inventory/clients.js';
import { accountId, CollectionError } from '../../shared/inventory/collect.js';
import { liveReader } from '../../shared/inventory/live-reader.js';
import { UsageError } from '../exit.js';
import type { ActivityRun } from '../format/activity.js';

export interface ActivityScan {
  regions: string[];
  hours: number;
  config: Config;
  baseline?: Baseline;
  store: FindingStore;
  prefix: string;
  profile?: string;
}

/** LookupEvents for AssumeRoleWithWebIdentity in each region over the window, through the watches. */
export async function scanActivity(scan: ActivityScan): Promise<ActivityRun> {
  const clients = createClients(scan.profile ? { profile: scan.profile } : {});
  const account = await reading(() => accountId(clients));
  const run: ActivityRun = { records: 0, rejected: [], findings: [] };
  const now = new Date();
  for (const region of scan.regions) {
    const cloudtrail = new CloudTrailClient({
      region,
      retryMode: 'adaptive',
      ...(scan.profile ? { profile: scan.profile } : {}),
    });
    const result = await reading(() =>
      scanRegion(cloudtrail, scan.store, {
        region,
        now,
        firstLookbackHours: scan.hours,
        handle: async (record) => {
          run.findings.push(
            ...(await processRecord(record, {
              account: record.account ?? account,
              config: scan.config,
              ...(scan.baseline ? { baseline: scan.baseline } : {}),
              reader: liveReader(clients.iam),
              store: scan.store,
              monitorPrefix: scan.prefix,
            })),
          );
        },
      }),
    );
    run.records += result.events;
    appendAll(
      run.rejected,
      result.rejected.map((r, index) => ({ index, reason: `${r.eventId ?? ''} ${r.reason}`.trim() })),
    );
  }
  return run;
}

/**
 * AWS refusing or unreachable (no credentials, expired ones, no permission, no network) is something
 * to fix in the environment, said in one line and exit 2 as audit does; anything else is a bug.
 */
async function reading<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CollectionError || fromAws((error as Error).cause ?? error)) {
      throw new UsageError(`cannot read the account: ${(error as Error).message}`);
    }
    throw error;
  }
}

function fromAws(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as {
    $metadata?: unknown;
    name?: string;
    code?: string;
  };
  return (
    e.$metadata !== undefined ||
    e.name === 'CredentialsProviderError' ||
    ['ENOTFOUND', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN'].includes(e.code ?? '')
  );
}
