import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { AlertMessage } from './alert.js';
import { fitAlert, snsPayload } from './size.js';

/**
 * Publishes an alert, resolved notice or digest to the alert topic, made to fit SNS's limits first.
 * One message per protocol: email subscribers get the plain text, the Slack notifier Lambda the
 * alert as JSON. The attributes (severity, ruleId, account, kind) let subscriptions filter.
 * Returns SNS's MessageId.
 */
export async function publishAlert(sns: SNSClient, topicArn: string, message: AlertMessage): Promise<string> {
  const payload = snsPayload(fitAlert(message));
  const { MessageId } = await sns.send(
    new PublishCommand({
      TopicArn: topicArn,
      MessageStructure: 'json',
      Message: payload.message,
      Subject: payload.subject,
      MessageAttributes: Object.fromEntries(
        Object.entries(payload.attributes).map(([name, value]) => [
          name,
          { DataType: 'String', StringValue: value },
        ]),
      ),
    }),
  );
  if (!MessageId)
    throw new Error(`SNS returned no MessageId for the ${message.kind} published to ${topicArn}`);
  return MessageId;
}
