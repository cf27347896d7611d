import {
  Alarm,
  ComparisonOperator,
  type IAlarmAction,
  type IMetric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

/**
 * An alarm that fires on the first occurrence within a period, and invokes its action on ALARM and
 * again on OK, to resolve. In a monitor the action is the alarm relay, which alerts through the topic
 * (see functions/alarm-relay); in the security account's central stack, the watchdog topic.
 */
export function alertOnAny(
  scope: Construct,
  id: string,
  props: { alarmName: string; metric: IMetric; what: string; action: IAlarmAction },
): Alarm {
  const alarm = new Alarm(scope, id, {
    alarmName: props.alarmName,
    metric: props.metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    // No data means nothing happened: no invocations, no messages.
    treatMissingData: TreatMissingData.NOT_BREACHING,
    alarmDescription: `trustwatch: ${props.what}`,
  });
  alarm.addAlarmAction(props.action);
  alarm.addOkAction(props.action);
  return alarm;
}
