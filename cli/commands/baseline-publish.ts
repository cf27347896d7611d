import { S3Client } from '@aws-sdk/client-s3';
import { s3Url } from '../../shared/account-files/location.js';
import { putJsonObject } from '../../shared/account-files/s3-put-object.js';
import { UsageError } from '../exit.js';

/**
 * Writes checked files to the organization's bucket, each URL on standard output once written. Loaded
 * only by `baseline publish`, so that the S3 client stays out of every other command's start.
 */
export async function publishObjects(
  bucket: string,
  objects: { key: string; text: string }[],
  options: { profile?: string; region?: string },
): Promise<void> {
  const s3 = new S3Client({
    ...(options.profile ? { profile: options.profile } : {}),
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    followRegionRedirects: true,
  });
  try {
    for (const { key, text } of objects) {
      const url = s3Url(bucket, key);
      try {
        await putJsonObject(s3, { bucket, key, text });
      } catch (error) {
        throw new UsageError(`${url}: cannot write (${(error as Error).name}: ${(error as Error).message})`);
      }
      process.stdout.write(`${url}\n`);
    }
  } finally {
    s3.destroy();
  }
}
