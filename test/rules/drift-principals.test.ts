/**
 * Drift on every principal: a trust policy that lets in a new AWS account (the Stratus Red Team
 * "backdoor an IAM role" technique) is drift.trust-wider, named in the message and the evidence; a
 * GitHub role that stops trusting GitHub but trusts someone else is wider, not narrower.
 */
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import { emailText } from '../../shared/notify/email.js';
import { slackMessage } from '../../shared/notify/slack.js';
import type { Token } from '../../shared/policy/model.js';
import { sampleAccount } from '../support/sample-account.js';

const ROLE = 'gh-deploy-payments-prod';
const BACKDOOR = 'arn:aws:iam::193672423079:root';
const backdoor = { Effect: 'Allow', Principal: { AWS: BACKDOOR }, Action: 'sts:AssumeRole' };

/** The sample account with the role's current trust policy rewritten from its baseline's. */
function auditWith(edit: (statements: object[]) => object[]) {
  const { snapshot, baseline, config } = sampleAccount();
  const role = snapshot.roles.find((r) => r.name === ROLE);
  const before = baseline.ciRoles.find((r) => r.name === ROLE)?.trustPolicy as { Statement: object[] };
  if (!role || !before) throw new Error(`${ROLE} missing from the sample account`);
  role.trustPolicy = { ...before, Statement: edit(before.Statement) };
  const findings = runAudit(snapshot, { config, baseline }).findings.filter((f) => f.resource.name === ROLE);
  return (ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
}

describe('drift on principals other than GitHub', () => {
  it('a new account principal is drift.trust-wider, critical, naming the account', () => {
    const findings = auditWith((statements) => [...statements, backdoor]);
    const [wider] = findings('drift.trust-wider');
    expect(wider?.severity).toBe('critical');
    expect(wider?.message).toContain(BACKDOOR);
    expect(wider?.message).not.toContain('sub "');
    const admitted = (wider?.evidence.newlyAdmitted ?? []) as Token[];
    expect(admitted[0]?.principal).toEqual({ AWS: BACKDOOR });
    expect(wider?.evidence.principalsAfter).toEqual([`AWS ${BACKDOOR}`]);
    expect(findings('drift.trust-narrower')).toEqual([]);
  });

  it('the alert names the new principal in email and Slack, not an empty subject', () => {
    const [wider] = auditWith((statements) => [...statements, backdoor])('drift.trust-wider');
    if (!wider) throw new Error('no drift.trust-wider finding');
    const message = { kind: 'alert' as const, account: wider.account, finding: wider };
    expect(emailText(message)).toMatch(new RegExp(`Now gets in +AWS ${BACKDOOR}\n`));
    expect(emailText(message)).toMatch(new RegExp(`Other principals now +AWS ${BACKDOOR}\n`));
    const slack = JSON.stringify(slackMessage(message).blocks);
    expect(slack).toContain(`*Now gets in:* \`AWS ${BACKDOOR}\``);
  });

  it('a GitHub role that trusts an account instead of GitHub is wider, not narrower', () => {
    const findings = auditWith(() => [backdoor]);
    expect(findings('drift.trust-narrower')).toEqual([]);
    const [wider] = findings('drift.trust-wider');
    expect(wider?.evidence.verdict).toBe('incomparable');
    expect(wider?.message).toContain(BACKDOOR);
    const lost = (wider?.evidence.noLongerAdmitted ?? []) as Token[];
    expect(lost[0]?.claims.sub).toMatch(/^repo:acme-corp@4410021\/payments@88120031:/);
  });

  it('removing the account again is narrower, and names what no longer gets in', () => {
    const { snapshot, baseline, config } = sampleAccount();
    const base = baseline.ciRoles.find((r) => r.name === ROLE);
    const before = base?.trustPolicy as { Statement: object[] };
    if (!base) throw new Error(`${ROLE} missing from the baseline`);
    base.trustPolicy = { ...before, Statement: [...before.Statement, backdoor] };
    const [narrower] = runAudit(snapshot, { config, baseline }).findings.filter(
      (f) => f.resource.name === ROLE && f.ruleId === 'drift.trust-narrower',
    );
    expect(narrower?.message).toContain(`no longer principal AWS ${BACKDOOR}`);
  });
});
