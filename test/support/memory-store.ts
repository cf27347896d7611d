import type { Finding } from '../../shared/findings/finding.js';
import type {
  AlertClaim,
  AssumptionCount,
  FindingStore,
  SaveOutcome,
  StoredFinding,
} from '../../shared/findings/store.js';

/**
 * A FindingStore in memory, for tests. Single-threaded, so its "conditional writes" are plain checks.
 * Claims never expire here; `claims` keeps their expiry for tests to look at.
 */
export class MemoryStore implements FindingStore {
  readonly findings = new Map<string, StoredFinding>();
  readonly claims = new Map<string, string>();
  readonly checkpoints = new Map<string, string>();
  readonly failures = new Map<string, number>();
  readonly #counts = new Map<string, AssumptionCount>();

  async save(finding: Finding): Promise<SaveOutcome> {
    const stored = this.findings.get(finding.id);
    if (!stored) {
      this.findings.set(finding.id, { ...finding });
      return 'opened';
    }
    const reopened = stored.status === 'resolved';
    const next: StoredFinding = { ...finding, firstSeen: stored.firstSeen };
    // As the real stores do: a repeat keeps the evidence only an earlier sighting had.
    if (!reopened) next.evidence = { ...stored.evidence, ...finding.evidence };
    // As the real stores do: a reopened finding has not been alerted for this opening yet.
    if (stored.alertedAt && !reopened) next.alertedAt = stored.alertedAt;
    if (stored.alertClaim && !reopened) next.alertClaim = stored.alertClaim;
    if (stored.resolvedAt && !reopened) next.resolvedAt = stored.resolvedAt;
    this.findings.set(finding.id, next);
    return reopened ? 'reopened' : 'updated';
  }

  async resolve(id: string, at: string): Promise<boolean> {
    const stored = this.findings.get(id);
    if (!stored || stored.status === 'resolved') return false;
    this.findings.set(id, { ...stored, status: 'resolved', resolvedAt: at });
    return true;
  }

  async claimAlert(id: string, claim: AlertClaim): Promise<boolean> {
    const stored = this.findings.get(id);
    if (!stored) return false;
    if (
      stored.alertedAt ||
      (stored.alertClaim && Date.parse(stored.alertClaim.until) >= Date.parse(claim.at))
    )
      return false;
    this.findings.set(id, { ...stored, alertClaim: { ...claim } });
    return true;
  }

  async confirmAlert(id: string, at: string): Promise<void> {
    const stored = this.findings.get(id);
    if (!stored) return;
    const { alertClaim: _ended, ...rest } = stored;
    this.findings.set(id, { ...rest, alertedAt: at });
  }

  async releaseAlert(id: string, at: string): Promise<void> {
    const stored = this.findings.get(id);
    if (stored?.alertClaim?.at === at) {
      const { alertClaim: _released, ...rest } = stored;
      this.findings.set(id, rest);
    }
  }

  async get(id: string): Promise<StoredFinding | undefined> {
    return this.findings.get(id);
  }

  async list(status?: Finding['status']): Promise<StoredFinding[]> {
    return [...this.findings.values()].filter((f) => !status || f.status === status);
  }

  async claimEvent(eventId: string, expiresAt: string): Promise<boolean> {
    if (this.claims.has(eventId)) return false;
    this.claims.set(eventId, expiresAt);
    return true;
  }

  async eventClaimed(eventId: string): Promise<boolean> {
    return this.claims.has(eventId);
  }

  async countFailure(eventId: string): Promise<number> {
    const attempts = (this.failures.get(eventId) ?? 0) + 1;
    this.failures.set(eventId, attempts);
    return attempts;
  }

  async checkpoint(region: string): Promise<string | undefined> {
    return this.checkpoints.get(region);
  }

  async setCheckpoint(region: string, time: string): Promise<void> {
    this.checkpoints.set(region, time);
  }

  async addAssumption(count: AssumptionCount): Promise<void> {
    const key = JSON.stringify([count.roleArn, count.subject, count.day]);
    const sum = this.#counts.get(key);
    this.#counts.set(key, {
      ...count,
      succeeded: count.succeeded + (sum?.succeeded ?? 0),
      denied: count.denied + (sum?.denied ?? 0),
    });
  }

  async assumptions(fromDay: string, toDay: string): Promise<AssumptionCount[]> {
    return [...this.#counts.values()].filter((c) => c.day >= fromDay && c.day <= toDay);
  }

  async subjectsSeen(roleArn: string): Promise<string[]> {
    const subjects = [...this.#counts.values()]
      .filter((c) => c.roleArn === roleArn && c.succeeded > 0)
      .map((c) => c.subject);
    return [...new Set(subjects)];
  }
}
