import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';

/** A report bucket as the reports use it: read one object, write one object. */
export interface ReportBucket {
  readonly name: string;
  /** The object's text, undefined when there is no such object. */
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string, contentType: string): Promise<void>;
}

export function s3Bucket(s3: S3Client, name: string): ReportBucket {
  return {
    name,
    async get(key) {
      try {
        const object = await s3.send(new GetObjectCommand({ Bucket: name, Key: key }));
        return await object.Body?.transformToString('utf-8');
      } catch (error) {
        // Without s3:ListBucket S3 answers a missing key with AccessDenied: that one is not absence.
        if (error instanceof NoSuchKey) return undefined;
        throw error;
      }
    },
    async put(key, body, contentType) {
      await s3.send(new PutObjectCommand({ Bucket: name, Key: key, Body: body, ContentType: contentType }));
    },
  };
}
