import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import type { ReportFolder } from './rollup-collect.js';
import { s3Bucket } from './s3-bucket.js';

/**
 * The accounts' reports under `prefix` (no slash at either end; `''` for the bucket's top) of a bucket:
 * the account folders from ListObjectsV2 with a delimiter, every page; each report read as the monthly
 * report reads its own. `listPageSize`: keys (folders included) per page; S3 gives at most 1,000.
 */
export function s3ReportFolder(
  s3: S3Client,
  bucket: string,
  prefix: string,
  listPageSize = 1000,
): ReportFolder {
  const objects = s3Bucket(s3, bucket);
  const under = prefix === '' ? '' : `${prefix}/`;
  return {
    location: `s3://${bucket}/${prefix}`,
    async folders() {
      const names: string[] = [];
      const pages = paginateListObjectsV2(
        { client: s3, pageSize: listPageSize },
        { Bucket: bucket, Prefix: under, Delimiter: '/' },
      );
      for await (const page of pages)
        for (const common of page.CommonPrefixes ?? [])
          if (common.Prefix) names.push(common.Prefix.slice(under.length, -1));
      return names;
    },
    where: (key) => `s3://${bucket}/${under}${key}`,
    read: (key) => objects.get(`${under}${key}`),
  };
}
