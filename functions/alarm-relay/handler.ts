import type { Logger } from '@aws-lambda-powertools/logger';
import { makeFinding } from '../../shared/findings/make.js';
import type { FindingStore } from '../../shared/findings/store.js';
import { alertNew, type Publish, resolveGone } from '../../shared/notify/lifecycle.js';
import { unhealthy } from '../../shared/rules/activity/rules.js';
import { readWithSchema } from '../../shared/schema-file.js';
import * as z from '../../shared/zod.js';

/** What CloudWatch sends a Lambda alarm action (the fields read here). */
const AlarmEventSchema = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: z.string().check(z.minLength(1)),
  accountId: z.string().check(z.minLength(1)),
  region: z.string().check(z.minLength(1)),
  time: z.string().check(z.minLength(1)),
  alarmData: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({ value: z.enum(['OK', 'ALARM', 'INSUFFICIENT_DATA']), reason: z.string() }),
    configuration: z.optional(z.object({ description: z.optional(z.string()) })),
  }),
});

export interface AlarmRelayDependencies {
  store: FindingStore;
  logger: Pick<Logger, 'info'>;
  publish: Publish;
  now: () => Date;
}

export interface AlarmRelayResult {
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  alerted: string[];
  resolved: string[];
}

/** CloudWatch writes `+0000`; ISO 8601 as everywhere else in trustwatch wants `+00:00`. */
const isoTime = (time: string) => new Date(time.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')).toISOString();

/**
 * The monitor's own alarms, as findings: an alarm that fires is a `monitor.unhealthy` finding alerted
 * on every channel, one that returns to OK resolves it. They come this way rather than straight to the
 * topic because an alarm's own message carries no attributes, and SNS never delivers a message
 * without attributes to a subscription that filters on them.
 */
export function alarmRelayHandler(deps: AlarmRelayDependencies) {
  return async (event: unknown): Promise<AlarmRelayResult> => {
    const alarm = readWithSchema(AlarmEventSchema, event, 'the CloudWatch alarm event');
    const { alarmName, state, configuration } = alarm.alarmData;
    const common = {
      store: deps.store,
      publish: deps.publish,
      account: alarm.accountId,
      now: () => deps.now().toISOString(),
    };
    let alerted: string[] = [];
    let resolved: string[] = [];
    if (state.value === 'ALARM') {
      const finding = makeFinding(
        unhealthy,
        {
          resource: { type: 'account', arn: alarm.alarmArn, name: alarmName },
          message: `${configuration?.description ?? alarmName}: ${state.reason}`,
          evidence: { alarm: alarmName, reason: state.reason, since: isoTime(alarm.time) },
          detail: { alarm: alarm.alarmArn },
        },
        alarm.accountId,
        alarm.region,
        isoTime(alarm.time),
      );
      const outcome = await deps.store.save(finding);
      // About trustwatch itself: every channel hears of it, whatever its minimum.
      ({ alerted } = await alertNew([{ finding, outcome }], { ...common, minimum: 'info' }));
    } else if (state.value === 'OK') {
      resolved = await resolveGone(
        new Set(),
        (f) => f.ruleId === unhealthy.id && f.resource.arn === alarm.alarmArn,
        common,
      );
    }
    deps.logger.info('alarm relayed', { alarm: alarmName, state: state.value, alerted, resolved });
    return { state: state.value, alerted, resolved };
  };
}
