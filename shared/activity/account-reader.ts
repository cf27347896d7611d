import type { OidcProvider, Role, Snapshot, User } from '../inventory/snapshot.js';

/**
 * The current state of one role, user or the providers: what a change event is re-evaluated against.
 * Live it re-reads IAM (the event's own copy is not trusted alone); offline it reads a snapshot.
 */
export interface AccountReader {
  role(name: string): Promise<Role | undefined>;
  user(name: string): Promise<User | undefined>;
  oidcProviders(): Promise<OidcProvider[]>;
}

/** Reads from a snapshot: for `events replay` and tests. */
export function snapshotReader(snapshot: Snapshot): AccountReader {
  return {
    role: async (name) => snapshot.roles.find((r) => r.name === name),
    user: async (name) => snapshot.users.find((u) => u.name === name),
    oidcProviders: async () => snapshot.oidcProviders,
  };
}
