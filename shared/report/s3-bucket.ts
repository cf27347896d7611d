import {
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  paginateListObjectsV2,
  type S3Client,
} from '@aws-sdk/client-s3';

/** A report bucket as the reports use it: read one object, write one object, list the folders under a prefix. */
export interface ReportBucket {
  readonly name: string;
  /** The object's text, undefined when there is no such object. */
  get(key: string): Promise<string | undefined>;
  put(key: string, body: string, contentType: string): Promise<void>;
  /** The names of the folders right under `prefix` (`''` or ending in `/`), every page of the listing. */
  folders(prefix: string): Promise<string[]>;
}

/** `listPageSize`: keys (folders included) per ListObjectsV2 page; S3 gives at most 1,000. */
export function s3Bucket(s3: S3Client, name: string, listPageSize = 1000): ReportBucket {
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
    async folders(prefix) {
      const names: string[] = [];
      const pages = paginateListObjectsV2(
        { client: s3, pageSize: listPageSize },
        { Bucket: name, Prefix: prefix, Delimiter: '/' },
      );
      for await (const page of pages)
        for (const common of page.CommonPrefixes ?? [])
          if (common.Prefix) names.push(common.Prefix.slice(prefix.length, -1));
      return names;
    },
  };
}
