import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { SNSEvent } from 'aws-lambda';
import { FindingSchema } from '../../shared/findings/finding-schema.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { slackMessage } from '../../shared/notify/slack.js';
import { postToSlack } from '../../shared/notify/slack-delivery.js';
import { ReportSummarySchema } from '../../shared/report/summary.js';
import { SEVERITIES, type Severity } from '../../shared/rules/rule.js';
import * as z from '../../shared/zod.js';
import { METRICS } from './metrics.js';

/** The webhook URL, read when first needed and kept; `refresh` makes the next `get` read it again. */
export interface WebhookUrlSource {
  get(): Promise<string>;
  refresh(): void;
}

export interface SlackNotifierDependencies {
  webhookUrl: WebhookUrlSource;
  logger: Pick<Logger, 'info' | 'error'>;
  metrics: Pick<Metrics, 'addMetric'>;
  sleep: (ms: number) => Promise<void>;
}

export interface NotifierResult {
  posted: number;
  malformed: number;
}

/**
 * SNS subscriber: each record's AlertMessage is posted to Slack. A malformed message is logged,
 * counted and dropped (a retry cannot repair it). A message Slack still refuses after the retries is
 * logged with its finding's fingerprint and counted, and the invocation throws, so that Lambda's
 * asynchronous retries try again and then hand the event to the on-failure destination. (SNS invokes
 * with one record, so a retry re-sends nothing that went through.)
 */
export function slackNotifierHandler(deps: SlackNotifierDependencies) {
  return async (event: SNSEvent): Promise<NotifierResult> => {
    const failed: string[] = [];
    let posted = 0;
    let malformed = 0;
    for (const record of event.Records) {
      const parsed = parseAlert(record.Sns.Message);
      if (typeof parsed === 'string') {
        malformed++;
        deps.logger.error('malformed alert message dropped', {
          messageId: record.Sns.MessageId,
          problem: parsed,
        });
        deps.metrics.addMetric(METRICS.malformed, MetricUnit.Count, 1);
        continue;
      }
      const about = describe(parsed);
      try {
        const delivery = await postToSlack(await deps.webhookUrl.get(), slackMessage(parsed), {
          sleep: deps.sleep,
        });
        posted++;
        deps.metrics.addMetric(METRICS.posted, MetricUnit.Count, 1);
        deps.logger.info('posted to Slack', { ...about, ...delivery });
      } catch (error) {
        // The webhook may have been rotated or revoked: the next attempt reads the secret again.
        deps.webhookUrl.refresh();
        failed.push(about.fingerprint);
        deps.logger.error('Slack delivery failed', { ...about, error: errorText(error) });
        deps.metrics.addMetric(METRICS.failed, MetricUnit.Count, 1);
      }
    }
    if (failed.length > 0) {
      throw new Error(`Slack delivery failed for ${failed.join(', ')} (details in the log)`);
    }
    return { posted, malformed };
  };
}

/** What the logs say a message was about; `fingerprint` is the finding's id, or the digest's day, or the report's month. */
function describe(message: AlertMessage): { fingerprint: string; [key: string]: string } {
  if (message.kind === 'digest') {
    return { kind: 'digest', fingerprint: `digest:${message.day}`, account: message.account };
  }
  if (message.kind === 'report') {
    return { kind: 'report', fingerprint: `report:${message.summary.month}`, account: message.account };
  }
  return {
    kind: message.kind,
    fingerprint: message.finding.id,
    account: message.account,
    ruleId: message.finding.ruleId,
    severity: message.finding.severity,
  };
}

/**
 * Only a name and a message that carry no secret: SlackDeliveryError's message is built without the
 * URL, and SDK errors do not quote secret values. The error object itself is not logged, since its
 * `cause` could be anything.
 */
function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// --- The message ------------------------------------------------------------------------------

const AlertMessageSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('alert'),
    account: z.string(),
    finding: FindingSchema,
    rule: z.optional(z.object({ rationale: z.string(), references: z.array(z.string()) })),
  }),
  z.object({
    kind: z.literal('resolved'),
    account: z.string(),
    finding: FindingSchema,
    resolvedAt: z.string(),
  }),
  z.object({
    kind: z.literal('digest'),
    account: z.string(),
    day: z.string(),
    findings: z.array(FindingSchema),
    open: z.record(z.enum(SEVERITIES as [Severity, ...Severity[]]), z.int().check(z.nonnegative())),
    omitted: z.int().check(z.nonnegative()),
  }),
  z.object({ kind: z.literal('report'), account: z.string(), summary: ReportSummarySchema }),
]) satisfies z.ZodMiniType<AlertMessage>;

/** The AlertMessage an SNS record carries, or what is wrong with it. */
function parseAlert(text: string): AlertMessage | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not JSON';
  }
  const result = AlertMessageSchema.safeParse(value);
  if (result.success) return result.data;
  return result.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.length > 0 ? i.path.join('.') : '(top level)'}: ${i.message}`)
    .join('; ');
}

// --- The webhook URL --------------------------------------------------------------------------

export interface SecretOptions {
  /** How long a URL read from the secret is used before it is read again. */
  ttlMs?: number;
  now?: () => number;
}

/**
 * The webhook URL from a Secrets Manager secret: the URL itself, or JSON `{"webhookUrl": "…"}`.
 * Read once and kept across invocations for `ttlMs` (15 minutes), so a rotation is picked up without
 * a deployment; read again at once after `refresh()`.
 */
export function secretWebhookUrl(
  client: SecretsManagerClient,
  secretId: string,
  { ttlMs = 15 * 60_000, now = Date.now }: SecretOptions = {},
): WebhookUrlSource {
  let cached: { url: string; until: number } | undefined;
  return {
    async get() {
      if (cached && now() < cached.until) return cached.url;
      const secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
      const url = webhookUrlIn(secret.SecretString, secretId);
      cached = { url, until: now() + ttlMs };
      return url;
    },
    refresh() {
      cached = undefined;
    },
  };
}

/**
 * The URL in the secret's text. The errors name the secret, never quote it: JSON.parse's own
 * message would show the start of the text.
 */
function webhookUrlIn(text: string | undefined, secretId: string): string {
  const problem = new Error(
    `secret ${secretId} holds no usable Slack webhook URL: expected an https URL or JSON {"webhookUrl": "https://…"}`,
  );
  let value: unknown = text?.trim();
  if (typeof value === 'string' && value.startsWith('{')) {
    try {
      value = (JSON.parse(value) as { webhookUrl?: unknown }).webhookUrl;
    } catch {
      throw problem;
    }
  }
  if (typeof value !== 'string' || !isWebhookUrl(value)) throw problem;
  return value;
}

/** The URL is a bearer credential: https only, plain http only to this machine (tests, emulators). */
function isWebhookUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}
