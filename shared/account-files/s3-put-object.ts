import { PutObjectCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';

export interface PutRequest {
  bucket: string;
  key: string;
  text: string;
  /** Write only when no object has the key yet (S3's conditional write, `If-None-Match: *`). */
  onlyIfAbsent?: boolean;
}

/** Writes one JSON object; `exists` when `onlyIfAbsent` was asked and the key was taken. */
export async function putJsonObject(s3: S3Client, request: PutRequest): Promise<'written' | 'exists'> {
  try {
    await s3.send(
      new PutObjectCommand({
        Bucket: request.bucket,
        Key: request.key,
        Body: request.text,
        ContentType: 'application/json',
        ...(request.onlyIfAbsent ? { IfNoneMatch: '*' } : {}),
      }),
    );
    return 'written';
  } catch (error) {
    if (request.onlyIfAbsent && error instanceof S3ServiceException && error.$metadata.httpStatusCode === 412)
      return 'exists';
    throw error;
  }
}
