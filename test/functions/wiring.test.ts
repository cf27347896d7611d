import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { expect, inject, it } from 'vitest';
import { publisher } from '../../functions/common/wiring.js';
import { goldenAlerts } from '../notify/sample-alerts.js';
import { describeMoto } from '../support/moto-suite.js';

const endpoint = inject('motoEndpoint');
const options = (region: string) => ({
  endpoint,
  region,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});
const client = (region: string) => new SNSClient(options(region));

/**
 * A topic in the region, with a queue subscribed (raw delivery: the attributes come as the message's)
 * that tells what was published to it. A queue rather than moto's data dump, whose size grows with
 * every account the test run creates.
 */
async function topic(region: string): Promise<{ arn: string; received: () => Promise<Message[]> }> {
  const sqs = new SQSClient(options(region));
  const { TopicArn } = await client(region).send(new CreateTopicCommand({ Name: `alerts-${randomUUID()}` }));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `published-${randomUUID()}` }));
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }),
  );
  if (!TopicArn || !QueueUrl) throw new Error('moto created no topic or queue');
  await client(region).send(
    new SubscribeCommand({
      TopicArn,
      Protocol: 'sqs',
      Endpoint: Attributes?.QueueArn,
      Attributes: { RawMessageDelivery: 'true' },
    }),
  );
  const received = async () =>
    (
      await sqs.send(
        new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
      )
    ).Messages ?? [];
  return { arn: TopicArn, received };
}

describeMoto('publishing to the account topic and the central topic', () => {
  it('sends each message to both, each in its own region', async () => {
    const local = await topic('eu-west-1');
    const central = await topic('us-east-1');
    const alert = (await goldenAlerts())['keys-not-rotated'];
    await publisher([local.arn, central.arn], client)(alert);
    for (const { received } of [local, central]) {
      const sent = await received();
      expect(sent).toHaveLength(1);
      expect(sent[0]?.MessageAttributes?.account?.StringValue).toBe(alert.account);
    }
  });

  it('builds the clients with the first message, one per topic, and keeps them', async () => {
    const local = await topic('eu-west-1');
    const central = await topic('us-east-1');
    const built: string[] = [];
    const publish = publisher([local.arn, central.arn], (region) => {
      built.push(region);
      return client(region);
    });
    expect(built).toEqual([]);
    const alert = (await goldenAlerts())['keys-not-rotated'];
    await publish(alert);
    await publish(alert);
    expect(built).toEqual(['eu-west-1', 'us-east-1']);
    expect(await local.received()).toHaveLength(2);
  });

  it('throws when the central topic refuses, after the account topic got it', async () => {
    const local = await topic('eu-west-1');
    const missing = local.arn.replace(/:[^:]+$/, ':no-such-topic').replace('eu-west-1', 'us-east-1');
    const alert = (await goldenAlerts())['keys-not-rotated'];
    await expect(publisher([local.arn, missing], client)(alert)).rejects.toThrow();
    expect(await local.received()).toHaveLength(1);
  });
});
