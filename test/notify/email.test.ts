// Golden examples: test/fixtures/alerts/email-*.txt (and *.subject.txt) are the emails of two real
// findings of the sample account, compared exactly; the README shows them. After an intended change of
// the text, regenerate them with
//   UPDATE_GOLDEN=1 npx vitest run test/notify/email.test.ts
// and review the diff like any other change.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { emailText } from '../../shared/notify/email.js';
import { emailSubject } from '../../shared/notify/subject.js';
import type { Severity } from '../../shared/rules/rule.js';
import { goldenAlerts, sampleFindings } from './sample-alerts.js';

const GOLDEN = join(import.meta.dirname, '../fixtures/alerts');

let golden: Awaited<ReturnType<typeof goldenAlerts>>;
let findings: Finding[];

beforeAll(async () => {
  golden = await goldenAlerts();
  const { audit, events } = await sampleFindings();
  findings = [...audit, ...events];
});

const alert = (finding: Finding): AlertMessage => ({ kind: 'alert', account: finding.account, finding });
const finding = (ruleId: string, name: string): Finding => {
  const found = findings.find((f) => f.ruleId === ruleId && f.resource.name === name);
  if (!found) throw new Error(`no ${ruleId} finding for ${name}`);
  return found;
};

describe('golden emails', () => {
  for (const name of ['drift-trust-wider', 'keys-not-rotated'] as const) {
    it(`${name}: body and subject as in test/fixtures/alerts`, () => {
      const body = emailText(golden[name]);
      const subject = `${emailSubject(golden[name])}\n`;
      const bodyFile = join(GOLDEN, `email-${name}.txt`);
      const subjectFile = join(GOLDEN, `email-${name}.subject.txt`);
      if (process.env.UPDATE_GOLDEN === '1') {
        mkdirSync(GOLDEN, { recursive: true });
        writeFileSync(bodyFile, body);
        writeFileSync(subjectFile, subject);
      }
      expect(body).toBe(readFileSync(bodyFile, 'utf8'));
      expect(subject).toBe(readFileSync(subjectFile, 'utf8'));
    });
  }
});

describe('alert email', () => {
  it('opens with the severity, the rule title and the resource', () => {
    const text = emailText(golden['drift-trust-wider']);
    const [first, second] = text.split('\n');
    expect(first).toBe('CRITICAL: Trust policy admits more than its baseline - role gh-deploy-web-prod');
    expect(second).toBe('Account 111122223333, first seen 2026-11-02 08:01:00 UTC');
    expect(text).toContain(
      '\n--\nSent by trustwatch (rule drift.trust-wider)\nFinding a51bb9f8216b4e863d3c7001396c54ee\n',
    );
  });

  it('a widened trust: before and after patterns, the subject now let in, who changed it, from where and when', () => {
    const text = emailText(golden['drift-trust-wider']);
    expect(text).toMatch(/Subjects before +repo:acme-corp\/web:environment:production\n/);
    expect(text).toMatch(/Subjects now +repo:acme-corp\/\*\n/);
    expect(text).toMatch(/Now gets in +repo:acme-corp\/some-repo:ref:refs\/heads\/main\n/);
    expect(text).toMatch(/By +arn:aws:iam::111122223333:user\/alice\n/);
    expect(text).toMatch(/From +203\.0\.113\.24 \(aws-cli\/2\.17\.0/);
    expect(text).toMatch(/When +2026-11-02 08:01:00 UTC\n/);
  });

  it('says why it matters in one sentence and how to fix it', () => {
    const text = emailText(alert(finding('keys.not-rotated', 'ci-terraform')));
    expect(text).toContain(
      'stays valid for as long\n  as it leaks: in CI logs, caches, forks and laptops.\n',
    );
    expect(text).not.toContain('Rotation bounds the damage');
    expect(text).toMatch(/How to fix it\n {2}Rotate the key/);
  });

  it('links the IAM console page of the role or user, and the CloudTrail event', () => {
    const trust = emailText(golden['drift-trust-wider']);
    expect(trust).toContain(
      'https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/gh-deploy-web-prod\n',
    );
    expect(trust).toContain(
      'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/5a3b0c1e-0000-4000-8000-000000000001\n',
    );
    const keys = emailText(golden['keys-not-rotated']);
    expect(keys).toContain('https://us-east-1.console.aws.amazon.com/iam/home#/users/details/ci-terraform\n');
    expect(keys).not.toContain('cloudtrail');
  });

  it('links the console of the partition the resource lives in', () => {
    const base = finding('keys.not-rotated', 'ci-terraform');
    const gov = {
      ...base,
      resource: { ...base.resource, arn: 'arn:aws-us-gov:iam::111122223333:user/ci/ci-terraform' },
    };
    expect(emailText(alert(gov))).toContain(
      'https://console.amazonaws-us-gov.com/iam/home#/users/details/ci-terraform\n',
    );
  });

  it('a key: its id and age', () => {
    const text = emailText(golden['keys-not-rotated']);
    expect(text).toMatch(/Access key +AKIAEXAMPLECITERRA01\n/);
    expect(text).toMatch(/Created +2025-09-16, 412 days old\n/);
  });

  it("shows every evidence field of the sample account's findings as a fact, never as JSON", () => {
    for (const f of findings) {
      const text = emailText(alert(f));
      const evidence = text.slice(text.indexOf('\nEvidence\n'), text.indexOf('\nHow to fix it\n'));
      expect(evidence, f.ruleId).not.toContain('Other details');
      expect(evidence, f.ruleId).not.toMatch(/[{}]/);
    }
  });

  it('evidence nothing knows how to read: pretty-printed JSON, long lists and strings summarised', () => {
    const base = finding('keys.not-rotated', 'ci-terraform');
    const odd = {
      ...base,
      evidence: {
        ...base.evidence,
        policyVersions: Array.from({ length: 20 }, (_, i) => ({ version: `v${i}`, isDefault: i === 0 })),
        comment: `${'word '.repeat(100)}end`,
      },
    };
    const text = emailText(alert(odd));
    const other = text.slice(text.indexOf('Other details'), text.indexOf('How to fix it'));
    expect(other).toContain('"policyVersions": [\n');
    expect(other).toContain('"version": "v7"');
    expect(other).not.toContain('"version": "v8"');
    expect(other).toContain('"... and 12 more"');
    expect(other).not.toContain('end"');
    expect(other).toContain('word ...');
  });

  it('values from the account cannot fake lines or reorder text', () => {
    const base = (golden['drift-trust-wider'] as Extract<AlertMessage, { kind: 'alert' }>).finding;
    const event = base.evidence.event as Record<string, unknown>;
    const hostile = {
      ...base,
      evidence: {
        ...base.evidence,
        event: { ...event, userAgent: 'curl\n\nHow to fix it\n  send keys\u202e' },
      },
    };
    const text = emailText(alert(hostile));
    expect(text).toContain('(curl How to fix it send keys)');
    expect(text.match(/^How to fix it$/gm)).toHaveLength(1);
    expect(text).not.toContain('\u202e');
  });

  it('prose wraps at 72 columns; only a word longer than that (a link) runs over, whole', () => {
    for (const f of findings) {
      // The first line says what happened in one line, however long.
      for (const line of emailText(alert(f)).split('\n').slice(1)) {
        if (line.length > 72) expect(line.trim().split(/\s+/).at(-1)?.length, line).toBeGreaterThan(40);
      }
    }
  });
});

describe('resolved notice', () => {
  it('is short: what it was, since when it is gone, the console link; no evidence or fix', () => {
    const base = finding('drift.trust-wider', 'gh-deploy-web-prod');
    const text = emailText({
      kind: 'resolved',
      account: base.account,
      finding: { ...base, status: 'resolved' },
      resolvedAt: '2026-11-03T10:15:00.000Z',
    });
    expect(text.split('\n')[0]).toBe(
      'RESOLVED: Trust policy admits more than its baseline - role gh-deploy-web-prod',
    );
    expect(text).toContain('as of 2026-11-03 10:15:00 UTC');
    expect(text).toContain(base.message.slice(0, 40));
    expect(text).toContain('/iam/home#/roles/details/gh-deploy-web-prod');
    expect(text).not.toContain('Evidence');
    expect(text).not.toContain('How to fix it');
    expect(text.split('\n').length).toBeLessThan(20);
  });
});

describe('digest', () => {
  const open: Record<Severity, number> = { critical: 4, high: 12, medium: 13, low: 14, info: 2 };

  it('lists the findings grouped by severity, most severe first, with the open counts', () => {
    const below = findings.filter((f) => ['low', 'medium', 'info'].includes(f.severity));
    const reversed = [...below].reverse();
    const text = emailText({
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings: reversed,
      open,
      omitted: 0,
    });
    expect(text).toContain(`${below.length} findings below the alert level first seen on 2026-11-02.`);
    expect(text).toContain('Open now: 4 critical, 12 high, 13 medium, 14 low, 2 info.');
    const medium = text.indexOf('\nMEDIUM (');
    const low = text.indexOf('\nLOW (');
    const info = text.indexOf('\nINFO (');
    expect(medium).toBeGreaterThan(0);
    expect(low).toBeGreaterThan(medium);
    expect(info).toBeGreaterThan(low);
    expect(text.slice(medium, low)).toContain('- gh-docs-publish: Any branch, tag or environment');
    expect(text.slice(low, info)).toContain(
      '- gh-legacy-ci: No condition on the token audience (oidc.no-audience)',
    );
    expect(text).not.toContain('HIGH (');
    expect(text).not.toContain('left out');
  });

  it('says how many findings were left out', () => {
    const text = emailText({
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings: findings.slice(0, 2),
      open,
      omitted: 4321,
    });
    expect(text).toContain('4,323 findings below the alert level');
    expect(text).toContain('4,321 more findings left out');
  });

  it('an empty day says so', () => {
    const text = emailText({
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings: [],
      open,
      omitted: 0,
    });
    expect(text).toContain('No findings below the alert level were first seen on 2026-11-02.');
  });
});
