import { isJsonObject } from '../../shared/activity/json-value.js';

/** What finds an EventBridge event again: in the logs, in the failures queue, in CloudTrail. */
export interface EventTrace {
  /** EventBridge's id of the event. */
  id?: string;
  source?: string;
  detailType?: string;
  /** The CloudTrail record's own ids, when its detail has them. */
  eventID?: string;
  requestID?: string;
}

const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

/** The ids of an EventBridge event, as far as it has them, whatever else is wrong with it. */
export function eventTrace(event: unknown): EventTrace {
  if (!isJsonObject(event)) return {};
  const detail = isJsonObject(event.detail) ? event.detail : {};
  const trace: EventTrace = {
    id: text(event.id),
    source: text(event.source),
    detailType: text(event['detail-type']),
    eventID: text(detail.eventID),
    requestID: text(detail.requestID),
  };
  return Object.fromEntries(Object.entries(trace).filter(([, v]) => v !== undefined));
}
