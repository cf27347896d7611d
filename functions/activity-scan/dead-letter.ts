import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetter } from '../../shared/activity/lookup-scanner.js';

/**
 * Sets a CloudTrail event aside in the monitor's failures queue (the queue of everything that failed
 * every retry, which an alarm watches): the LookupEvents item as CloudTrail returned it, with why, so
 * that it can be read and replayed (`trustwatch events replay` reads LookupEvents items).
 */
export function queueDeadLetter(
  queueUrl: string,
  client = () => new SQSClient({}),
): (letter: DeadLetter) => Promise<void> {
  // Built with the first event set aside: few scans have one.
  let sqs: SQSClient | undefined;
  return async (letter) => {
    sqs ??= client();
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: JSON.stringify({ kind: 'cloudtrail-event', ...letter }),
        MessageAttributes: {
          eventId: { DataType: 'String', StringValue: letter.eventId },
          region: { DataType: 'String', StringValue: letter.region },
        },
      }),
    );
  };
}
