import { GetObjectCommand, NoSuchKey, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export type ObjectRead =
  | { kind: 'object'; text: string; etag: string }
  /** The object's ETag is still the one asked about: the copy read before is current. */
  | { kind: 'unchanged' }
  | { kind: 'missing' };

/**
 * One object's text, or `unchanged` when its ETag is still `knownEtag` (a conditional GET: S3 sends
 * no body then), or `missing`. Telling a missing object from a denied read takes s3:ListBucket on the
 * bucket: without it S3 answers AccessDenied, which is thrown like any other error.
 */
export async function getObjectIfChanged(
  s3: S3Client,
  bucket: string,
  key: string,
  knownEtag?: string,
): Promise<ObjectRead> {
  try {
    const object = await s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(knownEtag ? { IfNoneMatch: knownEtag } : {}) }),
    );
    return {
      kind: 'object',
      text: (await object.Body?.transformToString('utf-8')) ?? '',
      etag: object.ETag ?? '',
    };
  } catch (error) {
    if (error instanceof NoSuchKey) return { kind: 'missing' };
    if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 304)
      return { kind: 'unchanged' };
    throw error;
  }
}
