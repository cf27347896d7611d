import { Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { EventBus as EventBusTarget } from 'aws-cdk-lib/aws-events-targets';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { TrustwatchMonitor } from './monitor.js';
import { kebab } from './names.js';
import { watchedEvents, watchRule } from './watched-events.js';

export interface TrustwatchEventForwarderProps {
  /** The region of the TrustwatchMonitor the events go to. */
  readonly monitorRegion: string;
  /**
   * Whether this region's GitHub assumptions and tampering are watched; when false only IAM changes
   * are forwarded (us-east-1, where IAM's events arrive, when it is not a watched region). @default true
   */
  readonly watched?: boolean;
  /** The monitor's name prefix. @default 'trustwatch' */
  readonly prefix?: string;
}

/**
 * Sends the CloudTrail events trustwatch evaluates from this region to the monitor's event bus in its
 * own region: IAM changes (delivered only in us-east-1) and, in watched regions, GitHub assumptions
 * (a read-only event, logged where the STS endpoint was) and tampering.
 */
export class TrustwatchEventForwarder extends Construct {
  /** Events the monitor's bus refused or could not be reached for, kept here for 14 days. */
  readonly failures: Queue;

  constructor(scope: Construct, id: string, props: TrustwatchEventForwarderProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region))
      throw new Error('TrustwatchEventForwarder needs a stack with an explicit region: set env: { region }');
    if (stack.region === props.monitorRegion)
      throw new Error(
        `the monitor's own region ${props.monitorRegion} needs no forwarder: its rules are in the monitor`,
      );
    const prefix = props.prefix ?? 'trustwatch';
    const bus = EventBus.fromEventBusArn(
      this,
      'MonitorBus',
      stack.formatArn({
        service: 'events',
        region: props.monitorRegion,
        resource: 'event-bus',
        resourceName: TrustwatchMonitor.eventBusName(prefix),
      }),
    );
    this.failures = new Queue(this, 'Failures', {
      queueName: `${prefix}-forward-failures`,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failures).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'this queue is the dead-letter queue of the forwarding rules',
    });
    const target = new EventBusTarget(bus, { deadLetterQueue: this.failures });
    for (const watched of watchedEvents(stack.region)) {
      if (watched.id !== 'IamChanges' && props.watched === false) continue;
      watchRule(this, watched.id, {
        ruleName: `${prefix}-forward-${kebab(watched.id)}`,
        description: `${watched.description}, forwarded to ${props.monitorRegion}`,
        pattern: watched.pattern,
        readOnly: watched.readOnly,
        target,
      });
    }
  }
}
