import type { ProcessedFinding } from '../activity/process.js';
import type { Finding } from '../findings/finding.js';
import type { FindingStore, StoredFinding } from '../findings/store.js';
import { SEVERITIES, type Severity, severityRank } from '../rules/rule.js';
import type { AlertMessage } from './alert.js';
import { findingAlert } from './finding-alert.js';

export type Publish = (message: AlertMessage) => Promise<unknown>;

export interface AlertDependencies {
  store: FindingStore;
  publish: Publish;
  account: string;
  /** The lowest severity alerted at once (the lowest channel minimum); below it findings wait for the digest. */
  minimum: Severity;
  now: () => string;
}

const atOrAbove = (s: Severity, minimum: Severity) => severityRank(s) >= severityRank(minimum);

/**
 * Alerts once for each new (or reopened) finding at or above the minimum; a repeat alerts nothing,
 * a suppressed finding never alerts. The alert is claimed in the store before it is sent, so a crash
 * after sending cannot send it again; a send that fails gives the claim back and throws, so the
 * invocation's retry sends it. Returns the ids alerted and those left for the digest.
 */
export async function alertNew(
  processed: ProcessedFinding[],
  deps: AlertDependencies,
): Promise<{ alerted: string[]; deferred: string[] }> {
  const alerted: string[] = [];
  const deferred: string[] = [];
  for (const { finding, outcome } of processed) {
    if (finding.status === 'suppressed') continue;
    if (!atOrAbove(finding.severity, deps.minimum)) {
      if (outcome !== 'updated') deferred.push(finding.id);
      continue;
    }
    // An update of a finding whose alert never went out (a crash before the claim) still alerts.
    if (outcome === 'updated' && (await deps.store.get(finding.id))?.alertedAt !== undefined) continue;
    const at = deps.now();
    if (!(await deps.store.markAlerted(finding.id, at))) continue;
    try {
      await deps.publish(findingAlert(finding, deps.account));
    } catch (error) {
      await deps.store.releaseAlert(finding.id, at);
      throw error;
    }
    alerted.push(finding.id);
  }
  return { alerted, deferred };
}

/**
 * Resolves the open and suppressed findings in `scope` that the latest audit no longer finds (a
 * suppressed one left as it was would count as accepted risk for ever), with a short notice for those
 * an alert went out for. Event findings (a novel subject, a tampered rule) are out of scope:
 * an audit cannot see them go away.
 */
export async function resolveGone(
  current: ReadonlySet<string>,
  scope: (finding: StoredFinding) => boolean,
  deps: Pick<AlertDependencies, 'store' | 'publish' | 'account' | 'now'>,
): Promise<string[]> {
  const resolved: string[] = [];
  const unresolved = [...(await deps.store.list('open')), ...(await deps.store.list('suppressed'))];
  for (const finding of unresolved) {
    if (!scope(finding) || current.has(finding.id)) continue;
    const at = deps.now();
    if (!(await deps.store.resolve(finding.id, at))) continue;
    resolved.push(finding.id);
    if (finding.alertedAt) {
      await deps.publish({
        kind: 'resolved',
        account: deps.account,
        finding: { ...finding, status: 'resolved' },
        resolvedAt: at,
      });
    }
  }
  return resolved;
}

/** The daily digest: open findings below the alert minimum first seen that day, and the open counts. */
export async function dailyDigest(
  deps: Pick<AlertDependencies, 'store' | 'account' | 'minimum'>,
  day: string,
): Promise<AlertMessage> {
  const open = await deps.store.list('open');
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of open) counts[f.severity]++;
  const findings: Finding[] = open
    .filter((f) => !atOrAbove(f.severity, deps.minimum) && f.firstSeen.slice(0, 10) === day)
    .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId));
  return { kind: 'digest', account: deps.account, day, findings, open: counts, omitted: 0 };
}
