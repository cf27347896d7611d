import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { staticKeyUse } from '../../shared/activity/key-use.js';
import { rateLimiter, scanRegion } from '../../shared/activity/lookup-scanner.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { evaluateStaticKeyUse } from '../../shared/activity/static-key.js';
import { trailCoverage } from '../../shared/activity/trail-status.js';
import { makeFinding } from '../../shared/findings/make.js';
import { trailNotLogging } from '../../shared/rules/activity/rules.js';
import { accountOf } from '../common/account.js';
import { type FunctionDependencies, recordProcessor } from '../common/process.js';
import type { HandlerResult } from '../iam-event/handler.js';

export interface ActivityScanDependencies extends FunctionDependencies {
  cloudtrail: (region: string) => CloudTrailClient;
  now: () => Date;
}

/** Claimed events expire after LookupEvents' own 90 days: nothing older can come back. */
const EVENT_MEMORY_MS = 90 * 86_400_000;

/**
 * Two triggers, one handler: the schedule (poll LookupEvents in every watched region, and check the
 * trails still log) and an EventBridge rule in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS
 * (the only one that delivers read-only AssumeRoleWithWebIdentity events). Both claim event ids in the
 * store, so an event seen by both is handled once.
 */
export function activityScanHandler(deps: ActivityScanDependencies) {
  return async (event: unknown, context: Pick<Context, 'invokedFunctionArn'>): Promise<HandlerResult> => {
    const account = accountOf(context);
    const findings: HandlerResult['findings'] = [];
    const handle = recordProcessor(deps, account, findings);
    if (isApiCallEvent(event)) {
      const { records, rejected } = parseRecords(event);
      for (const record of records) {
        // As the poller does: handle, then claim. A crash in between handles the event again later
        // (findings are idempotent); claiming first would lose it for good.
        if (await deps.store.eventClaimed(record.eventId)) continue;
        await handle(record);
        const expires = new Date(Date.parse(record.eventTime) + EVENT_MEMORY_MS).toISOString();
        await deps.store.claimEvent(record.eventId, expires);
      }
      deps.logger.info('AssumeRoleWithWebIdentity events processed', { records: records.length, findings });
      return { records: records.length, rejected: rejected.length, findings };
    }
    let records = 0;
    let rejected = 0;
    const now = deps.now();
    for (const region of deps.settings.regions) {
      const client = deps.cloudtrail(region);
      const previous = await deps.store.checkpoint(region);
      // One limiter for every LookupEvents call of the region: the 2-a-second limit is per region.
      const limiter = rateLimiter(2);
      const scan = await scanRegion(client, deps.store, { region, now, handle, limiter });
      // Calls of other services signed with a CI user's key reach no handler: look them up by key.
      const since = previous
        ? new Date(Date.parse(previous) - 15 * 60_000)
        : new Date(now.getTime() - 86_400_000);
      for (const { record } of (await staticKeyUse(client, await ciKeyIds(deps), since, { limiter })).uses) {
        for (const finding of evaluateStaticKeyUse(record, record.account ?? account)) {
          findings.push({ id: finding.id, ruleId: finding.ruleId, outcome: await deps.store.save(finding) });
        }
      }
      records += scan.new;
      rejected += scan.rejected.length;
      const coverage = await trailCoverage(client, region);
      if (!coverage.logging) {
        const finding = makeFinding(
          trailNotLogging,
          {
            resource: {
              type: 'account',
              arn: `arn:aws:cloudtrail:${region}:${account}:trail/*`,
              name: `CloudTrail in ${region}`,
            },
            message: `no logging trail records read-only management events in ${region} (AssumeRoleWithWebIdentity is one): ${coverage.problem ?? 'trustwatch is blind there'}`,
            evidence: { region, trails: coverage.trails },
            detail: { region },
          },
          account,
          region,
          now.toISOString(),
        );
        findings.push({ id: finding.id, ruleId: finding.ruleId, outcome: await deps.store.save(finding) });
      }
    }
    deps.logger.info('activity scan done', { regions: deps.settings.regions, records, rejected, findings });
    return { records, rejected, findings };
  };
}

/** The active key ids of the CI users the baseline names (the credential report has no ids). */
async function ciKeyIds(deps: ActivityScanDependencies): Promise<string[]> {
  const ids: string[] = [];
  for (const name of deps.settings.baseline?.ciUsers ?? []) {
    const user = await deps.reader.user(name);
    for (const key of user?.keys ?? []) if (key.active && key.id) ids.push(key.id);
  }
  return ids;
}

function isApiCallEvent(event: unknown): boolean {
  return (
    typeof event === 'object' &&
    event !== null &&
    (event as Record<string, unknown>)['detail-type'] === 'AWS API Call via CloudTrail'
  );
}
