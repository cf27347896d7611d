import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';
import type { PutRequest } from '../../shared/account-files/s3-put-object.js';
import type { ProcessedFinding } from '../../shared/activity/process.js';
import { appendAll } from '../../shared/arrays.js';
import { runAudit } from '../../shared/audit/audit.js';
import { captureBaseline, formatBaseline } from '../../shared/baseline/capture.js';
import type { FindingStore } from '../../shared/findings/store.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { alertNew, alertPending, type Publish, resolveGone } from '../../shared/notify/lifecycle.js';
import { baselineMissing } from '../../shared/rules/baseline/missing.js';
import { suppressionExpired } from '../../shared/rules/baseline/suppression-expired.js';
import { ACCOUNT_RULES, POLICY_RULES } from '../../shared/rules/catalog.js';
import { policyTooComplex } from '../../shared/rules/policy/too-complex.js';
import { withTightenHints } from '../../shared/tighten/hint.js';
import { accountOf } from '../common/account.js';
import { alertMinimum } from '../common/alert-minimum.js';
import type { FindingSummary } from '../common/process.js';
import type { ExportFindings } from '../common/security-hub.js';
import type { Settings } from '../common/settings.js';

/** The findings an audit decides, and so can see go away: not the event findings of the other functions. */
const AUDIT_RULES = new Set(
  [...ACCOUNT_RULES, ...POLICY_RULES, suppressionExpired, baselineMissing, policyTooComplex].map((r) => r.id),
);

export interface AuditDependencies {
  settings: Settings;
  store: FindingStore;
  logger: Logger;
  publish: Publish;
  /** Reads the account (the collector, in the deployed function). */
  collect: () => Promise<Snapshot>;
  /** Exports what the audit opened, updated, suppressed and resolved to Security Hub, when that is on. */
  exportFindings?: ExportFindings;
  /**
   * Writes an object of the baseline location (the proposed baseline of an account with no reviewed
   * one); needed when the settings have a baseline location.
   */
  writeObject?: (request: PutRequest) => Promise<'written' | 'exists'>;
}

/**
 * The scheduled audit: the whole account against the baseline; new findings alerted once, findings
 * that went away resolved (with a notice for those that were alerted), both exported to Security Hub
 * when that is on, gaps logged.
 */
export function auditHandler(deps: AuditDependencies) {
  return async (_event: unknown, context: Pick<Context, 'invokedFunctionArn'>) => {
    const snapshot = await deps.collect();
    const { baseline, config, missingBaseline } = deps.settings;
    const result = runAudit(snapshot, {
      config,
      ...(baseline ? { baseline } : {}),
      ...(missingBaseline
        ? { missingBaseline: { reviewed: missingBaseline.reviewed, proposed: missingBaseline.proposed.url } }
        : {}),
    });
    if (missingBaseline) {
      if (!deps.writeObject) throw new Error('a baseline location is set but the audit cannot write to it');
      try {
        // Written once: a proposal waiting for review is not replaced every hour (delete it for a fresh one).
        const proposal = await deps.writeObject({
          bucket: missingBaseline.proposed.bucket,
          key: missingBaseline.proposed.key,
          text: formatBaseline(captureBaseline(snapshot, config)),
          onlyIfAbsent: true,
        });
        deps.logger.info(proposal === 'written' ? 'proposed baseline written' : 'proposed baseline kept', {
          proposed: missingBaseline.proposed.url,
        });
      } catch (error) {
        // A proposal that cannot be written must not hold back the audit's alerts: it is a gap, logged.
        result.gaps.push({
          resource: missingBaseline.proposed.url,
          operation: 'write the proposed baseline',
          reason: `${(error as Error).name}: ${(error as Error).message}`,
        });
      }
    }
    // Trust findings' alerts carry the narrower policy each role's own use calls for.
    const hinted = await withTightenHints(result.findings, {
      until: snapshot.collectedAt.slice(0, 10),
      counts: (from, to) => deps.store.assumptions(from, to),
      trustPolicy: async (name) => snapshot.roles.find((r) => r.name === name)?.trustPolicy,
      github: config.github,
      minDays: config.tightenMinDays,
    });
    const processed: ProcessedFinding[] = [];
    for (const finding of hinted) processed.push({ finding, outcome: await deps.store.save(finding) });
    const account = snapshot.account || accountOf(context);
    const now = () => new Date().toISOString();
    const common = { store: deps.store, publish: deps.publish, account, now };
    const minimum = alertMinimum(deps.settings);
    const { alerted, deferred } = await alertNew(processed, { ...common, minimum });
    // Alerts a crash left unsent, by this or any other function, once their lease has expired.
    appendAll(alerted, await alertPending({ ...common, minimum }));
    const current = new Set(result.findings.map((f) => f.id));
    const resolved = await resolveGone(current, (f) => AUDIT_RULES.has(f.ruleId), common);
    await deps.exportFindings?.([...processed.map(({ finding }) => finding.id), ...resolved], account);
    for (const gap of result.gaps) deps.logger.warn('audit gap', { ...gap });
    const findings: FindingSummary[] = processed.map(({ finding, outcome }) => ({
      id: finding.id,
      ruleId: finding.ruleId,
      outcome,
    }));
    deps.logger.info('audit done', {
      stats: result.stats,
      alerted: alerted.length,
      deferred: deferred.length,
      resolved: resolved.length,
    });
    return { findings, alerted, resolved, gaps: result.gaps.length };
  };
}
