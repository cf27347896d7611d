import { Alarm, ComparisonOperator, type IMetric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';

/** An alarm that fires on the first occurrence within a period and alerts through the alert topic. */
export function alertOnAny(
  scope: Construct,
  id: string,
  props: { alarmName: string; metric: IMetric; what: string; topic: ITopic },
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
  alarm.addAlarmAction(new SnsAction(props.topic));
  return alarm;
}
