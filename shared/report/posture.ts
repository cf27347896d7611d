import { factPairs, findingFacts } from '../findings/facts.js';
import type { StoredFinding } from '../findings/store.js';
import { SEVERITIES, type Severity, severityRank } from '../rules/rule.js';
import { bound } from './bounded.js';
import type { FindingRef, Posture, SeverityCounts } from './model.js';
import { beforeEnd, daysBetween, inMonth, type Month } from './month.js';

/** Rows of each finding list a report shows; the totals are always exact. */
const FINDING_LIST_LIMIT = 25;
/** How much of each fact a row keeps: the report is an overview, the alert and `trustwatch audit` have the rest. */
const ROW_FACTS = { listLimit: 5, maxChars: 200 };

const zero = (): SeverityCounts =>
  Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;

function counts(findings: StoredFinding[]): SeverityCounts {
  const out = zero();
  for (const f of findings) out[f.severity]++;
  return out;
}

/** Resolved before the end of the month: a finding resolved later was still open then. */
const resolvedBy = (f: StoredFinding, month: Month) =>
  f.resolvedAt !== undefined && beforeEnd(f.resolvedAt, month);

/** Whether the finding existed and was unresolved at the end of the month. */
const unresolvedAtEnd = (f: StoredFinding, month: Month) =>
  beforeEnd(f.firstSeen, month) && !resolvedBy(f, month);

const bySeverity = (a: StoredFinding, b: StoredFinding) =>
  severityRank(b.severity) - severityRank(a.severity) || Date.parse(a.firstSeen) - Date.parse(b.firstSeen);

function ref(f: StoredFinding, until: string): FindingRef {
  return {
    id: f.id,
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    resource: f.resource.name,
    firstSeen: f.firstSeen,
    ...(f.resolvedAt ? { resolvedAt: f.resolvedAt } : {}),
    days: Math.max(0, daysBetween(f.firstSeen, until)),
    facts: factPairs(findingFacts(f), ROW_FACTS),
  };
}

/**
 * Findings by severity at the end of the month, opened and resolved in it, the oldest still open,
 * the mean time to resolve and the suppressions in force. The store keeps a finding's current status
 * only, so the month's view is rebuilt from firstSeen and resolvedAt; a suppressed finding counts as
 * suppressed, not open.
 */
export function posture(findings: StoredFinding[], month: Month): Posture {
  const unresolved = findings.filter((f) => unresolvedAtEnd(f, month));
  const open = unresolved.filter((f) => f.status !== 'suppressed');
  const suppressed = unresolved.filter((f) => f.status === 'suppressed');
  const opened = findings.filter((f) => inMonth(f.firstSeen, month)).sort(bySeverity);
  const resolved = findings.filter((f) => inMonth(f.resolvedAt, month)).sort(bySeverity);
  const resolveDays = resolved.map(
    (f) => (Date.parse(f.resolvedAt as string) - Date.parse(f.firstSeen)) / 86_400_000,
  );
  const oldest = [...open].sort(
    (a, b) =>
      Date.parse(a.firstSeen) - Date.parse(b.firstSeen) ||
      severityRank(b.severity) - severityRank(a.severity),
  );
  return {
    openAtEnd: counts(open),
    suppressedAtEnd: suppressed.length,
    opened: counts(opened),
    resolved: counts(resolved),
    meanDaysToResolve:
      resolveDays.length > 0 ? round1(resolveDays.reduce((a, b) => a + b, 0) / resolveDays.length) : null,
    oldestOpen: bound(
      oldest.map((f) => ref(f, month.end)),
      FINDING_LIST_LIMIT,
    ),
    worstOpen: bound(
      [...open].sort(bySeverity).map((f) => ref(f, month.end)),
      FINDING_LIST_LIMIT,
    ),
    openedThisMonth: bound(
      opened.map((f) => ref(f, f.resolvedAt && resolvedBy(f, month) ? f.resolvedAt : month.end)),
      FINDING_LIST_LIMIT,
    ),
    resolvedThisMonth: bound(
      resolved.map((f) => ref(f, f.resolvedAt as string)),
      FINDING_LIST_LIMIT,
    ),
    suppressions: bound(
      suppressed
        .filter((f) => f.suppression !== undefined)
        .map((f) => ({
          ruleId: f.ruleId,
          resource: f.resource.name,
          reason: f.suppression?.reason ?? '',
          expires: f.suppression?.expires ?? '',
          // A date alone (YYYY-MM-DD) parses as UTC midnight.
          daysLeft: daysBetween(month.end, f.suppression?.expires ?? month.end),
        }))
        .sort((a, b) => a.daysLeft - b.daysLeft),
      FINDING_LIST_LIMIT,
    ),
  };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
