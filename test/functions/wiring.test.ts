import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { expect, inject, it } from 'vitest';
import { publisher } from '../../functions/common/wiring.js';
import { goldenAlerts } from '../notify/sample-alerts.js';
import { describeMoto } from '../support/moto-suite.js';
import { published } from '../support/moto-topics.js';

const endpoint = inject('motoEndpoint');
const client = (region: string) =>
  new SNSClient({ endpoint, region, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });

async function topic(region: string): Promise<string> {
  const { TopicArn } = await client(region).send(new CreateTopicCommand({ Name: `alerts-${randomUUID()}` }));
  if (!TopicArn) throw new Error('moto created no topic');
  return TopicArn;
}

describeMoto('publishing to the account topic and the central topic', () => {
  it('sends each message to both, each in its own region', async () => {
    const local = await topic('eu-west-1');
    const central = await topic('us-east-1');
    const alert = (await goldenAlerts())['keys-not-rotated'];
    await publisher([local, central], client)(alert);
    for (const arn of [local, central]) {
      const sent = await published(arn);
      expect(sent).toHaveLength(1);
      expect(sent[0]?.attributes.account?.Value).toBe(alert.account);
    }
  });

  it('throws when the central topic refuses, after the account topic got it', async () => {
    const local = await topic('eu-west-1');
    const missing = local.replace(/:[^:]+$/, ':no-such-topic').replace('eu-west-1', 'us-east-1');
    const alert = (await goldenAlerts())['keys-not-rotated'];
    await expect(publisher([local, missing], client)(alert)).rejects.toThrow();
    expect(await published(local)).toHaveLength(1);
  });
});
