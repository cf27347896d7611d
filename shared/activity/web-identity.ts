import { isGitHubProvider } from '../github/claims.js';
import { isJsonObject, nonEmptyString } from './json-value.js';
import type { CloudTrailRecord, WebIdentityAssumption } from './record.js';

const PROVIDER_ARN = /^arn:[^:]+:iam::[^:]*:oidc-provider\/([^:]+)/;

/**
 * The AssumeRoleWithWebIdentity call a record shows, successful or not; undefined for any other record.
 *
 * The provider is the path condition keys use (`token.actions.githubusercontent.com`,
 * `oidc.eks.us-west-2.amazonaws.com/id/...`, `cognito-identity.amazonaws.com`), read from
 * userIdentity.identityProvider, responseElements.provider or the head of userIdentity.principalId;
 * empty only when the record names none. `github` is `isGitHubProvider`, the engine's own test, so
 * that an assumption is GitHub's exactly when the trust policy it used is. So the issuer of the 2021
 * preview, `vstoken.actions.githubusercontent.com`, is not GitHub here, as it is not for the engine:
 * it has issued no token since the preview ended, so its records are history (old S3 log files), and
 * they keep that provider path for anyone who looks.
 *
 * A failed call has no responseElements; the subject and audience then come from userIdentity, whose
 * principalId is `<provider>:<aud>:<sub>` (and both the audience and the subject may hold colons).
 */
export function webIdentityAssumption(record: CloudTrailRecord): WebIdentityAssumption | undefined {
  if (record.eventName !== 'AssumeRoleWithWebIdentity' || record.eventSource !== 'sts.amazonaws.com') {
    return undefined;
  }
  const response = record.responseElements ?? {};
  const principalId = record.actor.principalId;
  const providerName =
    record.actor.identityProvider ?? nonEmptyString(response.provider) ?? providerInPrincipalId(principalId);
  const provider = providerName === undefined ? '' : providerPath(providerName);
  const subject = record.actor.userName ?? nonEmptyString(response.subjectFromWebIdentityToken);
  const fromPrincipal = splitPrincipalId(principalId, providerName, subject);
  return {
    record,
    provider,
    github: isGitHubProvider(provider),
    roleArn: nonEmptyString(record.requestParameters?.roleArn) ?? roleInRecord(record),
    subject: subject ?? fromPrincipal?.subject,
    audience: nonEmptyString(response.audience) ?? fromPrincipal?.audience,
    succeeded: record.errorCode === undefined,
  };
}

const ASSUMED_ROLE = /^arn:([^:]+):sts::(\d{12}):assumed-role\/([^/]+)\//;

/**
 * The role when `requestParameters.roleArn` does not give it (null in many refusals): the record's
 * `resources[]` entry of type AWS::IAM::Role, or the role of the session a success returned (its path
 * is not in the session ARN, so a role under a path is named without it).
 */
function roleInRecord(record: CloudTrailRecord): string | undefined {
  const resources = Array.isArray(record.raw.resources) ? record.raw.resources : [];
  for (const resource of resources) {
    if (isJsonObject(resource) && resource.type === 'AWS::IAM::Role') {
      const arn = nonEmptyString(resource.ARN);
      if (arn) return arn;
    }
  }
  const user = record.responseElements?.assumedRoleUser;
  const session = ASSUMED_ROLE.exec(isJsonObject(user) ? (nonEmptyString(user.arn) ?? '') : '');
  return session ? `arn:${session[1]}:iam::${session[2]}:role/${session[3]}` : undefined;
}

/** `arn:aws:iam::123:oidc-provider/token.actions.githubusercontent.com` or a bare host, as a condition-key path. */
function providerPath(name: string): string {
  const path = PROVIDER_ARN.exec(name)?.[1] ?? name.replace(/^https:\/\//, '');
  return path.replace(/\/+$/, '');
}

// A principalId starts with the provider: an IAM provider ARN (no colon after `oidc-provider/`) or a
// host of AWS's own providers (`accounts.google.com`, `cognito-identity.amazonaws.com`).
function providerInPrincipalId(principalId: string | undefined): string | undefined {
  if (principalId === undefined) return undefined;
  const arn = PROVIDER_ARN.exec(principalId);
  if (arn) return arn[0];
  const host = principalId.split(':', 1)[0];
  return host === '' ? undefined : host;
}

/**
 * `<provider>:<aud>:<sub>` split in two. The subject, when known, is the tail; otherwise the audience
 * is taken to end at the next colon, which holds for `sts.amazonaws.com` and GitHub's subjects.
 */
function splitPrincipalId(
  principalId: string | undefined,
  provider: string | undefined,
  subject: string | undefined,
): { audience?: string; subject?: string } | undefined {
  if (principalId === undefined || provider === undefined || !principalId.startsWith(`${provider}:`)) {
    return undefined;
  }
  const rest = principalId.slice(provider.length + 1);
  if (subject !== undefined) {
    return rest.endsWith(`:${subject}`) ? { audience: rest.slice(0, -subject.length - 1) || undefined } : {};
  }
  const colon = rest.indexOf(':');
  if (colon < 0) return { audience: rest || undefined };
  return { audience: rest.slice(0, colon) || undefined, subject: rest.slice(colon + 1) || undefined };
}
