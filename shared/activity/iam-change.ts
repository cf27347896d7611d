import { runAudit } from '../audit/audit.js';
import type { Baseline } from '../baseline/baseline.js';
import { isCiUser } from '../baseline/ci-users.js';
import type { Config } from '../config/config.js';
import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { SNAPSHOT_SCHEMA_VERSION, type Snapshot } from '../inventory/snapshot.js';
import { keysCreated } from '../rules/keys/created.js';
import type { AccountReader } from './account-reader.js';
import { eventEvidence } from './event-context.js';
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
  if (ROLE_EVENTS.includes(record.eventName)) {
    const name = text(request.roleName);
    if (!name) return [];
    const role = await context.reader.role(name);
    snapshot = { ...empty, roles: role ? [role] : [] };
    concerns = (f) => f.resource.type === 'role' && f.resource.name === name;
  } else if (USER_EVENTS.includes(record.eventName)) {
    const name =
      text(request.userName) ?? (record.actor.type === 'IAMUser' ? record.actor.userName : undefined);
    if (!name) return [];
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
  const findings = result.findings
    .filter(concerns)
    .map((f) => ({ ...f, evidence: { ...f.evidence, event }, region: record.region ?? f.region }));
  return [...findings, ...newKeyFindings(record, snapshot, context)];
}

/** `keys.created`: a key created, or set Active, for a CI user. */
function newKeyFindings(record: CloudTrailRecord, snapshot: Snapshot, context: IamChangeContext): Finding[] {
  const request = record.requestParameters ?? {};
  const created = record.eventName === 'CreateAccessKey';
  const reactivated = record.eventName === 'UpdateAccessKey' && text(request.status) === 'Active';
  const user = snapshot.users[0];
  if (!(created || reactivated) || !user || !isCiUser(user, context.config, context.baseline)) return [];
  const response = (record.responseElements?.accessKey ?? {}) as Record<string, unknown>;
  const keyId = text(response.accessKeyId) ?? text(request.accessKeyId);
  return [
    makeFinding(
      keysCreated,
      {
        resource: { type: 'user', arn: user.arn, name: user.name },
        message: `${created ? 'a new access key' : 'access key re-activated'}${keyId ? ` ${keyId}` : ''} for CI user ${user.name}, by ${record.actor.arn ?? 'an unknown caller'}`,
        evidence: { user: user.name, keyId, event: eventEvidence(record) },
        detail: { keyId, eventId: record.eventId },
      },
      context.account,
      record.region ?? 'us-east-1',
      record.eventTime,
    ),
  ];
}
