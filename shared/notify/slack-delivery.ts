import {
  type FetchFunction,
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import type { SlackMessage } from './slack.js';

type SlackBlocks = NonNullable<IncomingWebhookSendArguments['blocks']>;

export interface RetryPolicy {
  /** Requests in all, the first one included. */
  maxAttempts: number;
  /** The most one delivery waits between its attempts, all waits together. */
  maxTotalWaitMs: number;
  /** The wait before the first retry when Slack sends no Retry-After; doubled for each retry after it. */
  baseDelayMs: number;
  /** How long one request may take. */
  timeoutMs: number;
}

/**
 * At worst four requests of 10 s and 30 s of waiting: the function's timeout must leave room for
 * that (90 s is enough), or Lambda ends it before the failure is logged and counted.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  maxTotalWaitMs: 30_000,
  baseDelayMs: 1000,
  timeoutMs: 10_000,
};

export interface DeliveryOptions {
  sleep: (ms: number) => Promise<void>;
  policy?: RetryPolicy;
  /** The clock for a Retry-After given as an HTTP date. */
  now?: () => number;
}

export interface Delivery {
  attempts: number;
  waitedMs: number;
}

/** A message Slack did not take. The message never contains the webhook URL (a credential). */
export class SlackDeliveryError extends Error {
  override name = 'SlackDeliveryError';
  constructor(
    message: string,
    /** The HTTP status of the last answer; undefined when no answer came. */
    readonly status: number | undefined,
    readonly attempts: number,
    readonly waitedMs: number,
  ) {
    super(message);
  }
}

interface Failure {
  reason: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
}

/**
 * Posts to an incoming webhook, retrying 429 and 5xx answers and failed requests: after the
 * Retry-After Slack asks for, else after an exponential backoff, within `maxAttempts` and
 * `maxTotalWaitMs`. Other 4xx answers (an invalid payload, a revoked webhook) are not retried.
 *
 * @slack/webhook 8 posts with fetch and retries only with its own policy (5xx and network errors,
 * never 429, and without reading Retry-After); its IncomingWebhookHTTPError keeps the status and the
 * body but drops the headers. So its retries stay off, and the fetch given to it keeps the
 * Retry-After of each answer for this loop.
 */
export async function postToSlack(
  webhookUrl: string,
  message: SlackMessage,
  options: DeliveryOptions,
): Promise<Delivery> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const now = options.now ?? Date.now;
  let retryAfter: string | null = null;
  const keepRetryAfter: FetchFunction = async (url, init) => {
    const response = await fetch(url, init as RequestInit);
    retryAfter = response.headers.get('retry-after');
    return response;
  };
  const webhook = new IncomingWebhook(webhookUrl, {
    fetch: keepRetryAfter,
    timeout: policy.timeoutMs,
    retryConfig: { retries: 0 },
  });
  let waitedMs = 0;
  for (let attempt = 1; ; attempt++) {
    retryAfter = null;
    let failure: Failure;
    try {
      // Links in a finding (a user agent, a crafted name) must not unfurl into previews.
      await webhook.send({
        text: message.text,
        // Built by slackMessage to Block Kit's schema; its objects are typed loosely to stay SDK-free.
        blocks: message.blocks as SlackBlocks,
        unfurl_links: false,
        unfurl_media: false,
      });
      return { attempts: attempt, waitedMs };
    } catch (error) {
      failure = classify(error, retryAfter, now());
    }
    const fail = (why: string) =>
      new SlackDeliveryError(
        `${failure.reason}${why}`.replaceAll(webhookUrl, '[webhook URL]'),
        failure.status,
        attempt,
        waitedMs,
      );
    if (!failure.retryable) throw fail(' (not retried)');
    if (attempt >= policy.maxAttempts) throw fail(` after ${attempt} attempts over ${seconds(waitedMs)}`);
    const wait = failure.retryAfterMs ?? policy.baseDelayMs * 2 ** (attempt - 1);
    if (waitedMs + wait > policy.maxTotalWaitMs) {
      throw fail(
        ` after ${attempt} attempt(s): waiting ${seconds(wait)} more would pass the ${seconds(policy.maxTotalWaitMs)} retry budget`,
      );
    }
    await options.sleep(wait);
    waitedMs += wait;
  }
}

function classify(error: unknown, retryAfter: string | null, now: number): Failure {
  if (error instanceof IncomingWebhookHTTPError) {
    const status = error.statusCode;
    const body = error.body.replace(/\s+/g, ' ').trim().slice(0, 200);
    const retryAfterMs = retryAfter === null ? undefined : parseRetryAfter(retryAfter, now);
    return {
      reason: `Slack answered ${status}${error.statusMessage ? ` ${error.statusMessage}` : ''}${body ? ` (${body})` : ''}`,
      status,
      retryable: status === 429 || status >= 500,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (error instanceof IncomingWebhookRequestError) {
    // Only the error's name and code: fetch's messages can quote the URL ("Failed to parse URL from …").
    const cause = (error.original as { cause?: { code?: unknown } }).cause;
    const code = typeof cause?.code === 'string' ? cause.code : error.original.name;
    return { reason: `the request to Slack failed (${code})`, retryable: true };
  }
  return {
    reason: `posting to Slack failed (${error instanceof Error ? error.name : typeof error})`,
    retryable: false,
  };
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110); undefined when it is neither. */
function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}
