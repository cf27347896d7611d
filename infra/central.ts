import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { Severity } from '../shared/rules/rule.js';
import { subscribeChannel } from './channel-filter.js';
import { inOrganization } from './organization.js';
import { watchdogTopic } from './watchdog-topic.js';

export interface TrustwatchCentralTopicProps {
  /** The AWS Organizations id (`o-…`) whose accounts may publish. */
  readonly organizationId: string;
  /** Addresses that get every account's alerts by email. @default none */
  readonly alertEmails?: string[];
  /** The lowest severity mailed at once. @default 'high' */
  readonly emailMinimum?: Severity;
  /** Name prefix of the topic. @default 'trustwatch' */
  readonly prefix?: string;
}

/**
 * The organization's one place for trustwatch alerts, in a security account: an encrypted topic that
 * every account of the organization may publish to (each monitor's `centralTopicArn`). Alerts carry
 * the account as a message attribute, so subscribers can filter by it.
 */
export class TrustwatchCentralTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;
  /** Where the security account's own trustwatch alarms (the roll-up's) go: mailed to alertEmails unfiltered. */
  readonly watchdog: Topic;

  constructor(scope: Construct, id: string, props: TrustwatchCentralTopicProps) {
    super(scope, id);
    const organization = inOrganization(props.organizationId);
    this.key = new Key(this, 'Key', {
      description: "trustwatch: encrypts the organization's alert topic",
      enableKeyRotation: true,
    });
    // Publishers in the other accounts encrypt with this key as they publish.
    this.key.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new AnyPrincipal()],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: organization,
      }),
    );
    this.topic = new Topic(this, 'Alerts', {
      topicName: `${props.prefix ?? 'trustwatch'}-organization-alerts`,
      displayName: 'trustwatch',
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        principals: [new AnyPrincipal()],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: organization,
      }),
    );
    this.watchdog = watchdogTopic(this, 'Watchdog', {
      topicName: `${props.prefix ?? 'trustwatch'}-organization-watchdog`,
      key: this.key,
    });
    for (const email of props.alertEmails ?? []) {
      subscribeChannel(this.topic, new EmailSubscription(email), props.emailMinimum ?? 'high');
      this.watchdog.addSubscription(new EmailSubscription(email));
    }
  }
}
