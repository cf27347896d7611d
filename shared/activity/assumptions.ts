import type { Baseline } from '../baseline/baseline.js';
import type { Finding } from '../findings/finding.js';
import { makeFinding } from '../findings/make.js';
import type { FindingStore } from '../findings/store.js';
import { explain } from '../policy/explain.js';
import { parsePolicy } from '../policy/parse.js';
import { assumeDenied, novelSubject } from '../rules/activity/rules.js';
import { eventEvidence } from './event-context.js';
import { partitionOf } from './partition.js';
import type { CloudTrailRecord } from './record.js';
import { webIdentityAssumption } from './web-identity.js';

export interface AssumptionContext {
  account: string;
  baseline?: Baseline;
  store: FindingStore;
  /** The role's trust policy now, to diagnose a refusal; undefined when the role cannot be read. */
  trustPolicy(roleName: string): Promise<unknown | undefined>;
}

const roleName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);

/** What a refusal that names no role is counted and reported under: no IAM role name holds parentheses or spaces. */
const UNKNOWN_ROLE = '(unknown role)';
const UNKNOWN_SUBJECT = '(unknown subject)';

/**
 * One AssumeRoleWithWebIdentity record: counted for the monthly report, and a finding when a GitHub
 * subject assumes a role for the first time, or is refused (with the reason in words).
 */
export async function evaluateAssumption(
  record: CloudTrailRecord,
  context: AssumptionContext,
): Promise<Finding[]> {
  const assumption = webIdentityAssumption(record);
  if (!assumption?.github) return [];
  // A success always names its role and subject; a refusal may name neither, and is still a refusal.
  if (assumption.succeeded && (!assumption.roleArn || !assumption.subject)) return [];
  const region = record.region ?? 'us-east-1';
  const roleArn =
    assumption.roleArn ?? `arn:${partitionOf(region)}:iam::${context.account}:role/${UNKNOWN_ROLE}`;
  const subject = assumption.subject ?? UNKNOWN_SUBJECT;
  const name = roleName(roleArn);
  const resource = { type: 'role' as const, arn: roleArn, name };
  const event = eventEvidence(record);
  const known = assumption.succeeded ? await context.store.subjectsSeen(roleArn) : [];
  await context.store.addAssumption({
    roleArn,
    subject,
    day: record.eventTime.slice(0, 10),
    succeeded: assumption.succeeded ? 1 : 0,
    denied: assumption.succeeded ? 0 : 1,
  });
  if (assumption.succeeded) {
    const reviewed = context.baseline?.observedSubjects[name] ?? [];
    if (known.includes(subject) || reviewed.includes(subject)) return [];
    return [
      makeFinding(
        novelSubject,
        {
          resource,
          message: `${name} was assumed by "${subject}", a subject never seen for this role`,
          evidence: { subject, audience: assumption.audience, event },
          detail: { subject },
        },
        context.account,
        region,
        record.eventTime,
      ),
    ];
  }
  const trust = assumption.roleArn === undefined ? undefined : await context.trustPolicy(name);
  const diagnosis =
    assumption.roleArn === undefined
      ? [
          `the record names no role (requestParameters.roleArn is ${record.requestParameters?.roleArn === null ? 'null' : 'missing'}), so the refusal cannot be explained`,
        ]
      : trust === undefined
        ? ['the role could not be read to explain the refusal']
        : reasons(trust, assumption);
  const who = assumption.roleArn === undefined ? `a role the record does not name (${region})` : name;
  return [
    makeFinding(
      assumeDenied,
      {
        resource,
        message: `${who} refused "${subject}" from ${assumption.provider} (${record.errorCode}): ${diagnosis[0] ?? 'no reason found'}`,
        evidence: {
          subject,
          provider: assumption.provider,
          audience: assumption.audience,
          errorCode: record.errorCode,
          diagnosis,
          event,
        },
        detail: { subject, errorCode: record.errorCode, ...(assumption.roleArn ? {} : { region }) },
      },
      context.account,
      region,
      record.eventTime,
    ),
  ];
}

function reasons(
  trust: unknown,
  assumption: { provider: string; subject?: string; audience?: string },
): string[] {
  try {
    const claims: Record<string, string> = { sub: assumption.subject ?? '' };
    if (assumption.audience) claims.aud = assumption.audience;
    return explain(parsePolicy(trust).document, { provider: assumption.provider, claims }).reasons;
  } catch (error) {
    return [`the trust policy cannot be read: ${(error as Error).message}`];
  }
}
