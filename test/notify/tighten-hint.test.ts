/** Trust findings' alerts carry the narrower policy the role's own use calls for (from the state's counters). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecords } from '../../shared/activity/parse.js';
import { processRecord } from '../../shared/activity/process.js';
import { runAudit } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import type { AssumptionCount } from '../../shared/findings/store.js';
import { emailText } from '../../shared/notify/email.js';
import { findingAlert } from '../../shared/notify/finding-alert.js';
import { slackMessage } from '../../shared/notify/slack.js';
import { HINTED_RULES, withTightenHints } from '../../shared/tighten/hint.js';
import { MemoryStore } from '../support/memory-store.js';
import { sampleAccount, sampleActivityContext } from '../support/sample-account.js';

const SAMPLE = join(import.meta.dirname, '../../examples/sample-account');
const { snapshot, baseline, config } = sampleAccount();
const counts = (
  JSON.parse(readFileSync(join(SAMPLE, 'state.json'), 'utf8')) as { assumptions: AssumptionCount[] }
).assumptions;
const policyOf = async (name: string) => snapshot.roles.find((r) => r.name === name)?.trustPolicy;
const source = (assumptions: AssumptionCount[]) => ({
  until: '2026-11-02',
  counts: async (from: string, to: string) => assumptions.filter((c) => c.day >= from && c.day <= to),
  trustPolicy: policyOf,
  github: config.github,
});
const WEB_PROD_SUBJECTS = [
  'repo:acme-corp/marketing-site:ref:refs/heads/main',
  'repo:acme-corp/web:environment:production',
];

const blocksText = (finding: Finding) => JSON.stringify(slackMessage(findingAlert(finding, finding.account)));

describe('tightening hints in alerts', () => {
  it('adds the narrowed condition to trust findings of roles with enough activity, and to nothing else', async () => {
    const audit = runAudit(snapshot, { config, baseline }).findings;
    const hinted = await withTightenHints(audit, source(counts));
    const anyRepo = hinted.find(
      (f) => f.ruleId === 'oidc.any-repo' && f.resource.name === 'gh-deploy-web-prod',
    );
    expect(anyRepo?.evidence).toMatchObject({
      proposedSubjects: WEB_PROD_SUBJECTS,
      observedWindow: expect.stringMatching(/^2026-08-05 to 2026-11-02, 88 days of data/),
    });
    expect(JSON.parse(anyRepo?.evidence.proposedCondition as string)).toEqual({
      StringEquals: {
        'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com',
        'token.actions.githubusercontent.com:sub': WEB_PROD_SUBJECTS,
      },
    });
    // gh-ecr-push admits any owner but was used on 11 days only: no proposal, no hint.
    const ecr = hinted.find((f) => f.ruleId === 'oidc.any-owner' && f.resource.name === 'gh-ecr-push');
    expect(ecr).toBeDefined();
    expect(ecr?.evidence).not.toHaveProperty('proposedCondition');
    for (const [i, f] of hinted.entries()) {
      if (!HINTED_RULES.has(f.ruleId)) expect(f).toBe(audit[i]);
      // The hint is evidence only: the finding stays the same finding.
      expect(f.id).toBe(audit[i]?.id);
    }
    expect(
      hinted.filter((f) => 'proposedCondition' in f.evidence).map((f) => `${f.ruleId} ${f.resource.name}`),
    ).toEqual(
      expect.arrayContaining(['oidc.any-owner gh-artifacts-read', 'oidc.any-repo gh-deploy-web-prod']),
    );
  });

  it('reads no counters when no finding needs them', async () => {
    let reads = 0;
    const keys = runAudit(snapshot, { config, baseline }).findings.filter((f) => !HINTED_RULES.has(f.ruleId));
    await withTightenHints(keys, {
      ...source(counts),
      counts: async () => {
        reads++;
        return [];
      },
    });
    expect(reads).toBe(0);
  });

  it('reaches the drift.trust-wider alert of an IAM event, in the email and in Slack', async () => {
    const store = new MemoryStore();
    for (const c of counts) await store.addAssumption(c);
    const findings: Finding[] = [];
    for (const record of parseRecords(readFileSync(join(SAMPLE, 'events.json'))).records)
      findings.push(...(await processRecord(record, sampleActivityContext(store))).map((p) => p.finding));
    const wider = findings.find(
      (f) => f.ruleId === 'drift.trust-wider' && f.resource.name === 'gh-deploy-web-prod',
    );
    expect(wider?.evidence.proposedSubjects).toEqual(WEB_PROD_SUBJECTS);
    if (!wider) return;
    const email = emailText(findingAlert(wider, wider.account));
    expect(email).toMatch(/Tighten to +\{/);
    expect(email).toContain('"token.actions.githubusercontent.com:sub": [');
    expect(email).toMatch(/Used by +repo:acme-corp\/marketing-site:ref:refs\/heads\/main/);
    const slack = blocksText(wider);
    expect(slack).toContain('*Tighten to:*');
    expect(slack).toContain('*Used by:* `repo:acme-corp/marketing-site:ref:refs/heads/main`');
  });

  it('escapes subjects from CloudTrail in both renderers', async () => {
    const hostile = 'repo:acme-corp/web:environment:prod\u001b[2J\u202e`*<!channel>*`';
    const assumptions = [
      {
        roleArn: 'arn:aws:iam::111122223333:role/gh-deploy-web-prod',
        subject: hostile,
        day: '2026-09-01',
        succeeded: 1,
        denied: 0,
      },
      {
        roleArn: 'arn:aws:iam::111122223333:role/gh-deploy-web-prod',
        subject: hostile,
        day: '2026-10-30',
        succeeded: 1,
        denied: 0,
      },
    ];
    const audit = runAudit(snapshot, { config, baseline }).findings;
    const [finding] = (await withTightenHints(audit, source(assumptions))).filter(
      (f) => f.ruleId === 'oidc.any-repo' && f.resource.name === 'gh-deploy-web-prod',
    );
    expect(finding?.evidence.proposedSubjects).toEqual([hostile]);
    if (!finding) return;
    const email = emailText(findingAlert(finding, finding.account));
    expect(email).not.toContain('\u001b');
    expect(email).not.toContain('\u202e');
    const slack = blocksText(finding);
    expect(slack).not.toContain('<!channel>');
    // Every text of the message, as Slack gets it: no raw control (but line breaks) or bidi character is left to act.
    const texts: string[] = [];
    JSON.parse(slack, (_key, value) => {
      if (typeof value === 'string') texts.push(value);
      return value;
    });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what must be absent
    const acting = /[\u0000-\u0009\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069]/;
    for (const t of texts) expect(t).not.toMatch(acting);
  });
});
