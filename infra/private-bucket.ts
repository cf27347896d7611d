import { Duration } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  BucketEncryption,
  type BucketProps,
  type LifecycleRule,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';

/**
 * What every trustwatch bucket is: private, encrypted with S3's own key (no key policy to share across
 * accounts), reachable over TLS 1.2+ only, its objects owned by the bucket's account whoever wrote them,
 * and versioned.
 */
export const PRIVATE_BUCKET = {
  encryption: BucketEncryption.S3_MANAGED,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
  versioned: true,
} as const satisfies BucketProps;

/** Reports kept for their retention (three years by default); one overwritten or deleted stays recoverable for 90 days. */
export function reportLifecycle(retention: Duration = Duration.days(3 * 365 + 1)): LifecycleRule[] {
  return [
    { id: 'expire-reports', expiration: retention },
    { id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(90) },
    { id: 'abort-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
  ];
}
