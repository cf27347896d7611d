import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { Context } from 'aws-lambda';
import { staticKeyUse } from '../../shared/activity/key-use.js';
import {
  type DeadLetter,
  rateLimiter,
  type Sleep,
  scanRegion,
} from '../../shared/activity/lookup-scanner.js';
import { evaluateStaticKeyUse } from '../../shared/activity/static-key.js';
import { trailCoverage } from '../../shared/activity/trail-status.js';
import { makeFinding } from '../../shared/findings/make.js';
import { alertPending } from '../../shared/notify/lifecycle.js';
import { trailNotLogging } from '../../shared/rules/activity/rules.js';
import { accountOf } from '../common/account.js';
import { alertMinimum } from '../common/alert-minimum.js';
import { type FunctionDependencies, recordProcessor } from '../common/process.js';
import type { HandlerResult } from '../iam-event/handler.js';

export interface ActivityScanDependencies extends FunctionDependencies {
  cloudtrail: (region: string) => CloudTrailClient;
  now: () => Date;
  /** Where an event that cannot be handled goes (the failures queue), by event id. */
  deadLetter: (letter: DeadLetter) => Promise<void>;
  /** How the LookupEvents rate limit waits. */
  sleep: Sleep;
}

/** How much of a backlog is read before the checkpoint is saved. */
const SLICE_MINUTES = 60;
/** Left for the key-use lookups and the trail checks when the time runs out on a scan. */
const RESERVE_MS = 45_000;

/**
 * The schedule: poll LookupEvents in every watched region, look up calls signed with CI users' keys,
 * and check that the trails still log. A backlog is read in slices, the checkpoint saved after each,
 * until the invocation's time runs short; an event the handler keeps failing on is dead-lettered after
 * a few scans. Assumptions that EventBridge delivered first (iam-event) are claimed already and skipped.
 */
export function activityScanHandler(deps: ActivityScanDependencies) {
  return async (
    _event: unknown,
    context: Pick<Context, 'invokedFunctionArn'> & Partial<Pick<Context, 'getRemainingTimeInMillis'>>,
  ): Promise<HandlerResult> => {
    const account = accountOf(context);
    const findings: HandlerResult['findings'] = [];
    const handle = recordProcessor(deps, account, findings);
    let records = 0;
    let rejected = 0;
    /** Saved here rather than through the record handler (which exports its own). */
    const direct: string[] = [];
    const now = deps.now();
    for (const region of deps.settings.regions) {
      const client = deps.cloudtrail(region);
      const previous = await deps.store.checkpoint(region);
      // One limiter for every LookupEvents call of the region: the 2-a-second limit is per region.
      const limiter = rateLimiter(2, deps.sleep);
      const scan = await scanRegion(client, deps.store, {
        region,
        now,
        handle,
        limiter,
        sliceMinutes: SLICE_MINUTES,
        deadLetter: deps.deadLetter,
        reserveMs: RESERVE_MS,
        ...(context.getRemainingTimeInMillis
          ? { timeLeft: () => context.getRemainingTimeInMillis?.() ?? 0 }
          : {}),
      });
      for (const { eventId, reason } of scan.rejected)
        deps.logger.error('unusable CloudTrail event', { region, eventId, reason });
      if (scan.deadLettered.length > 0)
        deps.logger.error('events sent to the failures queue', { region, eventIds: scan.deadLettered });
      if (!scan.complete)
        deps.logger.warn('backlog left for the next scan', { region, readUpTo: scan.to, window: scan.from });
      // Calls of other services signed with a CI user's key reach no handler: look them up by key.
      const since = previous
        ? new Date(Date.parse(previous) - 15 * 60_000)
        : new Date(now.getTime() - 86_400_000);
      for (const { record } of (await staticKeyUse(client, await ciKeyIds(deps), since, { limiter })).uses) {
        for (const finding of evaluateStaticKeyUse(record, record.account ?? account)) {
          findings.push({ id: finding.id, ruleId: finding.ruleId, outcome: await deps.store.save(finding) });
          direct.push(finding.id);
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
        direct.push(finding.id);
      }
    }
    await deps.exportFindings?.(direct, account);
    // Every five minutes: alerts a crash left unsent, by this or any other function, once their lease expired.
    const pending = await alertPending({
      store: deps.store,
      publish: deps.publish,
      account,
      minimum: alertMinimum(deps.settings),
      now: () => deps.now().toISOString(),
    });
    deps.logger.info('activity scan done', {
      regions: deps.settings.regions,
      records,
      rejected,
      findings,
      pending,
    });
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
