import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { appendAll } from '../arrays.js';
import { readAuthorizationDetails } from './authorization-details.js';
import type { AwsClients } from './clients.js';
import {
  type CredentialReport,
  CredentialReportError,
  type CredentialReportOptions,
  readCredentialReport,
} from './credential-report.js';
import { describeFailure } from './gaps.js';
import { trustsGitHub } from './github-trust.js';
import { readOidcProviders } from './providers.js';
import { listRoles, withDetails } from './roles.js';
import { type Gap, SNAPSHOT_SCHEMA_VERSION, type Snapshot } from './snapshot.js';
import { mergeUsers } from './users.js';

export interface CollectProgress {
  stage: 'listing roles' | 'reading role details' | 'waiting for the credential report';
  done: number;
  /** Unknown while roles are still being listed. */
  total?: number;
}

export interface CollectOptions {
  /** Items per page of ListRoles and GetAccountAuthorizationDetails; AWS allows up to 1,000. */
  pageSize?: number;
  credentialReport?: CredentialReportOptions;
  onProgress?: (progress: CollectProgress) => void;
}

export interface CollectResult {
  snapshot: Snapshot;
  /** Requests sent per operation during this collection, retries included. */
  calls: Record<string, number>;
}

/** The account could not be identified: nothing collected would be attributable. */
export class CollectionError extends Error {}

/**
 * A snapshot of the account in a fixed number of calls whatever its size: ListRoles pages (trust
 * policies, session lengths), GetAccountAuthorizationDetails pages (tags, last use, policies, users),
 * the credential report (keys), and the OIDC providers. Anything unreadable becomes a gap.
 */
export async function collectSnapshot(
  clients: AwsClients,
  options: CollectOptions = {},
): Promise<CollectResult> {
  const before = clients.calls.counts();
  const collectedAt = new Date().toISOString();
  const account = await accountId(clients);
  const progress = options.onProgress ?? (() => {});
  const gaps: Gap[] = [];

  const rolesAndDetails = (async () => {
    const listing = await listRoles(clients.iam, {
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      onPage: (done) => progress({ stage: 'listing roles', done }),
    });
    const total = listing.roles.length;
    const details = await readAuthorizationDetails(clients.iam, {
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      onPage: (done) => progress({ stage: 'reading role details', done: Math.min(done, total), total }),
    });
    return { listing, details };
  })();
  const report = (async (): Promise<CredentialReport | undefined> => {
    try {
      return await readCredentialReport(clients.iam, {
        ...options.credentialReport,
        onWait: (state) => {
          progress({ stage: 'waiting for the credential report', done: 0, total: 1 });
          options.credentialReport?.onWait?.(state);
        },
      });
    } catch (error) {
      const operation = error instanceof CredentialReportError ? error.operation : 'iam:GetCredentialReport';
      gaps.push({
        resource: 'the IAM credential report',
        operation,
        reason: `${(error as Error).message}; no access key of any user was read`,
      });
      return undefined;
    }
  })();
  const [{ listing, details }, providers, credentialReport] = await Promise.all([
    rolesAndDetails,
    readOidcProviders(clients.iam),
    report,
  ]);

  for (const more of [listing.gaps, details.gaps, providers.gaps]) appendAll(gaps, more);
  const roles = listing.roles.map((role) => {
    const detail = details.roles.get(role.arn);
    if (detail) return withDetails(role, detail, details.policies, gaps);
    if (trustsGitHub(role.trustPolicy)) {
      gaps.push({
        resource: role.arn,
        operation: 'iam:GetAccountAuthorizationDetails',
        reason: details.complete
          ? `${role.name} is not in the authorization details (created during collection?): its policies, tags and last use were not read`
          : `the authorization details stopped before ${role.name}: its policies, tags and last use were not read`,
      });
    }
    return role;
  });
  const users = mergeUsers({
    details,
    ...(credentialReport ? { report: credentialReport } : {}),
  });
  appendAll(gaps, users.gaps);

  const snapshot: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    account,
    collectedAt,
    roles: roles.sort((a, b) => a.arn.localeCompare(b.arn)),
    oidcProviders: providers.providers,
    users: users.users,
    gaps,
  };
  return { snapshot, calls: clients.calls.since(before) };
}

/** The account the credentials belong to; a CollectionError saying why when they name none. */
export async function accountId(clients: AwsClients): Promise<string> {
  try {
    const identity = await clients.sts.send(new GetCallerIdentityCommand({}));
    if (!identity.Account) throw new Error('the answer has no Account');
    return identity.Account;
  } catch (error) {
    throw new CollectionError(
      `cannot tell which account these credentials belong to: ${describeFailure('sts:GetCallerIdentity', 'the caller', error)}`,
    );
  }
}
