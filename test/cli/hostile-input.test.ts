import { existsSync, readdirSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { hasHiddenCharacters } from '../../shared/report/visible-text.js';
import { cloudtrailJson } from '../activity/cloudtrail-fixtures.js';
import { CLEAN_SUB, ensureBuilt, json, SAMPLE, tempFiles, trustPolicy, trustwatch } from './run.js';

beforeAll(ensureBuilt);

/** The StopLogging of Panther's compromised-root scenario, its trail renamed by an attacker. */
function stopLogging(trail: string, extra: Record<string, unknown> = {}) {
  const scenario = cloudtrailJson(
    'panther_test-scenario_compromised-root-creds_attacker_cloudtrail.logs.json',
  ) as Record<string, unknown>[];
  const stop = scenario.find((r) => r.eventName === 'StopLogging') as Record<string, unknown>;
  return { ...stop, requestParameters: { name: trail }, ...extra };
}

const ESCAPE_CLEARS_SCREEN = '\u001b[2J\u001b[H';
const FORGED_ROW = '\nCRITICAL  monitor.tampered                  all clear';
const RLO = '\u202e';

describe('record text on the terminal', () => {
  it('cannot clear the screen, forge a row or reverse text in replay output', () => {
    const { dir, cleanup } = tempFiles({
      'events.json': json({ Records: [stopLogging(`trail${ESCAPE_CLEARS_SCREEN}${FORGED_ROW}${RLO}gnol`)] }),
    });
    try {
      for (const format of ['table', 'json', 'asff']) {
        const region = format === 'asff' ? ['--region', 'us-east-1'] : [];
        const run = trustwatch(['events', 'replay', join(dir, 'events.json'), '--format', format, ...region]);
        expect(run.stderr).toBe('');
        // A refused StopLogging is high: exit 1.
        expect(run.status, format).toBe(1);
        expect(hasHiddenCharacters(run.stdout.replace(/\n/g, '')), format).toBe(false);
        expect(run.stdout).not.toContain('\u001b');
        expect(run.stdout).not.toContain(RLO);
        expect(run.stdout.split('\n').filter((l) => l.startsWith('CRITICAL'))).toEqual([]);
      }
      const table = trustwatch(['events', 'replay', join(dir, 'events.json')]).stdout;
      expect(table).toContain('trail\\x1b[2J\\x1b[H\\nCRITICAL  monitor.tampered');
      expect(table).toContain('\\u202egnol');
    } finally {
      cleanup();
    }
  });

  it('keeps escapes and HTML inert in lint output of every format', () => {
    const hostile = `repo:acme/<img src=x onerror=alert(1)>${ESCAPE_CLEARS_SCREEN}${RLO}:*`;
    const { dir, cleanup } = tempFiles({ 'policy.json': json(trustPolicy(hostile, 'StringLike')) });
    try {
      for (const format of ['table', 'json', 'markdown', 'sarif']) {
        const run = trustwatch(['lint', join(dir, 'policy.json'), '--format', format]);
        expect(run.stderr, format).toBe('');
        expect(run.stdout, format).toContain('onerror=alert(1)');
        expect(run.stdout, format).not.toContain('\u001b');
        expect(run.stdout, format).not.toContain(RLO);
        if (format === 'markdown') {
          expect(run.stdout).not.toMatch(/(?<!\\)<img/);
          expect(run.stdout).toContain('\\<img src=x onerror=alert(1)\\>');
        }
      }
    } finally {
      cleanup();
    }
  });

  it('keeps controls in an error message inert', () => {
    const run = trustwatch(['lint', `no-such${ESCAPE_CLEARS_SCREEN}.json`, '--format', 'markdown']);
    expect(run.status).toBe(2);
    expect(run.stdout).not.toContain('\u001b');
    const explain = trustwatch(['explain', '--policy', `gone${ESCAPE_CLEARS_SCREEN}`, '--sub', 'x']);
    expect(explain.stderr).toContain('gone\\x1b[2J');
    expect(explain.stderr).not.toContain('\u001b');
  });
});

describe('deeply nested JSON', () => {
  const deep = `{"Version":"2012-10-17","Statement":${'['.repeat(50_000)}${']'.repeat(50_000)}}`;

  it('is a reason for that file in lint, which keeps the good files results', () => {
    const { dir, cleanup } = tempFiles({
      'deep.json': deep,
      'good.json': json(trustPolicy('repo:*', 'StringLike')),
    });
    try {
      const run = trustwatch(['lint', join(dir, 'deep.json'), join(dir, 'good.json'), '--format', 'json']);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(2);
      const { results } = JSON.parse(run.stdout) as {
        results: { file: string; error?: string; findings?: { ruleId: string }[] }[];
      };
      expect(results[0]?.error).toMatch(/nested more than 32 levels deep/);
      expect(results[1]?.findings?.map((f) => f.ruleId)).toContain('oidc.any-owner');
    } finally {
      cleanup();
    }
  });

  it('is a clean exit 2 in compare and explain', () => {
    const { dir, cleanup } = tempFiles({ 'deep.json': deep, 'good.json': json(trustPolicy(CLEAN_SUB)) });
    try {
      for (const args of [
        ['compare', join(dir, 'good.json'), join(dir, 'deep.json')],
        ['explain', '--policy', join(dir, 'deep.json'), '--sub', CLEAN_SUB],
      ]) {
        const run = trustwatch(args);
        expect(run.status).toBe(2);
        expect(run.stderr).toMatch(/deep\.json: nested more than 32 levels deep/);
        expect(run.stderr).not.toMatch(/internal error|RangeError/);
      }
    } finally {
      cleanup();
    }
  });
});

describe('policies larger than IAM takes', () => {
  /** One statement whose single subject value is long enough to make the document `chars` long, white space not counted. */
  const sized = (chars: number) => {
    const base = JSON.stringify(trustPolicy(CLEAN_SUB)).length;
    return json(trustPolicy(`${CLEAN_SUB}${'x'.repeat(chars - base)}`));
  };

  it('reports a trust policy over 8,192 characters as such, and analyses one just under', () => {
    const { dir, cleanup } = tempFiles({ 'over.json': sized(8193), 'under.json': sized(8192) });
    try {
      const run = trustwatch(['lint', join(dir, 'over.json'), join(dir, 'under.json'), '--format', 'json']);
      expect(run.status).toBe(2);
      const { results } = JSON.parse(run.stdout) as { results: { error?: string; findings?: unknown[] }[] };
      expect(results[0]?.error).toMatch(
        /8,193 characters \(white space not counted\): IAM takes at most 2,048 \(8,192 with the quota raised\)/,
      );
      expect(results[1]?.findings).toBeDefined();
    } finally {
      cleanup();
    }
  });

  it('names the role of list-roles output whose policy is too large', () => {
    const roles = {
      Roles: [
        { RoleName: 'ok', AssumeRolePolicyDocument: trustPolicy(CLEAN_SUB) },
        { RoleName: 'big', AssumeRolePolicyDocument: JSON.parse(sized(20_000)) },
      ],
    };
    const { dir, cleanup } = tempFiles({ 'roles.json': json(roles) });
    try {
      const run = trustwatch(['lint', join(dir, 'roles.json')]);
      expect(run.status).toBe(2);
      expect(run.stdout).toMatch(/Roles\[1\]: the trust policy is 20,000 characters/);
    } finally {
      cleanup();
    }
  });

  it('gives up on a policy within the limit whose patterns are too complex, keeping the other files', () => {
    // 7,800 characters of overlapping wildcards: an exact analysis of this runs for minutes in gigabytes;
    // the engine's search budget refuses it, naming where it went past the budget.
    const values = Array.from({ length: 40 }, (_, i) => `repo:o*r${i}/*:ref:refs/*/m?in*`);
    const statement = (k: number) => ({
      Effect: 'Allow',
      Principal: { Federated: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com' },
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringLike: {
          'token.actions.githubusercontent.com:sub': values.map((v) => `${v}${k}`),
          'token.actions.githubusercontent.com:job_workflow_ref': values.slice(0, 10).map((v) => `${v}@*`),
        },
      },
    });
    const nasty = { Version: '2012-10-17', Statement: [0, 1, 2, 3].map(statement) };
    const { dir, cleanup } = tempFiles({
      'nasty.json': JSON.stringify(nasty),
      'good.json': json(trustPolicy('repo:*', 'StringLike')),
    });
    try {
      const started = Date.now();
      const run = trustwatch(['lint', join(dir, 'nasty.json'), join(dir, 'good.json'), '--format', 'json']);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(run.status).toBe(2);
      const { results } = JSON.parse(run.stdout) as {
        results: { error?: string; findings?: { ruleId: string }[] }[];
      };
      expect(results[0]?.error).toMatch(
        /^the policy is too complex to analyse exactly: condition key token\.actions\.githubusercontent\.com:(sub|job_workflow_ref) in statement [0-3] needs more search than the budget allows$/,
      );
      expect(results[1]?.findings?.map((f) => f.ruleId)).toContain('oidc.any-owner');
    } finally {
      cleanup();
    }
  });

  it('refuses a file too large to be policies without reading it', () => {
    const { dir, cleanup } = tempFiles({ 'huge.json': '' });
    try {
      truncateSync(join(dir, 'huge.json'), 900 * 1024 * 1024);
      const run = trustwatch(['lint', join(dir, 'huge.json')]);
      expect(run.status).toBe(2);
      expect(run.stdout).toMatch(/larger than 32 MiB/);
    } finally {
      cleanup();
    }
  });
});

describe('account ids and months that would misplace a report', () => {
  it('refuses an account id that is not 12 digits, writing nothing outside --out', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const out = join(dir, 'out', 'nested');
      const run = trustwatch(['report', '--month', '2026-10', '--out', out, '--account', '../../escaped']);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/--account: "..\/..\/escaped" is not an AWS account id \(12 digits\)/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      cleanup();
    }
  });

  it('refuses a state whose findings carry a hostile recipientAccountId', () => {
    const { dir, cleanup } = tempFiles({
      'events.json': json({ Records: [stopLogging('t', { recipientAccountId: '../../escaped' })] }),
    });
    try {
      const state = join(dir, 'state.json');
      trustwatch(['events', 'replay', join(dir, 'events.json'), '--state', state]);
      const out = join(dir, 'out', 'nested');
      const run = trustwatch(['report', '--month', '2020-11', '--out', out, '--state', state]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/is not an AWS account id \(12 digits\) \(give --account\)/);
      expect(existsSync(join(dir, 'escaped'))).toBe(false);
      expect(existsSync(join(dir, 'out'))).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('refuses --month 0000-01 instead of reporting 1900', () => {
    const run = trustwatch([
      'report',
      '--month',
      '0000-01',
      '--out',
      'unused',
      '--state',
      `${SAMPLE}/state.json`,
    ]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--month "0000-01": the year must be 1970 or later/);
  });
});

describe('configuration and credentials', () => {
  it('refuses a misspelt config key, suggesting the right one', () => {
    const { dir, cleanup } = tempFiles({ 'config.json': json({ maxKeyAgeDay: 30 }) });
    try {
      const run = trustwatch([
        'audit',
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--config',
        join(dir, 'config.json'),
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/unknown key "maxKeyAgeDay" \(did you mean "maxKeyAgeDays"\?\)/);
    } finally {
      cleanup();
    }
  });

  it('says cleanly that activity has no credentials, as audit does', () => {
    const run = trustwatch(['activity', '--since', '1h'], {
      env: {
        AWS_ACCESS_KEY_ID: '',
        AWS_SECRET_ACCESS_KEY: '',
        AWS_SESSION_TOKEN: '',
        AWS_PROFILE: '',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '',
        AWS_CONTAINER_CREDENTIALS_FULL_URI: '',
        AWS_WEB_IDENTITY_TOKEN_FILE: '',
      },
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/^trustwatch: cannot read the account: .*Could not load credentials/m);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
