import {
  type CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsResponse,
} from '@aws-sdk/client-cloudtrail';
import { describeFailure } from '../inventory/gaps.js';
import { type RejectedEvent, rateLimiter, type Sleep } from './lookup-scanner.js';
import { parseRecords } from './parse.js';
import type { CloudTrailRecord } from './record.js';
import { ACTIONS_USER_AGENT } from './static-key.js';

export interface KeyUseOptions {
  /** Pages read per key at most (50 events each, newest first); defaults to 2. */
  maxPagesPerKey?: number;
  /** Defaults to 2, LookupEvents' limit per account and region. */
  requestsPerSecond?: number;
  sleep?: Sleep;
  /** A limiter shared with other LookupEvents callers of the same region (the limit is per region). */
  limiter?: () => Promise<void>;
  clock?: () => number;
}

export interface StaticKeyUse {
  accessKeyId: string;
  record: CloudTrailRecord;
}

export interface KeyUseResult {
  uses: StaticKeyUse[];
  /** Keys with more events than the pages read: a use older than those read is not seen. */
  truncated: string[];
  rejected: RejectedEvent[];
}

/**
 * The calls since `since` that GitHub Actions made with these access keys: LookupEvents by
 * AccessKeyId, one key per call (LookupEvents takes one attribute), keeping the records whose user
 * agent is configure-aws-credentials'. Bounded per key, since one use is enough to show the key
 * should be replaced by OIDC and a busy key could otherwise page for minutes at 2 requests a second.
 */
export async function staticKeyUse(
  client: CloudTrailClient,
  accessKeyIds: readonly string[],
  since: Date,
  options: KeyUseOptions = {},
): Promise<KeyUseResult> {
  const maxPages = options.maxPagesPerKey ?? 2;
  const limit = options.limiter ?? rateLimiter(options.requestsPerSecond ?? 2, options.sleep, options.clock);
  const result: KeyUseResult = { uses: [], truncated: [], rejected: [] };
  for (const accessKeyId of new Set(accessKeyIds)) {
    let nextToken: string | undefined;
    let pages = 0;
    do {
      await limit();
      let page: LookupEventsResponse;
      try {
        page = await client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'AccessKeyId', AttributeValue: accessKeyId }],
            StartTime: since,
            MaxResults: 50,
            NextToken: nextToken,
          }),
        );
      } catch (error) {
        throw new Error(describeFailure('cloudtrail:LookupEvents', `access key ${accessKeyId}`, error), {
          cause: error,
        });
      }
      pages++;
      nextToken = page.NextToken;
      const events = page.Events ?? [];
      const parsed = parseRecords(events);
      for (const { index, reason } of parsed.rejected) {
        result.rejected.push({ eventId: events[index]?.EventId, reason });
      }
      for (const record of parsed.records) {
        if (ACTIONS_USER_AGENT.test(record.userAgent ?? '')) result.uses.push({ accessKeyId, record });
      }
    } while (nextToken && pages < maxPages);
    if (nextToken) result.truncated.push(accessKeyId);
  }
  return result;
}
