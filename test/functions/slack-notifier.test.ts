import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import middy from '@middy/core';
import type { Context, SNSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import {
  type SlackNotifierDependencies,
  secretWebhookUrl,
  slackNotifierHandler,
  type WebhookUrlSource,
} from '../../functions/slack-notifier/handler.js';
import { METRICS } from '../../functions/slack-notifier/metrics.js';
import { runAudit } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { findingAlert } from '../../shared/notify/finding-alert.js';
import { slackMessage } from '../../shared/notify/slack.js';
import { postToSlack, SlackDeliveryError } from '../../shared/notify/slack-delivery.js';
import { reportSummary } from '../../shared/report/summary.js';
import { sampleReport } from '../report/sample-report.js';
import { describeMoto } from '../support/moto-suite.js';
import { sampleAccount } from '../support/sample-account.js';

// --- A Slack stand-in on loopback -----------------------------------------------------------------

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** A real HTTP server on 127.0.0.1 that records each request and answers as `answer` says. */
async function slackStandIn(answer: (request: Received, index: number) => Answer = () => ({ status: 200 })) {
  const requests: Received[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: JSON.parse(text) as Record<string, unknown>,
      };
      requests.push(request);
      const {
        status,
        headers = {},
        body = status === 200 ? 'ok' : 'error',
      } = answer(request, requests.length - 1);
      res.writeHead(status, { 'content-type': 'text/plain', ...headers }).end(body);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  // Shaped like a real webhook, with a token that must never show up in a log.
  const token = randomBytes(12).toString('hex');
  return {
    requests,
    token,
    url: (path = `/services/T0001/B0001/${token}`) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// --- What the function writes ------------------------------------------------------------------

/**
 * Powertools' Logger and Metrics write JSON lines to stdout and stderr with a Console of their own:
 * capturing both is capturing exactly what CloudWatch would get.
 */
function captureOutput() {
  let text = '';
  const write = ((chunk: string | Uint8Array) => {
    text += chunk.toString();
    return true;
  }) as typeof process.stdout.write;
  const spies = [
    vi.spyOn(process.stdout, 'write').mockImplementation(write),
    vi.spyOn(process.stderr, 'write').mockImplementation(write),
  ];
  return {
    text: () => text,
    /** The JSON lines; Node's own warnings (the SDK's Node version notice) share stderr. */
    lines: () =>
      text
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    restore: () => {
      for (const spy of spies) spy.mockRestore();
    },
  };
}

let output: ReturnType<typeof captureOutput>;
beforeEach(() => {
  output = captureOutput();
});
afterEach(() => output.restore());

const logs = (level: string) => output.lines().filter((l) => l.level === level);
/** A metric's total in the EMF lines written (a metric added twice in one flush is an array). */
const metric = (name: string) =>
  output
    .lines()
    .filter((l) => l._aws !== undefined)
    .flatMap((l) => (l[name] === undefined ? [] : [l[name] as number | number[]].flat()))
    .reduce((sum, v) => sum + v, 0);

// --- The function ----------------------------------------------------------------------------------

const { snapshot, baseline, config } = sampleAccount();
const audit = runAudit(snapshot, { config, baseline });
const trustWider = audit.findings.find((f) => f.ruleId === 'drift.trust-wider') as Finding;
const alertOf = (finding: Finding): AlertMessage => findingAlert(finding, snapshot.account);

function snsEvent(...messages: string[]): SNSEvent {
  return {
    Records: messages.map((message) => ({
      EventSource: 'aws:sns',
      EventVersion: '1.0',
      EventSubscriptionArn: `arn:aws:sns:us-east-1:${snapshot.account}:trustwatch-alerts:${randomUUID()}`,
      Sns: {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: `arn:aws:sns:us-east-1:${snapshot.account}:trustwatch-alerts`,
        Subject: 'trustwatch',
        Message: message,
        Timestamp: '2026-11-02T08:02:00.000Z',
        SignatureVersion: '1',
        Signature: 'EXAMPLE',
        SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
        UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
        MessageAttributes: {},
      },
    })),
  };
}

const context = { functionName: 'trustwatch-slack-notifier', awsRequestId: 'test' } as Context;

/** The handler as index.ts wires it: metrics are flushed whether it returns or throws. */
function notifier(deps: Partial<SlackNotifierDependencies> & Pick<SlackNotifierDependencies, 'webhookUrl'>) {
  const sleeps: number[] = [];
  const metrics = new Metrics({ namespace: 'trustwatch-test', serviceName: 'slack-notifier' });
  const handler = middy(
    slackNotifierHandler({
      logger: new Logger({ serviceName: 'slack-notifier' }),
      metrics,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      ...deps,
    }),
  ).use(logMetrics(metrics));
  return { invoke: (event: SNSEvent) => handler(event, context), sleeps };
}

const fixedUrl = (url: string): WebhookUrlSource => ({ get: async () => url, refresh: () => {} });

describe('slack-notifier against a Slack stand-in', () => {
  it('posts the Block Kit message of the alert, with no link previews', async () => {
    const slack = await slackStandIn();
    try {
      const { invoke } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      const result = await invoke(snsEvent(JSON.stringify(alertOf(trustWider))));
      expect(result).toEqual({ posted: 1, malformed: 0 });
      expect(slack.requests).toHaveLength(1);
      const [request] = slack.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe(`/services/T0001/B0001/${slack.token}`);
      expect(request?.headers['content-type']).toBe('application/json');
      expect(request?.body).toEqual({
        ...slackMessage(alertOf(trustWider)),
        unfurl_links: false,
        unfurl_media: false,
      });
      expect(metric(METRICS.posted)).toBe(1);
      expect(logs('INFO')).toMatchObject([
        { message: 'posted to Slack', fingerprint: trustWider.id, attempts: 1, waitedMs: 0 },
      ]);
    } finally {
      await slack.close();
    }
  });

  it('waits as long as a 429 Retry-After says, then posts', async () => {
    const slack = await slackStandIn((_, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' } : { status: 200 },
    );
    try {
      const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).resolves.toEqual({
        posted: 1,
        malformed: 0,
      });
      expect(sleeps).toEqual([3000]);
      expect(slack.requests).toHaveLength(2);
      expect(slack.requests[1]?.body).toEqual(slack.requests[0]?.body);
      expect(logs('INFO')).toMatchObject([{ fingerprint: trustWider.id, attempts: 2, waitedMs: 3000 }]);
    } finally {
      await slack.close();
    }
  });

  it('backs off exponentially from a 5xx without Retry-After', async () => {
    const slack = await slackStandIn((_, i) => (i < 2 ? { status: 503 } : { status: 200 }));
    try {
      const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      await invoke(snsEvent(JSON.stringify(alertOf(trustWider))));
      expect(sleeps).toEqual([1000, 2000]);
      expect(slack.requests).toHaveLength(3);
    } finally {
      await slack.close();
    }
  });

  it('throws after the last attempt of a persistent 500, with the fingerprint logged and counted', async () => {
    const slack = await slackStandIn(() => ({ status: 500, body: 'internal_error' }));
    try {
      const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).rejects.toThrow(
        `Slack delivery failed for ${trustWider.id}`,
      );
      expect(slack.requests).toHaveLength(4);
      expect(sleeps).toEqual([1000, 2000, 4000]);
      expect(logs('ERROR')).toMatchObject([
        {
          message: 'Slack delivery failed',
          fingerprint: trustWider.id,
          ruleId: 'drift.trust-wider',
          kind: 'alert',
          error:
            'SlackDeliveryError: Slack answered 500 Internal Server Error (internal_error) after 4 attempts over 7 s',
        },
      ]);
      expect(metric(METRICS.failed)).toBe(1);
      expect(output.text()).not.toContain(slack.token);
    } finally {
      await slack.close();
    }
  });

  it('gives up at once when Retry-After is beyond the retry budget', async () => {
    const slack = await slackStandIn(() => ({ status: 429, headers: { 'retry-after': '3600' } }));
    try {
      const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).rejects.toThrow(trustWider.id);
      expect(sleeps).toEqual([]);
      expect(slack.requests).toHaveLength(1);
      expect(logs('ERROR')[0]?.error).toContain('waiting 3600 s more would pass the 30 s retry budget');
    } finally {
      await slack.close();
    }
  });

  it('does not retry a request Slack refuses (400 invalid_payload)', async () => {
    const slack = await slackStandIn(() => ({ status: 400, body: 'invalid_payload' }));
    try {
      const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).rejects.toThrow(trustWider.id);
      expect(slack.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
      expect(logs('ERROR')[0]?.error).toBe(
        'SlackDeliveryError: Slack answered 400 Bad Request (invalid_payload) (not retried)',
      );
    } finally {
      await slack.close();
    }
  });

  it('retries when nothing answers, and names neither the URL nor its token', async () => {
    const slack = await slackStandIn();
    await slack.close();
    const { invoke, sleeps } = notifier({ webhookUrl: fixedUrl(slack.url()) });
    const failure = await invoke(snsEvent(JSON.stringify(alertOf(trustWider)))).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect(sleeps).toEqual([1000, 2000, 4000]);
    expect(logs('ERROR')[0]?.error).toBe(
      'SlackDeliveryError: the request to Slack failed (ECONNREFUSED) after 4 attempts over 7 s',
    );
    expect(`${(failure as Error).message}${output.text()}`).not.toContain(slack.token);
  });

  it('logs, counts and drops a malformed message, and still posts the others', async () => {
    const slack = await slackStandIn();
    try {
      const { invoke } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      const event = snsEvent(
        'not json at all',
        JSON.stringify({ kind: 'alert', account: '1', finding: { ...trustWider, severity: 'urgent' } }),
        JSON.stringify(alertOf(trustWider)),
      );
      await expect(invoke(event)).resolves.toEqual({ posted: 1, malformed: 2 });
      expect(slack.requests).toHaveLength(1);
      expect(logs('ERROR')).toMatchObject([
        {
          message: 'malformed alert message dropped',
          messageId: event.Records[0]?.Sns.MessageId,
          problem: 'not JSON',
        },
        { messageId: event.Records[1]?.Sns.MessageId, problem: expect.stringContaining('finding.severity') },
      ]);
      expect(metric(METRICS.malformed)).toBe(2);
    } finally {
      await slack.close();
    }
  });

  it('posts the monthly report summary', async () => {
    const slack = await slackStandIn();
    try {
      const { invoke } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      const report: AlertMessage = {
        kind: 'report',
        account: snapshot.account,
        summary: reportSummary(await sampleReport(), {
          html: `s3://reports/${snapshot.account}/2026-10/report.html`,
          json: `s3://reports/${snapshot.account}/2026-10/report.json`,
        }),
      };
      const result = await invoke(snsEvent(JSON.stringify(report)));
      expect(result).toEqual({ posted: 1, malformed: 0 });
      expect(slack.requests.map((r) => r.body.blocks)).toEqual([slackMessage(report).blocks]);
      expect(logs('INFO').map((l) => l.fingerprint)).toEqual(['report:2026-10']);
    } finally {
      await slack.close();
    }
  });

  it('posts resolved notices and digests', async () => {
    const slack = await slackStandIn();
    try {
      const { invoke } = notifier({ webhookUrl: fixedUrl(slack.url()) });
      const resolved: AlertMessage = {
        kind: 'resolved',
        account: snapshot.account,
        finding: { ...trustWider, status: 'resolved' },
        resolvedAt: '2026-11-03T10:00:00.000Z',
      };
      const digest: AlertMessage = {
        kind: 'digest',
        account: snapshot.account,
        day: '2026-11-02',
        findings: audit.findings.filter((f) => f.severity === 'low'),
        open: audit.stats.open,
        omitted: 0,
      };
      await invoke(snsEvent(JSON.stringify(resolved), JSON.stringify(digest)));
      expect(slack.requests.map((r) => r.body.text)).toEqual([
        slackMessage(resolved).text,
        slackMessage(digest).text,
      ]);
      expect(logs('INFO').map((l) => l.fingerprint)).toEqual([trustWider.id, 'digest:2026-11-02']);
    } finally {
      await slack.close();
    }
  });
});

describe('postToSlack', () => {
  const message = slackMessage(alertOf(trustWider));

  it('honours a Retry-After given as an HTTP date', async () => {
    const now = Date.parse('2026-11-02T08:00:00Z');
    const slack = await slackStandIn((_, i) =>
      i === 0
        ? { status: 503, headers: { 'retry-after': new Date(now + 5000).toUTCString() } }
        : { status: 200 },
    );
    try {
      const sleeps: number[] = [];
      const delivery = await postToSlack(slack.url(), message, {
        sleep: async (ms) => {
          sleeps.push(ms);
        },
        now: () => now,
      });
      expect(sleeps).toEqual([5000]);
      expect(delivery).toEqual({ attempts: 2, waitedMs: 5000 });
    } finally {
      await slack.close();
    }
  });

  it('throws a SlackDeliveryError with the last status after the attempts of its policy', async () => {
    const slack = await slackStandIn(() => ({ status: 502, body: 'bad gateway' }));
    try {
      const failure = await postToSlack(slack.url(), message, {
        sleep: async () => {},
        policy: { maxAttempts: 2, maxTotalWaitMs: 10_000, baseDelayMs: 250, timeoutMs: 5000 },
      }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(SlackDeliveryError);
      expect(failure).toMatchObject({
        status: 502,
        attempts: 2,
        waitedMs: 250,
        message: 'Slack answered 502 Bad Gateway (bad gateway) after 2 attempts over 0.3 s',
      });
      expect(slack.requests).toHaveLength(2);
    } finally {
      await slack.close();
    }
  });
});

describeMoto('slack-notifier webhook URL from Secrets Manager on moto', () => {
  const endpoint = inject('motoEndpoint');
  let client: SecretsManagerClient;
  let secretId: string;
  let reads: () => number;

  beforeEach(() => {
    client = new SecretsManagerClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    secretId = `trustwatch/slack-${randomUUID()}`;
    const send = vi.spyOn(client, 'send');
    reads = () => send.mock.calls.filter(([command]) => command instanceof GetSecretValueCommand).length;
  });
  afterEach(async () => {
    await client.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
    client.destroy();
  });

  const createSecret = (value: string) =>
    client.send(new CreateSecretCommand({ Name: secretId, SecretString: value }));

  it('reads the secret once for two invocations and never logs the URL', async () => {
    const slack = await slackStandIn();
    try {
      await createSecret(JSON.stringify({ webhookUrl: slack.url() }));
      const { invoke } = notifier({ webhookUrl: secretWebhookUrl(client, secretId) });
      await invoke(snsEvent(JSON.stringify(alertOf(trustWider))));
      await invoke(snsEvent(JSON.stringify(alertOf(trustWider))));
      expect(slack.requests).toHaveLength(2);
      expect(reads()).toBe(1);
      expect(logs('INFO')).toHaveLength(2);
      expect(output.text()).not.toContain(slack.token);
    } finally {
      await slack.close();
    }
  });

  it('takes the secret as a plain URL too', async () => {
    const slack = await slackStandIn();
    try {
      await createSecret(`${slack.url()}\n`);
      await notifier({ webhookUrl: secretWebhookUrl(client, secretId) }).invoke(
        snsEvent(JSON.stringify(alertOf(trustWider))),
      );
      expect(slack.requests).toHaveLength(1);
    } finally {
      await slack.close();
    }
  });

  it('reads the secret again after a failed delivery: a rotated webhook is picked up', async () => {
    const revoked = await slackStandIn(() => ({ status: 404, body: 'no_service' }));
    const rotated = await slackStandIn();
    try {
      await createSecret(revoked.url());
      const { invoke } = notifier({ webhookUrl: secretWebhookUrl(client, secretId) });
      await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).rejects.toThrow(trustWider.id);
      await client.send(new PutSecretValueCommand({ SecretId: secretId, SecretString: rotated.url() }));
      await invoke(snsEvent(JSON.stringify(alertOf(trustWider))));
      expect(reads()).toBe(2);
      expect(revoked.requests).toHaveLength(1);
      expect(rotated.requests).toHaveLength(1);
      expect(logs('ERROR')[0]?.error).toBe(
        'SlackDeliveryError: Slack answered 404 Not Found (no_service) (not retried)',
      );
      expect(output.text()).not.toContain(revoked.token);
      expect(output.text()).not.toContain(rotated.token);
    } finally {
      await revoked.close();
      await rotated.close();
    }
  });

  it('reads the secret again once the cached URL is older than the TTL', async () => {
    await createSecret('https://hooks.slack.com/services/T0001/B0001/first');
    let now = 0;
    const source = secretWebhookUrl(client, secretId, { ttlMs: 60_000, now: () => now });
    await source.get();
    now = 59_999;
    await source.get();
    expect(reads()).toBe(1);
    await client.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: 'https://hooks.slack.com/services/T0001/B0001/second',
      }),
    );
    now = 60_000;
    expect(await source.get()).toBe('https://hooks.slack.com/services/T0001/B0001/second');
    expect(reads()).toBe(2);
  });

  it('refuses a secret without a usable URL, naming the secret but never quoting it', async () => {
    for (const value of [
      '{"webhookUrl": "https://hooks.slack.com/services/T/B/leak',
      'http://hooks.slack.com/leak',
    ]) {
      await client.send(new DeleteSecretCommand({ SecretId: secretId, ForceDeleteWithoutRecovery: true }));
      await createSecret(value);
      const failure = await secretWebhookUrl(client, secretId)
        .get()
        .catch((e: Error) => e);
      expect((failure as Error).message).toBe(
        `secret ${secretId} holds no usable Slack webhook URL: expected an https URL or JSON {"webhookUrl": "https://…"}`,
      );
    }
  });

  it('counts a secret that cannot be read as a failed delivery, and throws for a retry', async () => {
    const { invoke } = notifier({ webhookUrl: secretWebhookUrl(client, `${secretId}-missing`) });
    await createSecret('https://hooks.slack.com/services/T0001/B0001/unused');
    await expect(invoke(snsEvent(JSON.stringify(alertOf(trustWider))))).rejects.toThrow(trustWider.id);
    expect(logs('ERROR')[0]).toMatchObject({
      fingerprint: trustWider.id,
      error: expect.stringContaining('ResourceNotFoundException'),
    });
    expect(metric(METRICS.failed)).toBe(1);
  });
});
