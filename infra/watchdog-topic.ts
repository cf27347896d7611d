import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/**
 * A topic this account's CloudWatch alarms publish to, encrypted with `key`. An alarm's message has no
 * attributes, so a channel's filter would drop it: its subscribers take every message, unfiltered.
 */
export function watchdogTopic(scope: Construct, id: string, props: { topicName: string; key: IKey }): Topic {
  const topic = new Topic(scope, id, {
    topicName: props.topicName,
    displayName: 'trustwatch watchdog',
    masterKey: props.key,
    enforceSSL: true,
  });
  const fromThisAccount = { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } };
  topic.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [topic.topicArn],
      conditions: fromThisAccount,
    }),
  );
  // CloudWatch encrypts the alarm's message with the topic's key as it publishes.
  props.key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: fromThisAccount,
    }),
  );
  return topic;
}
