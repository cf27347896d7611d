import {
  type CfnRule,
  type EventPattern,
  type IEventBus,
  type IRuleTarget,
  Rule,
} from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { PROVIDER_EVENTS, ROLE_EVENTS, USER_EVENTS } from '../shared/activity/iam-change.js';
import { MONITOR_CALLS, TRAIL_CALLS } from '../shared/activity/tamper.js';

/** IAM is global: CloudTrail delivers its events to EventBridge in us-east-1 only. */
export const IAM_EVENTS_REGION = 'us-east-1';

/** The rule state that lets a rule see read-only management events such as AssumeRoleWithWebIdentity. */
export const WITH_READ_ONLY_EVENTS = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export const API_CALL = 'AWS API Call via CloudTrail';

export interface WatchedEvents {
  /** Construct id of the rule. */
  id: string;
  description: string;
  pattern: EventPattern;
  /** Read-only events reach a rule only in state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS. */
  readOnly: boolean;
}

const sourceOf = (eventSource: string) => `aws.${eventSource.split('.')[0]}`;

/** The CloudTrail events the iam-event function evaluates, as delivered in one region. */
export function watchedEvents(region: string): WatchedEvents[] {
  const iam: WatchedEvents = {
    id: 'IamChanges',
    description: 'trustwatch: IAM changes to roles, access keys and OIDC providers',
    pattern: {
      source: ['aws.iam'],
      detailType: [API_CALL],
      detail: {
        eventSource: ['iam.amazonaws.com'],
        eventName: [...ROLE_EVENTS, ...USER_EVENTS, ...PROVIDER_EVENTS],
      },
    },
    readOnly: false,
  };
  const tamperSources = ['cloudtrail.amazonaws.com', ...Object.keys(MONITOR_CALLS)];
  const tamperCalls = [...TRAIL_CALLS, ...Object.values(MONITOR_CALLS).flatMap((c) => c.events)];
  return [
    ...(region === IAM_EVENTS_REGION ? [iam] : []),
    {
      id: 'WebIdentityAssumptions',
      description: 'trustwatch: AssumeRoleWithWebIdentity (GitHub Actions OIDC), a read-only event',
      pattern: {
        source: ['aws.sts'],
        detailType: [API_CALL],
        detail: { eventSource: ['sts.amazonaws.com'], eventName: ['AssumeRoleWithWebIdentity'] },
      },
      readOnly: true,
    },
    {
      id: 'MonitorTampering',
      description: "trustwatch: changes to trails and to the monitor's own rules, topic, functions and table",
      pattern: {
        source: tamperSources.map(sourceOf),
        detailType: [API_CALL],
        detail: { eventSource: tamperSources, eventName: [...new Set(tamperCalls)] },
      },
      readOnly: false,
    },
  ];
}

/** A rule on a bus in the state its events need (read-only events are not matched otherwise). */
export function watchRule(
  scope: Construct,
  id: string,
  props: {
    ruleName: string;
    description: string;
    pattern: EventPattern;
    readOnly: boolean;
    target: IRuleTarget;
    eventBus?: IEventBus;
  },
): Rule {
  const rule = new Rule(scope, id, {
    ruleName: props.ruleName,
    description: props.description,
    eventPattern: props.pattern,
    ...(props.eventBus ? { eventBus: props.eventBus } : {}),
    targets: [props.target],
  });
  if (props.readOnly) (rule.node.defaultChild as CfnRule).state = WITH_READ_ONLY_EVENTS;
  return rule;
}
