import { describe, expect, it } from 'vitest';
import { runAudit } from '../../shared/audit/audit.js';
import type { Finding } from '../../shared/findings/finding.js';
import { subsequenceUnion } from '../support/hostile-policies.js';
import { sampleAccount } from '../support/sample-account.js';

const P = 'token.actions.githubusercontent.com';
// A step budget (not time) keeps the outcome the same on any machine: ordinary roles need far less.
const budget = { steps: 2_000_000 };

const about = (name: string) => (f: Finding) => f.resource.name === name;
const ids = (findings: Finding[]) => findings.map((f) => f.id).sort();

describe('an audit with one trust policy too complex to decide', () => {
  const { snapshot, baseline, config } = sampleAccount();
  const normal = runAudit(snapshot, { config, baseline, budget });

  it('reports that role as policy.too-complex, naming the statement, and audits the others as usual', () => {
    const model = snapshot.roles[0];
    if (!model) throw new Error('the sample account has roles');
    const hostile = {
      ...model,
      name: 'gh-hostile',
      arn: model.arn.replace(/role\/.*/, 'role/gh-hostile'),
      trustPolicy: subsequenceUnion(16),
    };
    const result = runAudit(
      { ...snapshot, roles: [...snapshot.roles, hostile] },
      { config, baseline, budget },
    );
    const refused = result.findings.filter((f) => f.ruleId === 'policy.too-complex');
    expect(refused).toHaveLength(1);
    expect(refused[0]?.resource.name).toBe('gh-hostile');
    expect(refused[0]?.severity).toBe('medium');
    expect(refused[0]?.evidence).toEqual({
      statement: 1,
      sid: 'Hostile',
      conditionKey: `${P}:sub`,
      during: 'analysis',
    });
    expect(refused[0]?.message).toMatch(
      /too complex to analyse exactly: condition key .*:sub in statement 1 \(Hostile\)/,
    );
    // Besides it, only the drift rule about a role missing from the baseline speaks of the new role.
    expect(
      result.findings
        .filter(about('gh-hostile'))
        .map((f) => f.ruleId)
        .sort(),
    ).toEqual(['drift.new-ci-role', 'policy.too-complex']);
    expect(ids(result.findings.filter((f) => !about('gh-hostile')(f)))).toEqual(ids(normal.findings));
    expect(result.gaps).toEqual(normal.gaps);
  });

  it('reports a baseline too complex to compare with as policy.too-complex, and no drift verdict for it', () => {
    const changed = structuredClone(baseline);
    const role = changed.ciRoles.find((r) => r.name === 'gh-deploy-web-prod');
    if (!role) throw new Error('the sample baseline has gh-deploy-web-prod');
    role.trustPolicy = subsequenceUnion(16);
    const result = runAudit(snapshot, { config, baseline: changed, budget });
    const refused = result.findings.filter((f) => f.ruleId === 'policy.too-complex');
    expect(refused.map((f) => [f.resource.name, f.evidence.during])).toEqual([
      ['gh-deploy-web-prod', 'comparison with its baseline'],
    ]);
    const drift = (f: Finding) => f.ruleId.startsWith('drift.trust-');
    expect(result.findings.filter(drift).some(about('gh-deploy-web-prod'))).toBe(false);
    // The other drift verdicts stand.
    expect(ids(result.findings.filter((f) => drift(f)))).toEqual(
      ids(normal.findings.filter((f) => drift(f) && !about('gh-deploy-web-prod')(f))),
    );
  });
});
