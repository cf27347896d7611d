import type { AssumptionCount, StoredFinding } from '../findings/store.js';
import { parseSubject } from '../github/subject.js';
import type { Role } from '../inventory/snapshot.js';
import { bound } from './bounded.js';
import type { Activity, Bounded, Series } from './model.js';
import { beforeEnd, dayBeforeEnd, inMonth, type Month } from './month.js';

/** Rows of a chart: the busiest; the rest are summed into one "others" row, so a chart's size is bounded. */
export const TOP_SERIES = 10;
/** Refused role/subject pairs and unused roles listed; the totals count them all. */
const DENIED_LIMIT = 25;
const UNUSED_LIMIT = 100;
/** A GitHub-trusted role not assumed for this many days is a candidate for removal. */
export const UNUSED_DAYS = 90;

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** `owner/repo` of a subject; a subject of no default form stands for itself. */
function repositoryOf(subject: string): string {
  const parts = parseSubject(subject);
  return parts ? `${parts.owner}/${parts.repo}` : subject;
}

/** Successful assumptions this month by role ARN. */
export function assumptionsByRole(counts: AssumptionCount[], month: Month): Map<string, number> {
  const out = new Map<string, number>();
  for (const c of counts) {
    if (c.day.startsWith(month.id)) out.set(c.roleArn, (out.get(c.roleArn) ?? 0) + c.succeeded);
  }
  return out;
}

function series(counts: AssumptionCount[], month: Month, keyOf: (c: AssumptionCount) => string) {
  const index = new Map(month.days.map((d, i) => [d, i]));
  const all = new Map<string, Series>();
  for (const c of counts) {
    const day = index.get(c.day);
    if (day === undefined) continue;
    const key = keyOf(c);
    let s = all.get(key);
    if (!s) {
      s = { label: key, succeeded: 0, denied: 0, perDay: month.days.map(() => 0) };
      all.set(key, s);
    }
    s.succeeded += c.succeeded;
    s.denied += c.denied;
    s.perDay[day] = (s.perDay[day] ?? 0) + c.succeeded;
  }
  const sorted = [...all.values()].sort(
    (a, b) => b.succeeded + b.denied - (a.succeeded + a.denied) || a.label.localeCompare(b.label),
  );
  const rest = sorted.slice(TOP_SERIES);
  const others: Series | null =
    rest.length === 0
      ? null
      : {
          label: `${rest.length} others`,
          succeeded: rest.reduce((a, s) => a + s.succeeded, 0),
          denied: rest.reduce((a, s) => a + s.denied, 0),
          perDay: month.days.map((_, i) => rest.reduce((a, s) => a + (s.perDay[i] ?? 0), 0)),
        };
  return { top: sorted.slice(0, TOP_SERIES), others, total: sorted.length };
}

export interface ActivityInput {
  /** Counters from UNUSED_DAYS before the end of the month to its end. */
  counts: AssumptionCount[];
  findings: StoredFinding[];
  /** GitHub-trusted roles; undefined without a snapshot (no unused-role candidates then). */
  githubRoles?: Role[];
  month: Month;
}

/** Assumptions per day, per role and per repository, refusals with their diagnosis, unused roles. */
export function activity({ counts, findings, githubRoles, month }: ActivityInput): Activity {
  const inThisMonth = counts.filter((c) => c.day.startsWith(month.id));
  const perDay = month.days.map((day) => ({ day, succeeded: 0, denied: 0 }));
  const dayIndex = new Map(month.days.map((d, i) => [d, i]));
  for (const c of inThisMonth) {
    const row = perDay[dayIndex.get(c.day) ?? -1];
    if (!row) continue;
    row.succeeded += c.succeeded;
    row.denied += c.denied;
  }
  return {
    perDay,
    roles: series(inThisMonth, month, (c) => roleName(c.roleArn)),
    repositories: series(inThisMonth, month, (c) => repositoryOf(c.subject)),
    denied: denied(inThisMonth, findings, month),
    unusedRoles: githubRoles ? unusedRoles(githubRoles, counts, month) : { items: [], total: 0 },
  };
}

function denied(counts: AssumptionCount[], findings: StoredFinding[], month: Month): Activity['denied'] {
  const pairs = new Map<string, { role: string; subject: string; count: number; roleArn: string }>();
  for (const c of counts) {
    if (c.denied === 0) continue;
    const key = `${c.roleArn}\n${c.subject}`;
    const pair = pairs.get(key) ?? {
      role: roleName(c.roleArn),
      roleArn: c.roleArn,
      subject: c.subject,
      count: 0,
    };
    pair.count += c.denied;
    pairs.set(key, pair);
  }
  // The latest diagnosis of each pair: the role may have changed during the month.
  const diagnoses = new Map<string, string[]>();
  for (const f of findings
    .filter((f) => f.ruleId === 'activity.assume-denied' && inMonth(f.lastSeen, month))
    .sort((a, b) => Date.parse(a.lastSeen) - Date.parse(b.lastSeen))) {
    const diagnosis = f.evidence.diagnosis;
    if (Array.isArray(diagnosis))
      diagnoses.set(`${f.resource.arn}\n${String(f.evidence.subject)}`, diagnosis.map(String));
  }
  return bound(
    [...pairs.entries()]
      .map(([key, p]) => ({
        role: p.role,
        subject: p.subject,
        count: p.count,
        diagnosis: diagnoses.get(key) ?? null,
      }))
      .sort(
        (a, b) => b.count - a.count || a.role.localeCompare(b.role) || a.subject.localeCompare(b.subject),
      ),
    DENIED_LIMIT,
  );
}

/**
 * GitHub-trusted roles no one assumed in the UNUSED_DAYS up to the end of the month, by the counters
 * and IAM's last-used date, that are older than that: candidates for removal. Never used comes first.
 */
function unusedRoles(
  roles: Role[],
  counts: AssumptionCount[],
  month: Month,
): Bounded<{ name: string; lastUsed: string | null }> {
  const since = dayBeforeEnd(month, UNUSED_DAYS - 1);
  const assumed = new Set(counts.filter((c) => c.succeeded > 0 && c.day >= since).map((c) => c.roleArn));
  const sinceMs = Date.parse(since);
  const candidates = roles.filter(
    (r) =>
      (r.created === undefined || Date.parse(r.created) < sinceMs) &&
      beforeEnd(r.created ?? month.start, month) &&
      !assumed.has(r.arn) &&
      (r.lastUsed === undefined || Date.parse(r.lastUsed.date) < sinceMs),
  );
  return bound(
    candidates
      .map((r) => ({ name: r.name, lastUsed: r.lastUsed?.date ?? null }))
      .sort((a, b) => (a.lastUsed ?? '').localeCompare(b.lastUsed ?? '') || a.name.localeCompare(b.name)),
    UNUSED_LIMIT,
  );
}
