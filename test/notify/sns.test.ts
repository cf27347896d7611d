import { randomUUID } from 'node:crypto';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { beforeAll, expect, inject, it } from 'vitest';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { emailText } from '../../shared/notify/email.js';
import { SNS_MAX_BYTES } from '../../shared/notify/size.js';
import { publishAlert } from '../../shared/notify/sns.js';
import { emailSubject } from '../../shared/notify/subject.js';
import { describeMoto } from '../support/moto-suite.js';
import { published } from '../support/moto-topics.js';
import { goldenAlerts } from './sample-alerts.js';

const endpoint = inject('motoEndpoint');

describeMoto('publishAlert on moto', () => {
  let sns: SNSClient;
  let golden: Awaited<ReturnType<typeof goldenAlerts>>;

  beforeAll(async () => {
    sns = new SNSClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    golden = await goldenAlerts();
  });

  async function topic(): Promise<string> {
    const { TopicArn } = await sns.send(
      new CreateTopicCommand({ Name: `trustwatch-alerts-${randomUUID()}` }),
    );
    if (!TopicArn) throw new Error('moto created no topic');
    return TopicArn;
  }

  it('publishes the subject, one message per protocol and the attributes subscriptions filter on', async () => {
    const topicArn = await topic();
    const alert = golden['drift-trust-wider'];
    const messageId = await publishAlert(sns, topicArn, alert);

    const [sent, ...more] = await published(topicArn);
    expect(more).toEqual([]);
    expect(sent?.messageId).toBe(messageId);
    expect(sent?.subject).toBe(
      '[CRITICAL] trustwatch: gh-deploy-web-prod - Trust policy admits more than its baseline',
    );
    const structure = JSON.parse(sent?.message ?? '') as Record<string, string>;
    expect(structure.email).toBe(emailText(alert));
    expect(structure.default).toBe(emailText(alert));
    expect(JSON.parse(structure.lambda ?? '')).toEqual(alert);
    expect(sent?.attributes).toEqual({
      severity: { Type: 'String', Value: 'critical' },
      ruleId: { Type: 'String', Value: 'drift.trust-wider' },
      account: { Type: 'String', Value: '111122223333' },
      kind: { Type: 'String', Value: 'alert' },
    });
  });

  it('a digest and a resolved notice carry their kind', async () => {
    const topicArn = await topic();
    const alert = golden['keys-not-rotated'] as Extract<AlertMessage, { kind: 'alert' }>;
    const resolved: AlertMessage = {
      kind: 'resolved',
      account: alert.account,
      finding: { ...alert.finding, status: 'resolved' },
      resolvedAt: '2026-11-03T10:00:00.000Z',
    };
    const digest: AlertMessage = {
      kind: 'digest',
      account: alert.account,
      day: '2026-11-02',
      findings: [],
      open: { critical: 1, high: 2, medium: 3, low: 4, info: 5 },
      omitted: 0,
    };
    await publishAlert(sns, topicArn, resolved);
    await publishAlert(sns, topicArn, digest);
    const [first, second] = await published(topicArn);
    expect(first?.subject).toBe(emailSubject(resolved));
    expect(first?.attributes.kind?.Value).toBe('resolved');
    expect(first?.attributes.severity?.Value).toBe('high');
    expect(second?.subject).toBe(emailSubject(digest));
    expect(second?.attributes).toMatchObject({ kind: { Value: 'digest' }, severity: { Value: 'digest' } });
  });

  it('a finding with more than 300 KB of evidence is published, summarised to fit', async () => {
    const topicArn = await topic();
    const alert = golden['drift-trust-wider'] as Extract<AlertMessage, { kind: 'alert' }>;
    const newlyAdmitted = Array.from({ length: 5000 }, (_, i) => ({
      provider: 'token.actions.githubusercontent.com',
      claims: {
        aud: 'sts.amazonaws.com',
        sub: `repo:other-org-${i}/service-${i}:ref:refs/heads/release-${i}`,
      },
    }));
    const huge: AlertMessage = {
      ...alert,
      finding: { ...alert.finding, evidence: { ...alert.finding.evidence, newlyAdmitted } },
    };
    expect(Buffer.byteLength(JSON.stringify(newlyAdmitted))).toBeGreaterThan(300 * 1024);

    await publishAlert(sns, topicArn, huge);
    const [sent] = await published(topicArn);
    expect(Buffer.byteLength(sent?.message ?? '')).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const structure = JSON.parse(sent?.message ?? '') as Record<string, string>;
    expect(structure.email).toContain('role gh-deploy-web-prod');
    expect(structure.email).toMatch(/newlyAdmitted: all but the first \d+ of 5,000 items/);
  });
});
