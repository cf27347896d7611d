/**
 * Where an organization keeps each account's reviewed files: `s3://BUCKET/PREFIX`, with
 * `PREFIX/ACCOUNT/baseline.json`, `PREFIX/ACCOUNT/trustwatch.config.json` and, written by the audit
 * for a person to review, `PREFIX/ACCOUNT/baseline.proposed.json`.
 */
export interface S3Location {
  bucket: string;
  /** Without leading or trailing slash; empty for the bucket's top level. */
  prefix: string;
}

export const REVIEWED_BASELINE = 'baseline.json';
export const ACCOUNT_CONFIG = 'trustwatch.config.json';
export const PROPOSED_BASELINE = 'baseline.proposed.json';

export type AccountFileName = typeof REVIEWED_BASELINE | typeof ACCOUNT_CONFIG | typeof PROPOSED_BASELINE;

/** S3's rules for a general purpose bucket's name (no dots: they break virtual-host TLS). */
const BUCKET = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export class LocationError extends Error {}

export function parseS3Location(text: string): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (!match) throw new LocationError(`${JSON.stringify(text)}: expected s3://BUCKET/PREFIX`);
  const [, bucket = '', rest = ''] = match;
  if (!BUCKET.test(bucket))
    throw new LocationError(
      `${JSON.stringify(text)}: the bucket name ${JSON.stringify(bucket)} is not a valid S3 bucket name (3–63 lowercase letters, digits and hyphens)`,
    );
  const prefix = rest.replace(/\/+$/, '');
  if (prefix !== '' && prefix.split('/').some((part) => part === '' || part === '.' || part === '..'))
    throw new LocationError(`${JSON.stringify(text)}: the prefix has an empty, "." or ".." part`);
  return { bucket, prefix };
}

/** The key of one of an account's files. */
export function accountKey(location: S3Location, account: string, file: AccountFileName): string {
  return [location.prefix, account, file].filter((part) => part !== '').join('/');
}

export function s3Url(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`;
}
