import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { appSettings } from '../../infra/app-context.js';
import { trustwatchStacks } from '../../infra/stacks.js';

/** A deployment with every channel and a second watched region: most tests look at this one. */
export const FULL_CONTEXT = {
  region: 'eu-west-1',
  watchedRegions: 'eu-west-1,us-west-2',
  alertEmails: 'security@example.com,platform@example.com',
  slackWebhookSecretName: 'trustwatch/slack-webhook',
  baselineFile: 'examples/sample-account/baseline.json',
  configFile: 'examples/sample-account/trustwatch.config.json',
  allowedOwners: 'acme-corp',
  emailMinimum: 'high',
  slackMinimum: 'medium',
  securityHub: 'true',
};

/**
 * The deployment a StackSet gives every account of an organization: each account's baseline and
 * config read from the organization's bucket (under the account's id) instead of bundled.
 */
export const ORGANIZATION_CONTEXT = {
  ...Object.fromEntries(Object.entries(FULL_CONTEXT).filter(([key]) => key !== 'baselineFile')),
  baselineLocation: 's3://acme-trustwatch-baselines/org/baselines',
  baselineLocationKeyArn: 'arn:aws:kms:eu-west-1:999988887777:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
};

export interface Synthesized {
  app: App;
  monitor: Stack;
  forwarders: Stack[];
  central?: Stack;
  /** The monitor stack's template; asking for it synthesizes the app. */
  readonly template: Template;
  outdir: string;
}

/** The app as `cdk synth` builds it from this context; bundling is skipped unless asked for. */
export function synth(
  context: Record<string, unknown> = FULL_CONTEXT,
  options: { bundle?: boolean } = {},
): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'trustwatch-cdk-'));
  const app = new App({
    outdir,
    context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] },
  });
  const { monitor, forwarders, central } = trustwatchStacks(app, appSettings(context));
  return {
    app,
    monitor,
    forwarders,
    ...(central ? { central } : {}),
    outdir,
    // Lazily: a template synthesizes the app, after which plugins added to it would never run.
    get template() {
      return Template.fromStack(monitor);
    },
  };
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/** The actions each function's role may take, sorted, by function name (`trustwatch-audit` …). */
export function functionActions(template: Template): Record<string, string[]> {
  const resources = template.toJSON().Resources as Resources;
  const out: Record<string, string[]> = {};
  for (const fn of Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
    const roleId = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const actions = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === roleId))
      .flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    out[fn.Properties.FunctionName as string] = [...new Set(actions)].sort();
  }
  return out;
}
