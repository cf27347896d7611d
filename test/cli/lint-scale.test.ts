import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_SUB, CLI, ensureBuilt, ROOT, tempFiles, trustPolicy } from './run.js';

/**
 * The suite's scale test, the heaviest of `npm test`: about 10 s of CPU for the CLI on a quiet
 * machine of 2 cores (no timing is asserted; the timeout below only stops a hang).
 *
 * 100,000 roles as an account's `aws iam list-roles` output would hold them (10 files of 10,000): most
 * share a few trust policies written with other key order or URL-encoding, as roles made from one
 * template do, and 1 in 500 has a policy of its own. Hand-written generator.
 */
const FILES = 10;
const ROLES_PER_FILE = 10_000;
const ROLES = FILES * ROLES_PER_FILE;

/** The same document with its keys in reverse order, at every level: equal for IAM. */
function reversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversedKeys);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([k, v]) => [k, reversedKeys(v)]),
    );
  return value;
}

type Kind = 'own' | 'any-owner' | 'clean';
const kindOf = (n: number): Kind => (n % 500 === 0 ? 'own' : n % 10 === 1 ? 'any-owner' : 'clean');

function roleDocument(n: number): unknown {
  const kind = kindOf(n);
  if (kind === 'own') return trustPolicy(`repo:team-${n}/*`, 'StringLike');
  const policy = kind === 'any-owner' ? trustPolicy('repo:*', 'StringLike') : trustPolicy(CLEAN_SUB);
  // The spellings the AWS CLI and the IAM API give the same document in.
  if (n % 10 === 2) return encodeURIComponent(JSON.stringify(policy, null, 2));
  return n % 2 === 0 ? policy : reversedKeys(policy);
}

function listRoles(file: number): string {
  const roles = Array.from({ length: ROLES_PER_FILE }, (_, i) => {
    const n = file * ROLES_PER_FILE + i;
    return {
      RoleName: `role-${n}`,
      Arn: `arn:aws:iam::123456789012:role/role-${n}`,
      AssumeRolePolicyDocument: roleDocument(n),
    };
  });
  return JSON.stringify({ Roles: roles });
}

const files = tempFiles(
  Object.fromEntries(Array.from({ length: FILES }, (_, f) => [`roles-${f}.json`, listRoles(f)])),
);

beforeAll(ensureBuilt);
afterAll(files.cleanup);

interface JsonResult {
  file: string;
  findings?: { ruleId: string; severity: string }[];
  error?: string;
}

describe('trustwatch lint at scale', () => {
  it('lints 100,000 roles, one result each under its own name, and exits 1 on the critical ones', {
    timeout: 300_000,
  }, () => {
    const paths = Array.from({ length: FILES }, (_, f) => join(files.dir, `roles-${f}.json`));
    // Tens of megabytes of output: to a file, not through a pipe buffer.
    const outPath = join(files.dir, 'out.json');
    const out = openSync(outPath, 'w');
    const run = spawnSync(process.execPath, [CLI, 'lint', ...paths, '--format', 'json'], {
      cwd: ROOT,
      stdio: ['ignore', out, 'pipe'],
      encoding: 'utf8',
    });
    closeSync(out);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(1);
    const { results } = JSON.parse(readFileSync(outPath, 'utf8')) as { results: JsonResult[] };
    expect(results).toHaveLength(ROLES);
    // Checked one by one, reported together: 100,000 expect calls would cost more than the lint.
    const counts = { own: 0, 'any-owner': 0, clean: 0 };
    const wrong: string[] = [];
    results.forEach((result, n) => {
      const kind = kindOf(n);
      counts[kind]++;
      const rules = new Set(result.findings?.map((f) => f.ruleId));
      const right =
        result.file === join(files.dir, `roles-${Math.floor(n / ROLES_PER_FILE)}.json#role-${n}`) &&
        (kind === 'clean'
          ? result.findings?.length === 0
          : kind === 'any-owner'
            ? rules.has('oidc.any-owner')
            : rules.has('oidc.any-repo') && !rules.has('oidc.any-owner'));
      if (!right) wrong.push(`${n} (${kind}): ${JSON.stringify(result).slice(0, 300)}`);
    });
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(counts).toEqual({ own: 200, 'any-owner': 10_000, clean: 89_800 });
  });
});
