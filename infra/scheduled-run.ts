import { type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, type ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { pascal } from './names.js';

/**
 * An EventBridge Scheduler schedule that runs a function (`name`, a folder under functions/) with a role
 * of its own that this account's scheduler alone may assume; an invocation it cannot deliver goes to
 * `deadLetterQueue` after two retries.
 */
export function scheduleFunction(
  scope: Construct,
  props: {
    name: string;
    scheduleName: string;
    schedule: ScheduleExpression;
    target: IFunction;
    deadLetterQueue: IQueue;
  },
): Schedule {
  const { name, target } = props;
  const role = new Role(scope, `${pascal(name)}SchedulerRole`, {
    assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(scope).account } },
    }),
    description: `trustwatch: lets EventBridge Scheduler run ${name}`,
  });
  const schedule = new Schedule(scope, `${pascal(name)}Schedule`, {
    scheduleName: props.scheduleName,
    description: `trustwatch: runs ${name}`,
    schedule: props.schedule,
    target: new LambdaInvoke(target, { role, deadLetterQueue: props.deadLetterQueue, retryAttempts: 2 }),
  });
  const functionArn = `<${Stack.of(scope).getLogicalId(target.node.defaultChild as CfnElement)}.Arn>`;
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::${functionArn}:*]`,
    reason:
      "CDK's invoke grant covers the function's versions and aliases; the schedule invokes $LATEST only",
  });
  return schedule;
}
