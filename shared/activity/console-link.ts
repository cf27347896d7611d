import type { CloudTrailRecord } from './record.js';

// The region goes into the link's host name. Records can come from files anyone could have written, so
// only a region-shaped value is used: a crafted one must not point an alert's link at another site.
const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/**
 * The CloudTrail console page of the event, for alerts and reports; undefined when the record names
 * no usable region. GovCloud and China regions have their own console hosts.
 */
export function eventConsoleLink(record: CloudTrailRecord): string | undefined {
  const region = record.region;
  if (region === undefined || !REGION.test(region)) return undefined;
  const page = `/cloudtrail/home?region=${region}#/events/${encodeURIComponent(record.eventId)}`;
  if (region.startsWith('us-gov-')) return `https://console.amazonaws-us-gov.com${page}`;
  if (region.startsWith('cn-')) return `https://console.amazonaws.cn${page}`;
  return `https://${region}.console.aws.amazon.com${page}`;
}
