import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { appSettings } from '../../infra/app-context.js';
import { TrustwatchBaselineBucket } from '../../infra/baseline-bucket.js';
import { trustwatchStacks } from '../../infra/stacks.js';
import { CFN_LINT, describeWithTool } from '../support/tool-suite.js';
import {
  type DeployedFunction,
  decision,
  deployedFunctions,
  type TemplateJson,
  templateResolver,
} from './deployed-roles.js';
import { ORGANIZATION_CONTEXT, synth } from './synth.js';

const ORGANIZATION = 'o-a1b2c3d4e5';
const SECURITY = { account: '999988887777', region: 'eu-west-1' };
const MEMBER = { account: '111122223333', region: 'eu-west-1' };
const BUCKET = 'acme-trustwatch-baselines';

function bucketStack(outdir?: string) {
  const app = new App(outdir ? { outdir } : {});
  const stack = new Stack(app, 'TrustwatchBaselines', { env: SECURITY });
  const baselines = new TrustwatchBaselineBucket(stack, 'Baselines', {
    organizationId: ORGANIZATION,
    bucketName: BUCKET,
    prefix: 'org/baselines',
  });
  return { app, stack, baselines };
}

describe("the organization's baseline bucket", () => {
  it('gives the location the monitors are deployed with', () => {
    expect(bucketStack().baselines.location).toBe(ORGANIZATION_CONTEXT.baselineLocation);
  });

  it("lets a monitor of the organization read its own account's files and write only its proposal", async () => {
    const template = Template.fromStack(bucketStack().stack).toJSON() as TemplateJson;
    const policy = Object.values(template.Resources).find((r) => r.Type === 'AWS::S3::BucketPolicy');
    const bucketPolicy = templateResolver(template, SECURITY)(policy?.Properties?.PolicyDocument);
    // The audit function as a member account deploys the monitor that reads from this bucket.
    const audit = deployedFunctions(synth(ORGANIZATION_CONTEXT).template.toJSON() as TemplateJson, MEMBER)[
      'trustwatch-audit'
    ] as DeployedFunction;
    const ask = (action: string, key: string, org = ORGANIZATION) =>
      decision(audit, action, `arn:aws:s3:::${BUCKET}/${key}`, SECURITY.account, {
        resourcePolicy: bucketPolicy,
        context: { 'aws:PrincipalOrgID': org, 'aws:PrincipalAccount': MEMBER.account },
      });
    const own = `org/baselines/${MEMBER.account}`;
    expect(await ask('s3:GetObject', `${own}/baseline.json`)).toBe('Allowed');
    expect(await ask('s3:GetObject', `${own}/trustwatch.config.json`)).toBe('Allowed');
    expect(await ask('s3:PutObject', `${own}/baseline.proposed.json`)).toBe('Allowed');
    expect(await ask('s3:PutObject', `${own}/baseline.json`)).not.toBe('Allowed');
    expect(await ask('s3:GetObject', 'org/baselines/444455556666/baseline.json')).not.toBe('Allowed');
    expect(await ask('s3:GetObject', `${own}/baseline.json`, 'o-zzzzzzzzzz')).not.toBe('Allowed');
    // The bucket keeps accounts apart on its own, whatever a member's roles may do.
    const anything = {
      ...audit,
      policies: [{ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] }],
    };
    const context = { 'aws:PrincipalOrgID': ORGANIZATION, 'aws:PrincipalAccount': MEMBER.account };
    const byAnything = (action: string, key: string) =>
      decision(anything, action, `arn:aws:s3:::${BUCKET}/${key}`, SECURITY.account, {
        resourcePolicy: bucketPolicy,
        context,
      });
    expect(await byAnything('s3:GetObject', `${own}/baseline.json`)).toBe('Allowed');
    expect(await byAnything('s3:GetObject', 'org/baselines/444455556666/baseline.json')).not.toBe('Allowed');
    expect(await byAnything('s3:PutObject', `${own}/baseline.json`)).not.toBe('Allowed');
    expect(await byAnything('s3:DeleteObject', `${own}/baseline.json`)).not.toBe('Allowed');
  }, 60_000);

  it('passes cdk-nag AwsSolutionsChecks, every acknowledgement saying why', () => {
    const { app } = bucketStack();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const outdir = app.synth().directory;
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { conclusion: string; suppressedViolations: { reason: string }[] }[];
    };
    expect(report.pluginReports.map((p) => p.conclusion)).toEqual(['success']);
    for (const p of report.pluginReports)
      for (const a of p.suppressedViolations) expect(a.reason.length).toBeGreaterThan(20);
  });

  it('is part of the app when the context names it, and the monitor then reads its baseline there', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const context = { region: 'eu-west-1', centralOrganizationId: ORGANIZATION, baselineBucketName: BUCKET };
    const stacks = trustwatchStacks(app, appSettings(context));
    expect(stacks.baselines?.stackName).toBe('TrustwatchBaselines');
    Template.fromStack(stacks.baselines as Stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketName: BUCKET,
    });
    const audit = Template.fromStack(stacks.monitor).findResources('AWS::Lambda::Function', {
      Properties: { FunctionName: 'trustwatch-audit' },
    });
    expect(
      Object.values(audit).map(
        (f) =>
          (f as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment
            .Variables.TRUSTWATCH_BASELINE_LOCATION,
      ),
    ).toEqual([`s3://${BUCKET}/baselines`]);
    expect(() => appSettings({ region: 'eu-west-1', baselineBucketName: BUCKET })).toThrow(
      'baselineBucketName needs centralOrganizationId',
    );
  });

  it('refuses an organization id or bucket name that is not one', () => {
    const stack = new Stack(new App(), 'S', { env: SECURITY });
    expect(
      () => new TrustwatchBaselineBucket(stack, 'A', { organizationId: 'acme', bucketName: BUCKET }),
    ).toThrow('organizationId: "acme" is not an AWS Organizations id');
    expect(
      () =>
        new TrustwatchBaselineBucket(stack, 'B', {
          organizationId: ORGANIZATION,
          bucketName: 'Acme_Baselines',
        }),
    ).toThrow('the bucket name "Acme_Baselines" is not a valid S3 bucket name');
  });
});

describeWithTool(CFN_LINT, 'cfn-lint', () => {
  it("finds no error or warning in the baseline bucket's template", () => {
    const outdir = bucketStack().app.synth().directory;
    const lint = spawnSync(
      'cfn-lint',
      ['--format', 'parseable', join(outdir, 'TrustwatchBaselines.template.json')],
      {
        encoding: 'utf8',
      },
    );
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
