import { describe, expect, it } from 'vitest';
import { alertAttributes } from '../../shared/notify/alert.js';
import { emailText } from '../../shared/notify/email.js';
import { payloadBytes, SNS_MAX_BYTES, snsPayload } from '../../shared/notify/size.js';
import { slackMessage } from '../../shared/notify/slack.js';
import { emailSubject } from '../../shared/notify/subject.js';
import { reportSummary } from '../../shared/report/summary.js';
import { ACCOUNT } from './build.js';
import { hostileReport } from './hostile-report.js';
import { sampleReport } from './sample-report.js';

const LOCATION = {
  html: 's3://reports-bucket/111122223333/2026-10/report.html',
  json: 's3://reports-bucket/111122223333/2026-10/report.json',
  console:
    'https://us-east-1.console.aws.amazon.com/s3/object/reports-bucket?region=us-east-1&prefix=111122223333%2F2026-10%2Freport.html',
};

describe('summary for the alert topic', () => {
  it('reads as plain text in email, with the location and the change since last month', async () => {
    const message = {
      kind: 'report' as const,
      account: ACCOUNT,
      summary: reportSummary(await sampleReport(), LOCATION),
    };
    expect(emailSubject(message)).toBe(
      '[REPORT] trustwatch: compliance report for October 2026, account 111122223333',
    );
    const text = emailText(message);
    expect(text).toMatch(/^trustwatch compliance report: account 111122223333, October 2026\n/);
    expect(text).toContain('Changes are against September 2026.');
    expect(text).toMatch(/\nOpen findings at month end +47 {2}\+19 \(worse\)\n/);
    expect(text).toContain(LOCATION.html);
    expect(text).toContain(LOCATION.console);
    // Lines fit a plain-text mail; only a URL, which must not be cut, may be longer.
    expect(text.split('\n').filter((line) => line.length > 72 && !/^\s*https:\/\/\S+$/.test(line))).toEqual(
      [],
    );
    expect(alertAttributes(message)).toEqual({
      severity: 'report',
      ruleId: 'report',
      account: ACCOUNT,
      kind: 'report',
    });
    expect(payloadBytes(snsPayload(message))).toBeLessThan(SNS_MAX_BYTES / 10);
  });

  it('is a Slack message with the headline numbers, escaped, linking only to the AWS console', async () => {
    const summary = reportSummary(await sampleReport(), LOCATION);
    const slack = slackMessage({ kind: 'report', account: ACCOUNT, summary });
    const text = JSON.stringify(slack.blocks);
    expect(slack.text).toContain('trustwatch report October 2026 (account 111122223333): 47 open');
    expect(text).toContain('"url":"https://us-east-1.console.aws.amazon.com/s3/object/reports-bucket');
    expect(slack.blocks.length).toBeLessThanOrEqual(50);

    const hostile = reportSummary(hostileReport(), {
      html: '<!channel>',
      json: 'x',
      console: 'https://evil.example.com/',
    });
    const sneaky = JSON.stringify(
      slackMessage({ kind: 'report', account: ACCOUNT, summary: hostile }).blocks,
    );
    expect(sneaky).not.toContain('<!channel>');
    expect(sneaky).not.toContain('evil.example.com');
    expect(sneaky).not.toContain('<script>');
  });
});
