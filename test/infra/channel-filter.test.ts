import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, PublishCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { beforeAll, expect, inject, it } from 'vitest';
import { channelFilter } from '../../infra/channel-filter.js';
import { makeFinding } from '../../shared/findings/make.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { publishAlert } from '../../shared/notify/sns.js';
import { unhealthy } from '../../shared/rules/activity/rules.js';
import type { Severity } from '../../shared/rules/rule.js';
import { sampleFindings } from '../notify/sample-alerts.js';
import { describeMoto } from '../support/moto-suite.js';

const endpoint = inject('motoEndpoint');

/**
 * The filter policies the stack gives each channel, applied by moto's SNS to real publishes: what
 * would reach an email address with minimum `high`, and the Slack notifier with minimum `medium`.
 */
describeMoto('channel filter policies on moto', () => {
  const options = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  const sns = new SNSClient(options);
  const sqs = new SQSClient(options);
  let alerts: Record<Severity, AlertMessage>;
  let unhealthyAlert: AlertMessage;

  beforeAll(async () => {
    const { audit } = await sampleFindings();
    alerts = Object.fromEntries(
      (['critical', 'high', 'medium', 'low', 'info'] as const).map((severity) => {
        const finding = audit.find((f) => f.severity === severity);
        if (!finding) throw new Error(`the sample account has no ${severity} finding`);
        return [severity, { kind: 'alert', account: finding.account, finding }];
      }),
    ) as Record<Severity, AlertMessage>;
    const finding = makeFinding(
      unhealthy,
      {
        resource: {
          type: 'account',
          arn: 'arn:aws:cloudwatch:eu-west-1:111122223333:alarm:trustwatch-audit-errors',
          name: 'trustwatch-audit-errors',
        },
        message: 'audit invocations failed',
        evidence: {},
        detail: { alarm: 'trustwatch-audit-errors' },
      },
      '111122223333',
      'eu-west-1',
      '2026-11-02T08:00:00.000Z',
    );
    unhealthyAlert = { kind: 'alert', account: '111122223333', finding };
  });

  /** Publishes every kind of message to a fresh topic and returns what a queue with this filter received. */
  async function delivered(filter: ReturnType<typeof channelFilter>): Promise<string[]> {
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: `alerts-${randomUUID()}` }));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `channel-${randomUUID()}` }));
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    await sns.send(
      new SubscribeCommand({
        TopicArn,
        Protocol: 'sqs',
        Endpoint: Attributes?.QueueArn,
        Attributes: { FilterPolicy: JSON.stringify(filter), RawMessageDelivery: 'true' },
      }),
    );
    for (const alert of [...Object.values(alerts), unhealthyAlert])
      await publishAlert(sns, TopicArn as string, alert);
    const digest: AlertMessage = {
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-26',
      findings: [],
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      omitted: 0,
    };
    await publishAlert(sns, TopicArn as string, digest);
    // What a CloudWatch alarm action on the topic would publish: its own JSON, no attributes.
    await sns.send(
      new PublishCommand({ TopicArn, Message: JSON.stringify({ AlarmName: 'trustwatch-audit-errors' }) }),
    );
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    // Raw delivery hands the SNS attributes over as SQS attributes; an alarm has none.
    return Messages.map((m) =>
      m.MessageAttributes?.ruleId?.StringValue === 'monitor.unhealthy'
        ? 'unhealthy'
        : (m.MessageAttributes?.severity?.StringValue ?? 'alarm'),
    ).sort();
  }

  it('email at high: critical and high alerts, the digest, and trustwatch failing', async () => {
    expect(await delivered(channelFilter('high'))).toEqual(['critical', 'digest', 'high', 'unhealthy']);
  });

  it('Slack at medium: critical, high and medium alerts, the digest, and trustwatch failing', async () => {
    expect(await delivered(channelFilter('medium'))).toEqual([
      'critical',
      'digest',
      'high',
      'medium',
      'unhealthy',
    ]);
  });

  it('a channel at critical still hears that trustwatch is failing (monitor.unhealthy is high)', async () => {
    expect(await delivered(channelFilter('critical'))).toEqual(['critical', 'digest', 'unhealthy']);
  });

  it('no channel gets a message without attributes, such as an alarm published straight to the topic', async () => {
    for (const minimum of ['critical', 'info'] as const)
      expect(await delivered(channelFilter(minimum))).not.toContain('alarm');
  });
});
