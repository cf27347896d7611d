import { runAudit } from '../audit/audit.js';
import type { Baseline } from '../baseline/baseline.js';
import { isCiUser } from '../baseline/ci-users.js';
import type { Config } from '../config/config.js';
import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { type Role, SNAPSHOT_SCHEMA_VERSION, type Snapshot, type User } from '../inventory/snapshot.js';
import { keysCreated } from '../rules/keys/created.js';
import type { Severity } from '../rules/rule.js';
import type { AccountReader } from './account-reader.js';
import { eventEvidence } from './event-context.js';
import { eventCopyReader, sameDocument, trustPolicySetBy } from './event-copy-reader.js';
import { isJsonObject } from './json-value.js';
import { partitionOf } from './partition.js';
import type { CloudTrailRecord } from './record.js';

/** IAM calls that change who can get in through a role, a user's keys, or an identity provider. */
export const ROLE_EVENTS = [
  'UpdateAssumeRolePolicy',
  'CreateRole',
  'DeleteRole',
  'AttachRolePolicy',
  'PutRolePolicy',
  'UpdateRole',
];
export const USER_EVENTS = ['CreateAccessKey', 'UpdateAccessKey', 'CreateUser'];
export const PROVIDER_EVENTS = [
  'CreateOpenIDConnectProvider',
  'DeleteOpenIDConnectProvider',
  'AddClientIDToOpenIDConnectProvider',
  'RemoveClientIDFromOpenIDConnectProvider',
  'UpdateOpenIDConnectProviderThumbprint',
];

export interface IamChangeContext {
  account: string;
  config: Config;
  baseline?: Baseline;
  reader: AccountReader;
}

const text = (v: unknown) => (typeof v === 'string' ? v : undefined);

/**
 * Re-evaluates what an IAM change touched, read again from the account (not from the event), against
 * the baseline: the same rules as the audit, limited to that resource, each finding carrying who made
 * the change, from where and when.
 */
export async function evaluateIamChange(
  record: CloudTrailRecord,
  context: IamChangeContext,
): Promise<Finding[]> {
  if (record.errorCode) return [];
  const request = record.requestParameters ?? {};
  const empty: Snapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    account: context.account,
    collectedAt: record.eventTime,
    roles: [],
    oidcProviders: [],
    users: [],
    gaps: [],
  };
  let snapshot: Snapshot;
  let concerns: (f: Finding) => boolean;
  let note: string | undefined;
  if (ROLE_EVENTS.includes(record.eventName)) {
    const name = text(request.roleName);
    if (!name) return [];
    const judged = await roleAsSet(record, name, context);
    note = judged.note;
    snapshot = { ...empty, roles: judged.role ? [judged.role] : [] };
    concerns = (f) => f.resource.type === 'role' && f.resource.name === name;
  } else if (USER_EVENTS.includes(record.eventName)) {
    const name = userNamed(record);
    // No user named: the root user's own key, if anything.
    if (!name) return newKeyFindings(record, undefined, context);
    const user = await context.reader.user(name);
    snapshot = { ...empty, users: user ? [user] : [] };
    concerns = (f) => f.resource.type === 'user' && f.resource.name === name;
  } else if (PROVIDER_EVENTS.includes(record.eventName)) {
    snapshot = { ...empty, oidcProviders: await context.reader.oidcProviders() };
    concerns = (f) => f.resource.type === 'oidc-provider';
  } else return [];
  // A baseline role missing from this one-resource snapshot is not "deleted": only the touched one counts.
  const result = runAudit(snapshot, {
    config: context.config,
    ...(context.baseline ? { baseline: context.baseline } : {}),
  });
  const event = eventEvidence(record);
  const findings = result.findings.filter(concerns).map((f) => ({
    ...f,
    message: note ? `${f.message} (${note})` : f.message,
    evidence: { ...f.evidence, event, ...(note ? { note } : {}) },
    region: record.region ?? f.region,
  }));
  return [...findings, ...newKeyFindings(record, snapshot.users[0], context)];
}

/**
 * The role with the trust policy this event set, when it set one: a finding about the event judges
 * what the event did, not what the account holds now (changed again since, or a snapshot older than
 * the event), and says so when the two differ. Without a policy in the event, the role as the account has it.
 */
async function roleAsSet(
  record: CloudTrailRecord,
  name: string,
  context: IamChangeContext,
): Promise<{ role?: Role; note?: string }> {
  const current = await context.reader.role(name);
  const set = trustPolicySetBy(record);
  if (set === undefined) return current ? { role: current } : {};
  if (!current) return { role: await eventCopyReader(record, context.account).role(name) };
  const role = { ...current, trustPolicy: set };
  if (sameDocument(current.trustPolicy, set)) return { role };
  return {
    role,
    note: `judged on the trust policy this event set; the account state read holds a different one now`,
  };
}

/** The user an access-key or user call is about: the request's, the new key's, or the caller itself. */
function userNamed(record: CloudTrailRecord): string | undefined {
  const key = record.responseElements?.accessKey;
  return (
    text(record.requestParameters?.userName) ??
    (isJsonObject(key) ? text(key.userName) : undefined) ??
    (record.actor.type === 'IAMUser' ? record.actor.userName : undefined)
  );
}

/**
 * `keys.created`: every access key created, or set Active. High for a CI user (by the account state,
 * or by the baseline or a name pattern when the state does not know the user), medium for a user the
 * account state does not show (it cannot tell whether CI uses it, and says so), high for the root user,
 * low (the daily digest) for any other user.
 */
function newKeyFindings(
  record: CloudTrailRecord,
  user: User | undefined,
  context: IamChangeContext,
): Finding[] {
  const request = record.requestParameters ?? {};
  const created = record.eventName === 'CreateAccessKey';
  const reactivated = record.eventName === 'UpdateAccessKey' && text(request.status) === 'Active';
  if (!(created || reactivated)) return [];
  const name = userNamed(record);
  const root = name === undefined && record.actor.type === 'Root';
  if (name === undefined && !root) return [];
  const response = record.responseElements?.accessKey;
  const keyId =
    (isJsonObject(response) ? text(response.accessKeyId) : undefined) ?? text(request.accessKeyId);
  const partition = partitionOf(record.region ?? '');
  const resource = root
    ? { type: 'account' as const, arn: `arn:${partition}:iam::${context.account}:root`, name: 'root' }
    : {
        type: 'user' as const,
        arn: user?.arn ?? `arn:${partition}:iam::${context.account}:user/${name}`,
        name: name ?? '',
      };
  // A user the state does not show is known only by name: the baseline's list or a name pattern may still say CI.
  const known = user ?? { name: resource.name, arn: resource.arn, path: '', tags: {}, keys: [] };
  const ci = !root && isCiUser(known, context.config, context.baseline);
  const kind: { severity: Severity; who: string } = root
    ? { severity: 'high', who: "the account's root user" }
    : ci
      ? {
          severity: 'high',
          who: `CI user ${name}${user ? '' : ' (by name: the account state read does not show the user)'}`,
        }
      : user
        ? { severity: 'low', who: `IAM user ${name} (not a CI user)` }
        : {
            severity: 'medium',
            who: `IAM user ${name}, whom the account state read does not show: whether CI uses it cannot be told`,
          };
  const finding = makeFinding(
    keysCreated,
    {
      resource,
      message: `${created ? 'a new access key' : 'access key re-activated'}${keyId ? ` ${keyId}` : ''} for ${kind.who}, by ${record.actor.arn ?? 'an unknown caller'}`,
      evidence: { user: resource.name, keyId, event: eventEvidence(record) },
      detail: { keyId, eventId: record.eventId },
    },
    context.account,
    record.region ?? 'us-east-1',
    record.eventTime,
  );
  return [{ ...finding, severity: kind.severity }];
}
