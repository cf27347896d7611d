import type { Baseline } from '../baseline/baseline.js';
import type { Config } from '../config/config.js';
import type { Finding } from '../findings/finding.js';
import type { FindingStore, SaveOutcome } from '../findings/store.js';
import type { Snapshot } from '../inventory/snapshot.js';
import { withTightenHints } from '../tighten/hint.js';
import { type AccountReader, snapshotReader } from './account-reader.js';
import { evaluateAssumption } from './assumptions.js';
import { evaluateIamChange } from './iam-change.js';
import type { CloudTrailRecord } from './record.js';
import { evaluateStaticKeyUse } from './static-key.js';
import { evaluateTamper } from './tamper.js';

export interface ActivityContext {
  account: string;
  config: Config;
  baseline?: Baseline;
  reader: AccountReader;
  store: FindingStore;
  /** Name prefix of the monitor's own resources, for the tamper watch. */
  monitorPrefix: string;
}

/** The watches' context for an account known by its snapshot (the demo, tests): IAM is read from it. */
export function snapshotContext(
  account: { snapshot: Snapshot; config: Config; baseline?: Baseline },
  store: FindingStore,
): ActivityContext {
  return {
    account: account.snapshot.account,
    config: account.config,
    ...(account.baseline ? { baseline: account.baseline } : {}),
    reader: snapshotReader(account.snapshot),
    store,
    monitorPrefix: 'trustwatch',
  };
}

export interface ProcessedFinding {
  finding: Finding;
  outcome: SaveOutcome;
}

/**
 * One CloudTrail record through every watch that applies — IAM change, web identity assumption,
 * static key used from GitHub Actions, tamper — with the findings saved (a repeat is an update, not a new finding). The deployed functions,
 * the LookupEvents poller and `trustwatch events replay` all come through here.
 */
export async function processRecord(
  record: CloudTrailRecord,
  context: ActivityContext,
): Promise<ProcessedFinding[]> {
  const findings: Finding[] = [
    ...evaluateTamper(record, context.account, context.monitorPrefix),
    ...evaluateStaticKeyUse(record, context.account),
  ];
  if (record.eventSource === 'iam.amazonaws.com') {
    // A trust finding's alert carries the narrower policy the role's own use calls for.
    const changed = await evaluateIamChange(record, context);
    findings.push(
      ...(await withTightenHints(changed, {
        until: record.eventTime.slice(0, 10),
        counts: (from, to) => context.store.assumptions(from, to),
        trustPolicy: async (name) => (await context.reader.role(name))?.trustPolicy,
        github: context.config.github,
        minDays: context.config.tightenMinDays,
      })),
    );
  }
  if (record.eventSource === 'sts.amazonaws.com' && record.eventName === 'AssumeRoleWithWebIdentity') {
    findings.push(
      ...(await evaluateAssumption(record, {
        ...context,
        trustPolicy: async (name) => (await context.reader.role(name))?.trustPolicy,
      })),
    );
  }
  const processed: ProcessedFinding[] = [];
  for (const finding of findings) processed.push({ finding, outcome: await context.store.save(finding) });
  return processed;
}
