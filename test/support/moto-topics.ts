import { inject } from 'vitest';

const endpoint = inject('motoEndpoint');

/** What moto recorded for one publish to a topic: `sent_notifications` of its Topic model. */
export interface Published {
  messageId: string;
  message: string;
  subject: string | null;
  attributes: Record<string, { Type: string; Value: string }>;
}

/** The publishes moto recorded for the topic, read back through moto's own API. */
export async function published(topicArn: string): Promise<Published[]> {
  const answer = await fetch(`${endpoint}/moto-api/data.json`);
  const data = (await answer.json()) as {
    sns: {
      Topic: {
        arn: string;
        sent_notifications: [string, string, string | null, Published['attributes']][];
      }[];
    };
  };
  const topic = data.sns.Topic.find((t) => t.arn === topicArn);
  if (!topic) throw new Error(`moto has no topic ${topicArn}`);
  return topic.sent_notifications.map(([messageId, message, subject, attributes]) => ({
    messageId,
    message,
    subject,
    attributes,
  }));
}
