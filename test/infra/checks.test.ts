import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { CFN_LINT, describeWithTool } from '../support/tool-suite.js';
import { FULL_CONTEXT, ORGANIZATION_CONTEXT, synth } from './synth.js';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
    suppressedViolations: { ruleName: string; acknowledgedId: string; reason: string }[];
  }[];
}

/** The app synthesized with cdk-nag's AWS Solutions pack, as `cdk synth` runs it; its report. */
function nagReport(context: Record<string, unknown>, extend?: (monitor: Stack) => void): ValidationReport {
  const { app, monitor, outdir } = synth(context);
  extend?.(monitor);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch {
    // A failed validation throws after writing the report, which says what failed.
  }
  return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
}

const violations = (report: ValidationReport) =>
  report.pluginReports.flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} ${c.constructPath}`)),
  );

describe('cdk-nag AwsSolutionsChecks', () => {
  it.each([
    ['every channel, two watched regions', FULL_CONTEXT],
    ['nothing configured', { region: 'us-east-1' }],
    ['each account its baseline from S3', ORGANIZATION_CONTEXT],
    [
      'an organization: asset bucket, central topic',
      {
        region: 'eu-west-1',
        assetBucket: 'acme-trustwatch-assets-eu-west-1',
        centralOrganizationId: 'o-abcdefghij',
        centralTopicArn: 'arn:aws:sns:eu-west-1:999988887777:trustwatch-organization-alerts',
        centralReportBucket: 'trustwatch-org-reports-999988887777',
      },
    ],
  ])('finds nothing unacknowledged with %s, and every acknowledgement says why', (_name, context) => {
    const report = nagReport(context);
    expect(report.pluginReports.map((p) => [p.pluginName, p.conclusion])).toEqual([
      ['AwsSolutions', 'success'],
    ]);
    expect(violations(report)).toEqual([]);
    const acknowledged = report.pluginReports.flatMap((p) => p.suppressedViolations);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.reason.length, a.acknowledgedId).toBeGreaterThan(20);
  });

  it('reports what is not acknowledged', () => {
    const report = nagReport({ region: 'us-east-1' }, (monitor) => new Queue(monitor, 'Unprotected'));
    expect(violations(report)).toEqual(
      expect.arrayContaining([
        'AwsSolutions-SQS3 Trustwatch/Unprotected/Resource',
        'AwsSolutions-SQS4 Trustwatch/Unprotected/Resource',
      ]),
    );
  });
});

describeWithTool(CFN_LINT, 'cfn-lint', () => {
  it('finds no error in any synthesized template', () => {
    const { app, outdir } = synth({ ...FULL_CONTEXT, centralOrganizationId: 'o-abcdefghij' });
    app.synth();
    const templates = readdirSync(outdir).filter((f) => f.endsWith('.template.json'));
    expect(templates.sort()).toEqual([
      'Trustwatch.template.json',
      'TrustwatchCentral.template.json',
      'TrustwatchEvents-us-east-1.template.json',
      'TrustwatchEvents-us-west-2.template.json',
    ]);
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', ...templates.map((t) => join(outdir, t))], {
      encoding: 'utf8',
    });
    // cfn-lint's exit code is a bit mask: 2 errors, 4 warnings, 8 informational.
    expect(lint.status === null ? 'killed' : lint.status & 2, lint.stdout + lint.stderr).toBe(0);
    // The one warning: CDK adds DependsOn on a function's role that its GetAtt already implies.
    const warnings = lint.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(warnings.filter((w) => !/:W3005:/.test(w))).toEqual([]);
  });

  it("finds no error in the monitor's template that reads each account's baseline from S3", () => {
    const { app, outdir } = synth(ORGANIZATION_CONTEXT);
    app.synth();
    const lint = spawnSync('cfn-lint', ['--format', 'parseable', join(outdir, 'Trustwatch.template.json')], {
      encoding: 'utf8',
    });
    expect(lint.status === null ? 'killed' : lint.status & 2, lint.stdout + lint.stderr).toBe(0);
    const warnings = lint.stdout.split('\n').filter((l) => l.trim() !== '');
    expect(warnings.filter((w) => !/:W3005:/.test(w))).toEqual([]);
  });
});
