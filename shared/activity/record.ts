/**
 * One CloudTrail record, as trustwatch uses it, whatever form it arrived in (LookupEvents, a log file
 * in S3, an EventBridge event). Only `eventId`, `eventName`, `eventSource` and `eventTime` are required:
 * everything else may be missing from real records and is optional here.
 */
export interface CloudTrailRecord {
  eventId: string;
  eventName: string;
  eventSource: string;
  /** ISO 8601. */
  eventTime: string;
  region?: string;
  /** recipientAccountId. */
  account?: string;
  readOnly?: boolean;
  errorCode?: string;
  errorMessage?: string;
  actor: {
    type?: string;
    arn?: string;
    principalId?: string;
    userName?: string;
    accessKeyId?: string;
    /** For web identity callers: the identity provider (an ARN or a host). */
    identityProvider?: string;
    invokedBy?: string;
  };
  sourceIp?: string;
  userAgent?: string;
  requestParameters?: Record<string, unknown>;
  responseElements?: Record<string, unknown>;
  /** The record as received, for evidence. */
  raw: Record<string, unknown>;
}

/** What a parse produced: the usable records, and why each unusable one was set aside. */
export interface ParsedRecords {
  records: CloudTrailRecord[];
  rejected: { index: number; reason: string }[];
}

/** An AssumeRoleWithWebIdentity call, successful or not, told apart by provider. */
export interface WebIdentityAssumption {
  record: CloudTrailRecord;
  /** Provider path as in condition keys, e.g. `token.actions.githubusercontent.com`. */
  provider: string;
  github: boolean;
  roleArn?: string;
  /** The token's sub (GitHub: `repo:ORG/REPO:...`). */
  subject?: string;
  audience?: string;
  succeeded: boolean;
}
