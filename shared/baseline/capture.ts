import type { Config } from '../config/config.js';
import { canonical } from '../findings/finding.js';
import { trustsGitHub } from '../inventory/github-trust.js';
import type { Snapshot } from '../inventory/snapshot.js';
import { BASELINE_SCHEMA_VERSION, type Baseline } from './baseline.js';
import { isCiUser } from './ci-users.js';

/**
 * A baseline from an account as it is now: every GitHub-trusted role with its trust policy, the OIDC
 * providers, the CI users. Keeps the suppressions and observed subjects of a previous baseline.
 */
export function captureBaseline(snapshot: Snapshot, config: Config, previous?: Baseline): Baseline {
  const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    account: snapshot.account,
    ciRoles: snapshot.roles
      .filter((r) => trustsGitHub(r.trustPolicy))
      .map((r) => ({ name: r.name, arn: r.arn, trustPolicy: canonical(r.trustPolicy) }))
      .sort(byName),
    oidcProviders: snapshot.oidcProviders
      .map((p) => ({ url: p.url, audiences: [...p.audiences].sort() }))
      .sort((a, b) => a.url.localeCompare(b.url)),
    ciUsers: snapshot.users
      .filter((u) => isCiUser(u, config, previous))
      .map((u) => u.name)
      .sort(),
    observedSubjects: previous?.observedSubjects ?? {},
    allowedOwners: previous?.allowedOwners ?? config.allowedOwners,
    suppressions: previous?.suppressions ?? [],
  };
}

/** The baseline as the file people review: pretty-printed, keys in a stable order. */
export function formatBaseline(baseline: Baseline): string {
  return `${JSON.stringify(baseline, null, 2)}\n`;
}
