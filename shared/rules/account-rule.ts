import type { Baseline } from '../baseline/baseline.js';
import type { Config } from '../config/config.js';
import type { Finding } from '../findings/finding.js';
import type { FindingHit } from '../findings/make.js';
import type { Role, Snapshot, User } from '../inventory/snapshot.js';
import type { BudgetOptions } from '../policy/budget.js';
import type { RuleMeta } from './rule.js';

/** What account rules may ask: the snapshot, the configuration, the baseline when there is one. */
export interface AuditContext {
  snapshot: Snapshot;
  config: Config;
  baseline?: Baseline;
  /** The time the snapshot describes: ages are measured from here, so a saved snapshot audits the same. */
  now: Date;
  githubRoles: Role[];
  ciUsers: User[];
  /** How much search one comparison of trust policies may do (see policy/budget.ts). */
  budget?: BudgetOptions;
}

/** What an account rule found: where, what, the evidence and what identifies it (see `makeFinding`). */
export type AccountHit = FindingHit;

export interface AccountRule extends RuleMeta {
  check(context: AuditContext): AccountHit[];
}

export const DAY_MS = 86_400_000;

export function daysBetween(from: string, to: Date): number {
  return Math.floor((to.getTime() - Date.parse(from)) / DAY_MS);
}

export const roleResource = (r: Role): Finding['resource'] => ({ type: 'role', arn: r.arn, name: r.name });
export const userResource = (u: User): Finding['resource'] => ({ type: 'user', arn: u.arn, name: u.name });
