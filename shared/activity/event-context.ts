import { eventConsoleLink } from './console-link.js';
import type { CloudTrailRecord } from './record.js';

/** Who did it, from where, when, and where to see the event: the evidence every activity finding carries. */
export function eventEvidence(record: CloudTrailRecord): Record<string, unknown> {
  return {
    eventId: record.eventId,
    eventName: record.eventName,
    eventTime: record.eventTime,
    who: record.actor.arn ?? record.actor.userName ?? record.actor.principalId,
    sourceIp: record.sourceIp,
    userAgent: record.userAgent,
    region: record.region,
    console: eventConsoleLink(record),
  };
}
