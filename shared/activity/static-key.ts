import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import { staticKeyFromActions } from '../rules/activity/rules.js';
import { eventEvidence } from './event-context.js';
import type { CloudTrailRecord } from './record.js';

/** The user agent aws-actions/configure-aws-credentials sends: a GitHub Actions job using a static key. */
export const ACTIONS_USER_AGENT = /configure-aws-credentials/i;

/**
 * `activity.static-key-from-actions`: a call signed with an IAM user's long-lived key (AKIA…) by
 * GitHub Actions. Temporary credentials (ASIA…) from an OIDC role do not count.
 */
export function evaluateStaticKeyUse(record: CloudTrailRecord, account: string): Finding[] {
  const { actor } = record;
  const keyId = actor.accessKeyId;
  if (
    actor.type !== 'IAMUser' ||
    !keyId?.startsWith('AKIA') ||
    !ACTIONS_USER_AGENT.test(record.userAgent ?? '')
  )
    return [];
  const name = actor.userName ?? actor.arn?.slice(actor.arn.lastIndexOf('/') + 1) ?? keyId;
  return [
    makeFinding(
      staticKeyFromActions,
      {
        resource: { type: 'user', arn: actor.arn ?? `arn:aws:iam::${account}:user/${name}`, name },
        message: `GitHub Actions used the access key ${keyId} of IAM user ${name} (${record.eventSource.split('.')[0]}:${record.eventName})`,
        evidence: { user: name, keyId, event: eventEvidence(record) },
        // One finding per key: every call it makes is the same problem.
        detail: { keyId },
      },
      account,
      record.region ?? 'us-east-1',
      record.eventTime,
    ),
  ];
}
