import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subsequenceUnion } from '../support/hostile-policies.js';
import { CLEAN_SUB, ensureBuilt, json, ROOT, type Run, tempFiles, trustPolicy, trustwatch } from './run.js';

beforeAll(ensureBuilt);

/** list-roles output of `count` roles, every third one trusting any owner. */
const listRoles = (prefix: string, count: number) =>
  json({
    Roles: Array.from({ length: count }, (_, i) => ({
      RoleName: `${prefix}-${i}`,
      AssumeRolePolicyDocument:
        i % 3 === 0
          ? trustPolicy('repo:*', 'StringLike')
          : trustPolicy(`repo:acme/app-${i}:ref:refs/heads/main`),
    })),
  });

// Hand-written files: good ones, unreadable ones, one whose analysis outlasts the file timeout (the
// subsequence-union family needs about a second of search before its budget refuses it), and the
// infrastructure-code forms, in an order where later files finish while an earlier one still runs.
const { dir, cleanup } = tempFiles({
  'a-roles.json': listRoles('a', 40),
  'b-broken.json': '{"Version": "2012-10-17", "Statement": [',
  'c-hostile.json': json(subsequenceUnion(16)),
  'd-roles.json': listRoles('d', 25),
  'e-clean.json': json(trustPolicy(CLEAN_SUB)),
  'f-hostile-roles.json': json({
    Roles: [
      { RoleName: 'hostile', AssumeRolePolicyDocument: subsequenceUnion(16, 'Other') },
      { RoleName: 'fine', AssumeRolePolicyDocument: trustPolicy('repo:acme/*', 'StringLike') },
    ],
  }),
  'g-roles.json': listRoles('g', 10),
});
afterAll(cleanup);

const FIXTURES = join(ROOT, 'test/fixtures');
/**
 * Files of every kind, two of them outlasting a file timeout of 0.2 s (below). The timeout sits between
 * the slowest step of the other files (about 50 ms) and the search the hostile ones need before the
 * budget refuses them (about 0.7 s), with room both ways: the YAML template with short tags, whose
 * policies take about 150 ms, is checked with the infrastructure files, without a timeout.
 */
const TIMING_OUT = [
  join(dir, 'a-roles.json'),
  join(dir, 'b-broken.json'),
  join(dir, 'no-such-file.json'),
  join(dir, 'c-hostile.json'),
  join(dir, 'd-roles.json'),
  join(FIXTURES, 'terraform/hand-written-plan.json'),
  join(dir, 'e-clean.json'),
  join(dir, 'f-hostile-roles.json'),
  join(FIXTURES, 'iac/cloudformation/federation-and-role.json'),
  join(dir, 'g-roles.json'),
];
/** With Terraform configuration too, whose first reading in a worker can take longer than the timeout above. */
const INFRASTRUCTURE = [
  join(FIXTURES, 'terraform/config'),
  join(dir, 'a-roles.json'),
  join(FIXTURES, 'iac/cloudformation/public'),
  join(dir, 'b-broken.json'),
  join(FIXTURES, 'terraform/checkov_CKV_AWS_358_data_example_tfplan.json'),
  join(dir, 'no-such-file.json'),
  join(FIXTURES, 'iac/cloudformation/github-oidc-short-tags.yaml'),
  join(dir, 'g-roles.json'),
];

const lint = (files: string[], format: string, workers: string[], env?: Record<string, string>): Run =>
  trustwatch(
    [
      'lint',
      ...files,
      '--format',
      format,
      ...(files === TIMING_OUT ? ['--file-timeout', '0.2'] : []),
      ...workers,
    ],
    env ? { env } : {},
  );

describe('lint in several workers', () => {
  it.each(
    ['table', 'json', 'markdown', 'sarif'].flatMap(
      (format) =>
        [
          [format, 'TIMING_OUT', TIMING_OUT],
          [format, 'INFRASTRUCTURE', INFRASTRUCTURE],
        ] as const,
    ),
  )('writes %s output of %s identical to one worker, in the order of the files given', (format, _, files) => {
    const one = lint(files, format, ['--workers', '1']);
    const two = lint(files, format, ['--workers', '2']);
    expect(one.stderr).toBe('');
    expect(two.stderr).toBe('');
    expect(one.status).toBe(2);
    expect(two.status).toBe(one.status);
    expect(two.stdout).toBe(one.stdout);
    if (format === 'json')
      expect(lint(files, format, [], { TRUSTWATCH_LINT_WORKERS: '3' }).stdout).toBe(one.stdout);
  });

  it('gives each file its own answer: the timed-out files, the unreadable ones and the rest', () => {
    const run = lint(TIMING_OUT, 'json', ['--workers', '2']);
    const { results } = JSON.parse(run.stdout) as {
      results: { file: string; error?: string; findings?: { ruleId: string }[] }[];
    };
    const byFile = (name: string) => results.filter((r) => r.file.includes(name));
    expect(results.map((r) => r.file.replace(`${dir}/`, '')).slice(0, 42)).toEqual([
      ...Array.from({ length: 40 }, (_, i) => `a-roles.json#a-${i}`),
      'b-broken.json',
      'no-such-file.json',
    ]);
    expect(byFile('c-hostile.json')).toEqual([
      {
        file: join(dir, 'c-hostile.json'),
        error: 'not decided within 0.2 s: too complex to analyse; nothing was concluded about it',
      },
    ]);
    expect(byFile('d-roles.json')).toHaveLength(25);
    expect(byFile('g-roles.json')).toHaveLength(10);
    const hostileRoles = byFile('f-hostile-roles.json');
    expect(hostileRoles.map((r) => r.error)).toEqual([
      'not decided within 0.2 s: too complex to analyse; nothing was concluded about it',
    ]);
    expect(byFile('hand-written-plan.json').length).toBeGreaterThan(0);
    expect(byFile('federation-and-role.json').length).toBeGreaterThan(0);
    expect(results.filter((r) => r.error)).toHaveLength(4);
  });

  it('refuses a count of workers that is not a whole number of 1 or more', () => {
    for (const count of ['0', '1.5', 'two']) {
      const run = trustwatch(['lint', join(dir, 'e-clean.json'), '--workers', count]);
      expect(run.status, count).toBe(2);
      expect(run.stderr, count).toMatch(/--workers <count>.*give a whole number of 1 or more/);
    }
  });
});
