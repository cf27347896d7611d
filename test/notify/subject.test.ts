import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { emailSubject, SUBJECT_MAX } from '../../shared/notify/subject.js';
import { SEVERITIES, type Severity } from '../../shared/rules/rule.js';

const finding = (name: string, title: string, severity: Severity = 'critical'): Finding => ({
  id: 'a51bb9f8216b4e863d3c7001396c54ee',
  ruleId: 'drift.trust-wider',
  severity,
  title,
  resource: { type: 'role', arn: `arn:aws:iam::111122223333:role/${name}`, name },
  account: '111122223333',
  region: 'global',
  message: `${name} widened`,
  evidence: {},
  remediation: 'Restore the baseline.',
  firstSeen: '2026-11-02T08:01:00.000Z',
  lastSeen: '2026-11-02T08:01:00.000Z',
  status: 'open',
});
const alert = (f: Finding): AlertMessage => ({ kind: 'alert', account: f.account, finding: f });
const open = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };

/** What SNS accepts as a subject: printable ASCII, no line breaks, at most 100 characters. */
const acceptable = /^[\x20-\x7e]{1,100}$/;

describe('emailSubject', () => {
  it('severity, trustwatch, the resource and the rule title', () => {
    expect(
      emailSubject(alert(finding('gh-deploy-web-prod', 'Trust policy admits more than its baseline'))),
    ).toBe('[CRITICAL] trustwatch: gh-deploy-web-prod - Trust policy admits more than its baseline');
  });

  it('a resolved notice and a digest say so', () => {
    const f = finding('gh-deploy-web-prod', 'Trust policy admits more than its baseline');
    expect(
      emailSubject({ kind: 'resolved', account: f.account, finding: f, resolvedAt: '2026-11-03T10:00:00Z' }),
    ).toBe('[RESOLVED] trustwatch: gh-deploy-web-prod - Trust policy admits more than its baseline');
    expect(
      emailSubject({
        kind: 'digest',
        account: '111122223333',
        day: '2026-11-02',
        findings: [f],
        open,
        omitted: 11,
      }),
    ).toBe('[DIGEST] trustwatch: 12 findings below the alert level on 2026-11-02, account 111122223333');
  });

  it('too long: cut after a whole word, with an ellipsis, within 100 characters', () => {
    const name = 'gh-cross-account-deployer-for-the-platform-team-in-production';
    const subject = emailSubject(
      alert(finding(name, 'Any branch, tag or environment of a repository can assume the role', 'medium')),
    );
    expect(subject.length).toBeLessThanOrEqual(SUBJECT_MAX);
    expect(subject).toBe(`[MEDIUM] trustwatch: ${name} - Any branch,...`);
  });

  it('one word longer than the room (an OIDC provider URL) is cut where it must be', () => {
    const url = `token.actions.githubusercontent.com/${'enterprise-slug-'.repeat(10)}`;
    const subject = emailSubject(alert(finding(url, 'OIDC provider added, removed or changed', 'medium')));
    expect(subject).toHaveLength(SUBJECT_MAX);
    expect(
      subject.startsWith('[MEDIUM] trustwatch: token.actions.githubusercontent.com/enterprise-slug-'),
    ).toBe(true);
    expect(subject.endsWith('...')).toBe(true);
  });

  it('line breaks, control characters and non-ASCII letters become ASCII SNS accepts', () => {
    const subject = emailSubject(alert(finding('café-rôle\nBcc: x\u0007', 'Trust “widened” — again…')));
    expect(subject).toBe('[CRITICAL] trustwatch: cafe-role Bcc: x - Trust "widened" - again...');
  });

  it('is always something SNS accepts, and keeps its tag', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 300 }),
        fc.string({ unit: 'binary', maxLength: 300 }),
        fc.constantFrom(...SEVERITIES),
        (name, title, severity) => {
          const subject = emailSubject(alert(finding(name, title, severity)));
          expect(subject).toMatch(acceptable);
          expect(subject.startsWith(`[${severity.toUpperCase()}] trustwatch: `)).toBe(true);
        },
      ),
    );
  });
});
