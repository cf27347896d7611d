import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { expect, inject, it } from 'vitest';
import { queueDeadLetter } from '../../functions/activity-scan/dead-letter.js';
import type { DeadLetter } from '../../shared/activity/lookup-scanner.js';
import { describeMoto } from '../support/moto-suite.js';

const endpoint = inject('motoEndpoint');
const client = () =>
  new SQSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

// Hand-written: a LookupEvents item whose record the handler kept failing on.
const letter = (eventId: string): DeadLetter => ({
  region: 'eu-west-1',
  eventId,
  reason: 'handler failed 3 times: throttled',
  attempts: 3,
  event: { EventId: eventId, EventName: 'AssumeRoleWithWebIdentity', CloudTrailEvent: '{}' },
});

describeMoto('events set aside in the failures queue', () => {
  it('sends each letter with its ids as attributes, the client built with the first letter only', async () => {
    const { QueueUrl } = await client().send(
      new CreateQueueCommand({ QueueName: `failures-${randomUUID()}` }),
    );
    if (!QueueUrl) throw new Error('moto created no queue');
    let built = 0;
    const deadLetter = queueDeadLetter(QueueUrl, () => {
      built++;
      return client();
    });
    expect(built).toBe(0);
    await deadLetter(letter('event-1'));
    await deadLetter(letter('event-2'));
    expect(built).toBe(1);
    const { Messages = [] } = await client().send(
      new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'] }),
    );
    expect(
      Messages.map((m) => ({
        body: JSON.parse(m.Body ?? '') as unknown,
        eventId: m.MessageAttributes?.eventId?.StringValue,
        region: m.MessageAttributes?.region?.StringValue,
      })).sort((a, b) => String(a.eventId).localeCompare(String(b.eventId))),
    ).toEqual(
      ['event-1', 'event-2'].map((id) => ({
        body: { kind: 'cloudtrail-event', ...letter(id) },
        eventId: id,
        region: 'eu-west-1',
      })),
    );
  });
});
