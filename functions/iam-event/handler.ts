import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { handleOnce, POLLED_EVENT } from '../../shared/activity/lookup-scanner.js';
import { parseRecords } from '../../shared/activity/parse.js';
import { accountOf } from '../common/account.js';
import { eventTrace } from '../common/event-trace.js';
import { type FindingSummary, type FunctionDependencies, recordProcessor } from '../common/process.js';
import { METRICS } from './metrics.js';

export interface HandlerResult {
  records: number;
  rejected: number;
  findings: FindingSummary[];
}

export interface EventDependencies extends FunctionDependencies {
  metrics: { addMetric(name: string, unit: typeof MetricUnit.Count, value: number): unknown };
}

/** Thrown after the usable records are saved, so that the event ends in the failures queue. */
export class UnusableEventError extends Error {
  override name = 'UnusableEventError';
}

/**
 * EventBridge target of every deployed rule: IAM changes, GitHub assumptions and the monitor's own
 * resources, from this region and forwarded from the others. Each record is re-evaluated against the
 * account as it is now and the baseline; findings are saved at once. An assumption is handled once
 * whichever path brings it first (this one or the LookupEvents scan): both claim its event id.
 *
 * An event that holds no usable record is logged with its ids, counted (UnusableEvents, alarmed) and
 * makes the invocation fail once the usable records are saved: Lambda's retries skip what was
 * handled, and then the event goes to the failures queue, where it can be read and replayed.
 */
export function iamEventHandler(deps: EventDependencies) {
  return async (event: unknown, context: Pick<Context, 'invokedFunctionArn'>): Promise<HandlerResult> => {
    // EventBridge sends one event; a list of them (a replay) is traced item by item.
    const items = Array.isArray(event) ? event : [event];
    const trace = items.length === 1 ? eventTrace(event) : {};
    const { records, rejected } = parseRecords(event);
    const account = accountOf(context);
    const findings: HandlerResult['findings'] = [];
    const handle = recordProcessor(deps, account, findings);
    let duplicates = 0;
    for (const record of records) {
      if (record.eventName !== POLLED_EVENT) await handle(record);
      else if (!(await handleOnce(deps.store, record, handle))) duplicates++;
    }
    const summary = { ...trace, records: records.length, duplicates, rejected: rejected.length, findings };
    if (rejected.length > 0) {
      const problems = rejected.map(({ index, reason }) => {
        const item = eventTrace(items[index]);
        deps.logger.error('unusable event: it goes to the failures queue', { ...item, index, reason });
        return `event ${item.id ?? '(no id)'} from ${item.source ?? '(no source)'}: ${reason}`;
      });
      deps.metrics.addMetric(METRICS.unusable, MetricUnit.Count, rejected.length);
      deps.logger.info('events processed', summary);
      throw new UnusableEventError(problems.join('; '));
    }
    deps.logger.info('events processed', summary);
    return { records: records.length, rejected: rejected.length, findings };
  };
}
