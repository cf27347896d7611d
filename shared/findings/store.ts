import type { Finding } from './finding.js';

/** What saving a finding did: a new one alerts, an update does not, a reopened one alerts again. */
export type SaveOutcome = 'opened' | 'updated' | 'reopened';

export interface StoredFinding extends Finding {
  /** When the alert for this opening was sent; undefined while none was. */
  alertedAt?: string;
  /** Who is sending the alert (the time it claimed it) and until when the claim holds. */
  alertClaim?: AlertClaim;
  resolvedAt?: string;
}

/** A lease on sending a finding's alert: a crash while holding it delays the alert, never loses it. */
export interface AlertClaim {
  at: string;
  until: string;
}

/** Assumptions of one role by one subject on one UTC day, for the monthly report. */
export interface AssumptionCount {
  roleArn: string;
  subject: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  succeeded: number;
  denied: number;
}

/**
 * Where the deployed monitor (DynamoDB) and the CLI (a local file) keep state between runs. Every
 * write that could race is conditional, so two invocations never both see "opened" for one finding.
 */
export interface FindingStore {
  /**
   * Inserts or updates by `finding.id`, keeping `firstSeen` and `alertedAt` of the stored one, and the
   * fields of its evidence the new one lacks (the audit's repeat of a change the event watch saw first
   * keeps who made it). A reopened finding takes the new evidence only.
   */
  save(finding: Finding): Promise<SaveOutcome>;
  /**
   * Marks an open or suppressed finding resolved (the problem went away); false when the store does not
   * hold it or it is already resolved.
   */
  resolve(id: string, at: string): Promise<boolean>;
  /**
   * Takes the lease on sending the alert for this opening of the finding: true when the alert was not
   * sent yet and no one holds an unexpired lease on it (one taken at `claim.at`, after its `until`, is
   * free), false otherwise. A crash between the claim and the send leaves a lease that expires, and a
   * later run (see `alertPending`) sends the alert: at worst twice, never not at all.
   */
  claimAlert(id: string, claim: AlertClaim): Promise<boolean>;
  /** The alert went out: records `alertedAt` and ends the lease. */
  confirmAlert(id: string, at: string): Promise<void>;
  /** Gives back the lease taken at `at` when sending failed, so a retry can send it; another's stays. */
  releaseAlert(id: string, at: string): Promise<void>;
  get(id: string): Promise<StoredFinding | undefined>;
  list(status?: Finding['status']): Promise<StoredFinding[]>;

  /** Claims a CloudTrail event id: true the first time, false for a duplicate (the poller and EventBridge overlap). */
  claimEvent(eventId: string, expiresAt: string): Promise<boolean>;
  /** Whether the event id was claimed, without claiming it (the poller handles first, then claims). */
  eventClaimed(eventId: string): Promise<boolean>;
  /**
   * Counts one more failed attempt at handling a CloudTrail event and returns how many there were, so
   * that a record the handler keeps failing on can be set aside after a few; forgotten after `expiresAt`.
   */
  countFailure(eventId: string, expiresAt: string): Promise<number>;
  /** The time up to which LookupEvents was read in a region. */
  checkpoint(region: string): Promise<string | undefined>;
  setCheckpoint(region: string, time: string): Promise<void>;

  addAssumption(count: AssumptionCount): Promise<void>;
  assumptions(fromDay: string, toDay: string): Promise<AssumptionCount[]>;
  /** Subjects ever seen assuming the role (for `activity.novel-subject`). */
  subjectsSeen(roleArn: string): Promise<string[]>;
}

/**
 * The finding as a store keeps it: `alertedAt`, `alertClaim` and `resolvedAt` belong to the store (a caller may hand
 * back what `get` returned), and a JSON copy: the caller changing its object later does not change the
 * state, and no `undefined` or class instance is left for a marshaller to reject.
 */
export function storable(input: Finding): Finding {
  if (input.status === 'resolved')
    throw new Error(`finding ${input.id}: resolve it with resolve(), not save()`);
  const {
    alertedAt: _alerted,
    alertClaim: _claim,
    resolvedAt: _resolved,
    ...finding
  } = input as StoredFinding;
  return JSON.parse(JSON.stringify(finding));
}
