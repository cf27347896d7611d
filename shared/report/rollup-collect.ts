import { mapLimit } from '../inventory/map-limit.js';
import { isAccountId, reportKey } from './location.js';
import type { FoundReport } from './rollup.js';

/** Where the accounts' reports are: ACCOUNT/YYYY-MM/report.json under one place, in S3 or on disk. */
export interface ReportFolder {
  /** s3://BUCKET/PREFIX or the directory, for the roll-up and its messages. */
  readonly location: string;
  /** The names of the folders in it. */
  folders(): Promise<string[]>;
  /** Where a key is, for messages. */
  where(key: string): string;
  /** The text at the key; undefined when there is nothing there. */
  read(key: string): Promise<string | undefined>;
}

/** Reports read at once: enough to hide latency, few enough for S3 and a shared machine. */
const PARALLEL_READS = 8;

/**
 * Every account's report.json of the month: the account folders found (names that are not account ids
 * are not accounts: `rollup/`) and the accounts expected, each looked for once. A read that fails is
 * kept as the problem, so one unreadable account costs only its own row.
 */
export async function collectReports(
  folder: ReportFolder,
  month: string,
  expected: string[] = [],
): Promise<FoundReport[]> {
  const accounts = [...new Set([...(await folder.folders()).filter(isAccountId), ...expected])].sort();
  return mapLimit(accounts, PARALLEL_READS, async (account): Promise<FoundReport> => {
    const key = reportKey(account, month, 'report.json');
    const source = folder.where(key);
    try {
      const text = await folder.read(key);
      return text === undefined ? { account, source, absent: true } : { account, source, text };
    } catch (error) {
      return { account, source, problem: `${source}: ${(error as Error).name}: ${(error as Error).message}` };
    }
  });
}
