import { S3Client } from '@aws-sdk/client-s3';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { type AccountFiles, accountFilesReader } from '../../shared/account-files/account-files.js';
import { getObjectIfChanged } from '../../shared/account-files/s3-get-object.js';
import { accountOf } from './account.js';
import type { Settings } from './settings.js';

export interface AccountFilesWiring {
  /** Reads the invoking account's baseline and config into the settings (nothing without a location). */
  middleware: MiddlewareObj<unknown, unknown, Error, Context>;
  /** The client of the baseline location's bucket, when there is one. */
  s3?: S3Client;
}

/** Built once per cold start by the functions that read the baseline or the config. */
export function accountFiles(settings: Settings): AccountFilesWiring {
  const location = settings.baselineLocation;
  // Nothing to read: the bundled files apply (middy takes no middleware without a hook).
  if (!location) return { middleware: { before: async () => undefined } };
  // The organization's bucket may be in another region than the function.
  const s3 = new S3Client({ followRegionRedirects: true });
  const read = accountFilesReader(
    location,
    (bucket, key, etag) => getObjectIfChanged(s3, bucket, key, etag),
    settings.config,
  );
  return { middleware: accountFilesMiddleware(settings, read), s3 };
}

/**
 * Before each invocation, the settings take the invoking account's files (the account from the
 * function's own ARN: one template serves every account). Handlers read `settings` when invoked, so
 * a baseline or config published since the last invocation applies to this one.
 */
export function accountFilesMiddleware(
  settings: Settings,
  read: (account: string) => Promise<AccountFiles>,
): MiddlewareObj<unknown, unknown, Error, Context> {
  return {
    before: async (request) => {
      const files = await read(accountOf(request.context));
      settings.config = files.config;
      if (files.baseline) settings.baseline = files.baseline;
      else delete settings.baseline;
      if (files.missingBaseline) settings.missingBaseline = files.missingBaseline;
      else delete settings.missingBaseline;
    },
  };
}
