import { beforeAll, describe, expect, it } from 'vitest';
import { asffOutput } from '../../cli/format/asff.js';
import { runAudit } from '../../shared/audit/audit.js';
import { AsffDocumentSchema } from '../support/asff-schema.js';
import { sampleAccount } from '../support/sample-account.js';
import { ensureBuilt, SAMPLE, SAMPLE_FILES, trustwatch } from './run.js';

beforeAll(ensureBuilt);

const NO_REGION = { AWS_REGION: '', AWS_DEFAULT_REGION: '' };

describe('--format asff', () => {
  it('audit: a BatchImportFindings document whose every finding has the required ASFF fields', () => {
    const run = trustwatch(['audit', ...SAMPLE_FILES, '--format', 'asff', '--region', 'eu-west-1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('');
    const document = AsffDocumentSchema.parse(JSON.parse(run.stdout));
    const json = JSON.parse(trustwatch(['audit', ...SAMPLE_FILES, '--format', 'json']).stdout) as {
      findings: { id: string; ruleId: string; status: string }[];
    };
    // One ASFF finding per trustwatch finding, by fingerprint.
    expect(document.Findings.map((f) => f.Id)).toEqual(json.findings.map((f) => `trustwatch/${f.id}`));
    expect(document.Findings.map((f) => f.GeneratorId)).toEqual(json.findings.map((f) => f.ruleId));
    for (const f of document.Findings) {
      expect(f.ProductArn).toBe('arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default');
      expect(f.AwsAccountId).toBe('111122223333');
    }
    const suppressed = json.findings
      .filter((f) => f.status === 'suppressed')
      .map((f) => `trustwatch/${f.id}`);
    expect(suppressed.length).toBeGreaterThan(0);
    for (const f of document.Findings)
      expect(f.Workflow?.Status).toBe(suppressed.includes(f.Id) ? 'SUPPRESSED' : 'NEW');
  });

  it('says which region it assumed when none was given', () => {
    const run = trustwatch(['audit', ...SAMPLE_FILES, '--format', 'asff'], { env: NO_REGION });
    expect(run.stderr).toMatch(/assumed Security Hub region us-east-1/);
    const document = AsffDocumentSchema.parse(JSON.parse(run.stdout));
    expect(document.Findings[0]?.ProductArn).toMatch(/^arn:aws:securityhub:us-east-1:/);
    const fromEnv = trustwatch(['audit', ...SAMPLE_FILES, '--format', 'asff'], {
      env: { AWS_REGION: 'us-gov-west-1' },
    });
    expect(fromEnv.stderr).toMatch(
      /assumed Security Hub region us-gov-west-1 \(from the AWS_REGION environment\)/,
    );
    expect(JSON.parse(fromEnv.stdout).Findings[0].ProductArn).toMatch(
      /^arn:aws-us-gov:securityhub:us-gov-west-1:/,
    );
  });

  it('baseline diff and events replay print the same document shape', () => {
    const diff = trustwatch([
      'baseline',
      'diff',
      '--snapshot',
      `${SAMPLE}/snapshot.json`,
      '--baseline',
      `${SAMPLE}/baseline.json`,
      '--format',
      'asff',
      '--region',
      'eu-west-1',
    ]);
    const drift = AsffDocumentSchema.parse(JSON.parse(diff.stdout));
    expect(drift.Findings.length).toBeGreaterThan(0);
    expect(drift.Findings.every((f) => f.GeneratorId.startsWith('drift.'))).toBe(true);

    const replay = trustwatch([
      'events',
      'replay',
      `${SAMPLE}/events.json`,
      ...SAMPLE_FILES,
      '--format',
      'asff',
      '--region',
      'us-east-1',
    ]);
    expect(replay.status).toBe(1);
    const events = AsffDocumentSchema.parse(JSON.parse(replay.stdout));
    expect(events.Findings.map((f) => f.GeneratorId)).toEqual(
      expect.arrayContaining(['drift.trust-wider', 'activity.novel-subject', 'monitor.tampered']),
    );
    // Who made the change is among the facts.
    const wider = events.Findings.find((f) => f.GeneratorId === 'drift.trust-wider');
    expect(Object.values(wider?.ProductFields ?? {})).toContain('arn:aws:iam::111122223333:user/alice');
  });
});

describe('asffOutput', () => {
  it('says when a document holds more findings than one BatchImportFindings call takes', () => {
    const { snapshot, baseline, config } = sampleAccount();
    const [first] = runAudit(snapshot, { config, baseline }).findings;
    if (!first) throw new Error('the sample account has findings');
    const many = Array.from({ length: 101 }, (_, i) => ({ ...first, id: `f${i}` }));
    const out = asffOutput(many, snapshot.account, 'eu-west-1');
    expect(out.notes).toEqual([
      '101 findings: BatchImportFindings takes 100 a call, import the Findings array in slices',
    ]);
    expect(JSON.parse(out.text).Findings).toHaveLength(101);
    expect(asffOutput(many.slice(0, 100), snapshot.account, 'eu-west-1').notes).toEqual([]);
  });
});
