import { describe, expect, it } from 'vitest';
import { eventConsoleLink } from '../../shared/activity/console-link.js';
import type { CloudTrailRecord } from '../../shared/activity/record.js';

const event = (
  region: string | undefined,
  eventId = 'ef0464cd-918e-4528-9ea3-1a081d39b393',
): CloudTrailRecord => ({
  eventId,
  eventName: 'AssumeRoleWithWebIdentity',
  eventSource: 'sts.amazonaws.com',
  eventTime: '2025-04-16T02:46:56.000Z',
  region,
  actor: {},
  raw: {},
});

describe('eventConsoleLink', () => {
  it('links to the event in the console of the region that logged it', () => {
    expect(eventConsoleLink(event('eu-west-1'))).toBe(
      'https://eu-west-1.console.aws.amazon.com/cloudtrail/home?region=eu-west-1#/events/ef0464cd-918e-4528-9ea3-1a081d39b393',
    );
  });

  it('uses the GovCloud and China consoles for their regions', () => {
    expect(eventConsoleLink(event('us-gov-west-1'))).toBe(
      'https://console.amazonaws-us-gov.com/cloudtrail/home?region=us-gov-west-1#/events/ef0464cd-918e-4528-9ea3-1a081d39b393',
    );
    expect(eventConsoleLink(event('cn-north-1'))).toBe(
      'https://console.amazonaws.cn/cloudtrail/home?region=cn-north-1#/events/ef0464cd-918e-4528-9ea3-1a081d39b393',
    );
  });

  it('escapes an event id that is not a plain UUID', () => {
    expect(eventConsoleLink(event('us-east-1', 'a/b?c#d'))).toMatch(/#\/events\/a%2Fb%3Fc%23d$/);
  });

  it('gives no link without a region, or for a region that could point the link elsewhere', () => {
    expect(eventConsoleLink(event(undefined))).toBeUndefined();
    expect(eventConsoleLink(event('evil.example.com/x'))).toBeUndefined();
    expect(eventConsoleLink(event('us-east-1.attacker.net#'))).toBeUndefined();
  });
});
