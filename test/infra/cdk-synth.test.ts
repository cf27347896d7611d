import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkEsbuildOptions } from '../../bench/cdk-esbuild.js';
import { bundlingFor } from '../../infra/bundling.js';
import { lambdaNode } from '../support/lambda-node.js';

const root = join(import.meta.dirname, '../..');
const CONTEXT = {
  region: 'eu-west-1',
  watchedRegions: 'eu-west-1,us-west-2',
  slackWebhookSecretName: 'trustwatch/slack-webhook',
  baselineFile: 'examples/sample-account/baseline.json',
  configFile: 'examples/sample-account/trustwatch.config.json',
};

/** A value for a variable whose value is a reference in the template (a table name, a topic ARN). */
const placeholder = (key: string) =>
  key.endsWith('_ARN') ? `arn:aws:sns:eu-west-1:111122223333:${key.toLowerCase()}` : `placeholder-${key}`;

interface FunctionResource {
  Type: string;
  Properties: {
    FunctionName: string;
    Code: { S3Key: string };
    Environment: { Variables: Record<string, unknown> };
  };
}

/**
 * `npx cdk synth` as a user runs it, with no AWS credentials, no AWS config and no instance metadata:
 * the one test that bundles the real function code.
 */
describe('npx cdk synth, offline, without credentials', () => {
  const work = mkdtempSync(join(tmpdir(), 'trustwatch-synth-'));
  const out = join(work, 'cdk.out');
  let status: number | null;
  let output: string;

  beforeAll(() => {
    mkdirSync(join(work, 'home'));
    const result = spawnSync(
      'npx',
      [
        'cdk',
        'synth',
        '--quiet',
        '--output',
        out,
        ...Object.entries(CONTEXT).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
      ],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          HOME: join(work, 'home'),
          CDK_DISABLE_VERSION_CHECK: '1',
          AWS_EC2_METADATA_DISABLED: 'true',
          npm_config_update_notifier: 'false',
        },
        timeout: 300_000,
      },
    );
    status = result.status;
    output = result.stdout + result.stderr;
  }, 300_000);

  it('succeeds and writes the monitor and forwarder templates', () => {
    expect(status, output).toBe(0);
    expect(
      readdirSync(out)
        .filter((f) => f.endsWith('.template.json'))
        .sort(),
    ).toEqual([
      'Trustwatch.template.json',
      'TrustwatchEvents-us-east-1.template.json',
      'TrustwatchEvents-us-west-2.template.json',
    ]);
  });

  it('bundles each function into one ES module that loads with no node_modules, with its files beside it', () => {
    const template = JSON.parse(readFileSync(join(out, 'Trustwatch.template.json'), 'utf8')) as {
      Resources: Record<string, FunctionResource>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBe(7);
    for (const fn of functions) {
      const asset = join(out, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      const name = fn.Properties.FunctionName;
      const files = readdirSync(asset).sort();
      const settingsFiles =
        name === 'trustwatch-slack-notifier' ? [] : ['baseline.json', 'trustwatch.config.json'];
      expect(files, name).toEqual(['index.mjs', 'index.mjs.map', ...settingsFiles].sort());
      // The out folder is under the system temp folder: no node_modules above it to fall back on.
      expect(existsSync(join(work, 'node_modules'))).toBe(false);
      const load = spawnSync(
        lambdaNode(),
        [
          '--input-type=module',
          '-e',
          "const m = await import(process.argv[1]); if (typeof m.handler !== 'function') throw new Error('no handler');",
          join(asset, 'index.mjs'),
        ],
        {
          encoding: 'utf8',
          cwd: asset,
          // The environment the stack gives the function, its references as placeholders and /var/task
          // as the asset folder: a variable the function needs and the stack forgets fails the load.
          env: {
            PATH: process.env.PATH,
            AWS_REGION: 'eu-west-1',
            ...Object.fromEntries(
              Object.entries(fn.Properties.Environment.Variables).map(([key, value]) => [
                key,
                typeof value === 'string' ? value.replace(/^\/var\/task\//, `${asset}/`) : placeholder(key),
              ]),
            ),
          },
        },
      );
      expect(load.status, `${name}: ${load.stderr}`).toBe(0);
    }
  });

  it('deploys the very bundles the bench measures and the bundle tests run (bench/cdk-esbuild.ts)', async () => {
    const template = JSON.parse(readFileSync(join(out, 'Trustwatch.template.json'), 'utf8')) as {
      Resources: Record<string, FunctionResource>;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBe(7);
    for (const fn of functions) {
      const name = fn.Properties.FunctionName.replace(/^trustwatch-/, '');
      const outdir = join(work, 'bench', name);
      await build({
        ...cdkEsbuildOptions(bundlingFor(name), join(root, 'functions', name, 'index.ts'), outdir),
        logLevel: 'error',
      });
      const asset = join(out, `asset.${fn.Properties.Code.S3Key.replace(/\.zip$/, '')}`);
      expect(readFileSync(join(outdir, 'index.mjs'), 'utf8'), name).toBe(
        readFileSync(join(asset, 'index.mjs'), 'utf8'),
      );
    }
  }, 120_000);
});
