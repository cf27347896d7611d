import { type Baseline, BaselineSchema } from '../baseline/baseline.js';
import { type Config, ConfigSchema } from '../config/config.js';
import { FileFormatError, readWithSchema } from '../schema-file.js';
import type * as z from '../zod.js';
import {
  ACCOUNT_CONFIG,
  accountKey,
  PROPOSED_BASELINE,
  REVIEWED_BASELINE,
  type S3Location,
  s3Url,
} from './location.js';
import type { ObjectRead } from './s3-get-object.js';

/** What a function runs with in one account: that account's config and reviewed baseline. */
export interface AccountFiles {
  config: Config;
  baseline?: Baseline;
  /** Set when the account has no reviewed baseline yet: where it is looked for, where a proposal goes. */
  missingBaseline?: MissingBaseline;
}

export interface MissingBaseline {
  /** `s3://…/ACCOUNT/baseline.json` */
  reviewed: string;
  proposed: { bucket: string; key: string; url: string };
}

/** Reads one object, conditionally on the ETag of the copy held (see getObjectIfChanged). */
export type ReadObject = (bucket: string, key: string, knownEtag?: string) => Promise<ObjectRead>;

/**
 * An account's files from the organization's location, read once and then only when they change:
 * each call asks S3 whether the ETag is still the cached one, which costs no body. A config object
 * that is absent means the bundled config; a baseline that is absent means `missingBaseline`.
 */
export function accountFilesReader(location: S3Location, read: ReadObject, bundledConfig: Config) {
  const cache = new Map<string, { etag: string; value: unknown }>();

  async function current<T extends z.ZodMiniType>(schema: T, key: string): Promise<z.infer<T> | undefined> {
    const cached = cache.get(key);
    const got = await read(location.bucket, key, cached?.etag);
    if (got.kind === 'missing') {
      cache.delete(key);
      return undefined;
    }
    if (got.kind === 'unchanged') {
      if (!cached) throw new Error(`${s3Url(location.bucket, key)}: S3 said unchanged with no copy held`);
      return cached.value as z.infer<T>;
    }
    const url = s3Url(location.bucket, key);
    let parsed: unknown;
    try {
      parsed = JSON.parse(got.text) as unknown;
    } catch (error) {
      throw new FileFormatError(`${url}: not JSON (${(error as Error).message})`);
    }
    const value = readWithSchema(schema, parsed, url);
    cache.set(key, { etag: got.etag, value });
    return value;
  }

  return async (account: string): Promise<AccountFiles> => {
    const baselineKey = accountKey(location, account, REVIEWED_BASELINE);
    const [baseline, config] = await Promise.all([
      current(BaselineSchema, baselineKey),
      current(ConfigSchema, accountKey(location, account, ACCOUNT_CONFIG)),
    ]);
    // A baseline published under the wrong account would silently judge this one by another's state.
    if (baseline && baseline.account !== account)
      throw new FileFormatError(
        `${s3Url(location.bucket, baselineKey)}: account: ${baseline.account} is not the account reading it (${account})`,
      );
    if (baseline) return { config: config ?? bundledConfig, baseline };
    const proposedKey = accountKey(location, account, PROPOSED_BASELINE);
    return {
      config: config ?? bundledConfig,
      missingBaseline: {
        reviewed: s3Url(location.bucket, baselineKey),
        proposed: { bucket: location.bucket, key: proposedKey, url: s3Url(location.bucket, proposedKey) },
      },
    };
  };
}
