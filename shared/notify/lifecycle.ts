import type { ProcessedFinding } from '../activity/process.js';
import type { Finding } from '../findings/finding.js';
import type { FindingStore, StoredFinding } from '../findings/store.js';
import { unhealthy } from '../rules/activity/rules.js';
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
 * How long a claim on sending an alert holds: longer than any function that alerts runs (the audit's
 * 5 minutes), so that only a claim whose holder died is taken over.
 */
export const ALERT_LEASE_MS = 10 * 60_000;

/** Rules about trustwatch itself: alerted on every channel, whatever its minimum. */
const ALWAYS_ALERTED = new Set([unhealthy.id]);

/**
 * Alerts once for each new (or reopened) finding at or above the minimum; a repeat alerts nothing,
 * a suppressed finding never alerts. Each alert is sent under a lease in the store (see `sendAlert`).
 * Returns the ids alerted and those left for the digest.
 */
export async function alertNew(
  processed: ProcessedFinding[],
  deps: AlertDependencies,
): Promise<{ alerted: string[]; deferred: string[] }> {
  const alerted: string[] = [];
  const deferred: string[] = [];
  for (const { finding, outcome } of processed) {
    if (finding.status === 'suppressed') continue;
    if (!due(finding, deps.minimum)) {
      if (outcome !== 'updated') deferred.push(finding.id);
      continue;
    }
    // An update of a finding whose alert never went out (a crash before the send) still alerts.
    if (outcome === 'updated' && (await deps.store.get(finding.id))?.alertedAt !== undefined) continue;
    if (await sendAlert(finding, deps)) alerted.push(finding.id);
  }
  return { alerted, deferred };
}

/**
 * Sends the alerts that a crash left unsent: open findings at or above the minimum with no alert yet
 * and no live lease on one (a lease whose holder died has expired). The scheduled functions run it,
 * so an alert lost between saving a finding and publishing it goes out on a later run.
 */
export async function alertPending(deps: AlertDependencies): Promise<string[]> {
  const alerted: string[] = [];
  for (const finding of await deps.store.list('open')) {
    if (finding.alertedAt !== undefined || !due(finding, deps.minimum)) continue;
    if (finding.alertClaim && Date.parse(finding.alertClaim.until) >= Date.parse(deps.now())) continue;
    if (await sendAlert(finding, deps)) alerted.push(finding.id);
  }
  return alerted;
}

const due = (finding: Finding, minimum: Severity) =>
  ALWAYS_ALERTED.has(finding.ruleId) || atOrAbove(finding.severity, minimum);

/**
 * Publishes the finding's alert under a lease: claimed before the send, so that a concurrent run
 * does not send it too; confirmed after. A send that fails gives the lease back and throws, so the
 * invocation's retry sends it; a crash leaves the lease to expire, and `alertPending` sends it then.
 * False when another run holds the lease or sent the alert already.
 */
async function sendAlert(finding: Finding, deps: AlertDependencies): Promise<boolean> {
  const at = deps.now();
  const until = new Date(Date.parse(at) + ALERT_LEASE_MS).toISOString();
  if (!(await deps.store.claimAlert(finding.id, { at, until }))) return false;
  try {
    await deps.publish(findingAlert(finding, deps.account));
  } catch (error) {
    await deps.store.releaseAlert(finding.id, at);
    throw error;
  }
  await deps.store.confirmAlert(finding.id, at);
  return true;
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
