import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { emailText } from '../../shared/notify/email.js';
import { fitAlert, payloadBytes, SNS_MAX_BYTES, snsPayload } from '../../shared/notify/size.js';
import { SEVERITIES, type Severity, severityRank } from '../../shared/rules/rule.js';
import { goldenAlerts, sampleFindings } from './sample-alerts.js';

type Alert = Extract<AlertMessage, { kind: 'alert' }>;
type Digest = Extract<AlertMessage, { kind: 'digest' }>;

let widened: Alert;
let sample: Finding[];

beforeAll(async () => {
  widened = (await goldenAlerts())['drift-trust-wider'] as Alert;
  const { audit, events } = await sampleFindings();
  sample = [...audit, ...events];
});

const bytes = (message: AlertMessage) => payloadBytes(snsPayload(message));
const evidenceOf = (message: AlertMessage) => (message as Alert).finding.evidence;

/** Prose with multi-byte characters, so that bytes and characters differ. */
const prose = (words: number) => Array.from({ length: words }, (_, i) => `wörd${i}`).join(' ');

function hugeEvidence(): Record<string, unknown> {
  return {
    ...widened.finding.evidence,
    newlyAdmitted: Array.from({ length: 5000 }, (_, i) => ({
      provider: 'token.actions.githubusercontent.com',
      claims: {
        aud: 'sts.amazonaws.com',
        sub: `repo:other-org-${i}/service-${i}:ref:refs/heads/release-${i}`,
      },
    })),
    notes: [prose(10_000)],
    blob: 'QUJD'.repeat(20_000),
    policy: JSON.stringify(
      { Version: '2012-10-17', Statement: Array(500).fill({ Effect: 'Allow', Action: '*' }) },
      null,
      1,
    ),
    raw: { eventVersion: '1.08', requestParameters: { policyDocument: 'x'.repeat(40_000) } },
  };
}

describe('fitAlert', () => {
  it('an alert that fits is sent as it is', () => {
    expect(fitAlert(widened)).toBe(widened);
  });

  it('a finding with more than 300 KB of evidence: within 256 KB, still naming the resource and saying what was left out', () => {
    const evidence = hugeEvidence();
    const huge: Alert = { ...widened, finding: { ...widened.finding, evidence } };
    expect(Buffer.byteLength(JSON.stringify(evidence))).toBeGreaterThan(300 * 1024);
    expect(bytes(huge)).toBeGreaterThan(SNS_MAX_BYTES);

    const fitted = fitAlert(huge);
    expect(bytes(fitted)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    const text = emailText(fitted);
    expect(text.split('\n')[0]).toBe(
      'CRITICAL: Trust policy admits more than its baseline - role gh-deploy-web-prod',
    );
    expect(text).toContain("Left out to fit SNS's 256 KB message limit");
    expect(text).toMatch(/- newlyAdmitted: all but the first \d+ of 5,000 items/);
    expect(text).toContain('- raw: the raw record');
    // What a person needs most stays whole.
    expect(text).toMatch(/Now gets in +repo:other-org-0\/service-0:ref:refs\/heads\/release-0\n/);
    expect(text).toMatch(/By +arn:aws:iam::111122223333:user\/alice\n/);
    expect(text).toContain('/iam/home#/roles/details/gh-deploy-web-prod');
  });

  it('long strings are cut after a whole word, never inside one, and a JSON document is left out whole', () => {
    const original = hugeEvidence();
    const evidence = evidenceOf(
      fitAlert({ ...widened, finding: { ...widened.finding, evidence: original } }),
    );
    const note = (evidence.notes as string[])[0] as string;
    expect(note.endsWith(' …')).toBe(true);
    const kept = note.slice(0, -2);
    const whole = (original.notes as string[])[0] as string;
    expect(whole.startsWith(kept)).toBe(true);
    expect(whole[kept.length]).toBe(' ');
    expect(evidence.blob).toBe('[80,000 characters left out]');
    expect(evidence.policy).toMatch(/^\[[\d,]+ characters left out\]$/);
    expect(evidence.raw).toBeUndefined();
    expect(evidence.leftOut).toEqual(expect.arrayContaining(['notes[]: shortened', 'raw: the raw record']));
  });

  it('a line break is a word boundary too', () => {
    const lines = Array.from({ length: 40_000 }, (_, i) => `line${i}`).join('\n');
    const fitted = fitAlert({ ...widened, finding: { ...widened.finding, evidence: { log: lines } } });
    const log = evidenceOf(fitted).log as string;
    expect(log.endsWith(' …')).toBe(true);
    expect(lines[log.length - 2]).toBe('\n');
    expect(lines.startsWith(log.slice(0, -2))).toBe(true);
  });

  it('the published structure is whole JSON, and the lambda message is the fitted alert', () => {
    const huge: Alert = { ...widened, finding: { ...widened.finding, evidence: hugeEvidence() } };
    const fitted = fitAlert(huge);
    const structure = JSON.parse(snsPayload(fitted).message) as Record<string, string>;
    expect(Object.keys(structure).sort()).toEqual(['default', 'email', 'lambda']);
    expect(structure.default).toBe(emailText(fitted));
    expect(structure.email).toBe(structure.default);
    expect(JSON.parse(structure.lambda as string)).toEqual(fitted);
  });

  it('when even a summary is too big, the finding goes without evidence and with short texts, and still fits', () => {
    const finding: Finding = {
      ...widened.finding,
      message: prose(60_000),
      evidence: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`field${i}`, prose(2_000)])),
      suppression: { reason: prose(60_000), expires: '2027-01-01' },
    };
    const fitted = fitAlert({ ...widened, finding }) as Alert;
    expect(bytes(fitted)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(fitted.finding.resource).toEqual(finding.resource);
    expect(fitted.finding.ruleId).toBe(finding.ruleId);
    expect(fitted.finding.evidence).toEqual({
      leftOut: ['evidence: all of it (1,108 KB)', 'message: shortened', 'suppression.reason: shortened'],
    });
    expect(fitted.finding.suppression?.reason.endsWith(' …')).toBe(true);
    expect(emailText(fitted)).toContain('- evidence: all of it');
  });

  it('a digest of 5,000 findings: the least severe are left out first and counted', () => {
    const findings = Array.from({ length: 5000 }, (_, i) => {
      const base = sample[i % sample.length] as Finding;
      return {
        ...base,
        id: `${base.id}-${i}`,
        resource: { ...base.resource, name: `${base.resource.name}-${i}` },
      };
    });
    const open = Object.fromEntries(SEVERITIES.map((s) => [s, 1000])) as Record<Severity, number>;
    const digest: Digest = {
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings,
      open,
      omitted: 7,
    };
    expect(bytes(digest)).toBeGreaterThan(SNS_MAX_BYTES);

    const fitted = fitAlert(digest) as Digest;
    expect(bytes(fitted)).toBeLessThanOrEqual(SNS_MAX_BYTES);
    expect(fitted.findings.length).toBeGreaterThan(100);
    expect(fitted.omitted).toBe(7 + 5000 - fitted.findings.length);
    const kept = new Set(fitted.findings.map((f) => f.id));
    const least = Math.min(...fitted.findings.map((f) => severityRank(f.severity)));
    for (const f of findings.filter((f) => !kept.has(f.id)))
      expect(severityRank(f.severity)).toBeLessThanOrEqual(least);
    const text = emailText(fitted);
    expect(text).toContain('5,007 findings below the alert level');
    expect(text).toContain(`${fitted.omitted.toLocaleString('en-US')} more findings left out`);
    expect(text).toContain('Open now: 1000 critical, 1000 high, 1000 medium, 1000 low, 1000 info.');
  });
});
