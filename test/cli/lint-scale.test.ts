import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLEAN_SUB, CLI, ensureBuilt, ROOT, tempFiles, trustPolicy } from './run.js';

/**
 * 100,000 roles as an account's `aws iam list-roles` output would hold them (10 files of 10,000): most
 * share a few trust policies written with other white space, key order or URL-encoding, as roles made
 * from one template do, and 1 in 100 has a policy of its own. Hand-written generator.
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
const kindOf = (n: number): Kind => (n % 100 === 0 ? 'own' : n % 10 === 1 ? 'any-owner' : 'clean');

function roleDocument(n: number): unknown {
  const kind = kindOf(n);
  if (kind === 'own') return trustPolicy(`repo:team-${n}/*`, 'StringLike');
  const policy = kind === 'any-owner' ? trustPolicy('repo:*', 'StringLike') : trustPolicy(CLEAN_SUB);
  // The spellings IAM and the AWS CLI give the same document in.
  switch (n % 3) {
    case 0:
      return policy;
    case 1:
      return reversedKeys(policy);
    default:
      return encodeURIComponent(JSON.stringify(policy, null, 4));
  }
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
  it('lints 100,000 roles, one result each under its own name, and exits 1 on the critical ones', () => {
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
    const counts = { own: 0, 'any-owner': 0, clean: 0 };
    results.forEach((result, n) => {
      expect(result.file).toBe(join(files.dir, `roles-${Math.floor(n / ROLES_PER_FILE)}.json#role-${n}`));
      const kind = kindOf(n);
      const rules = new Set(result.findings?.map((f) => f.ruleId));
      counts[kind]++;
      if (kind === 'clean') expect(result.findings).toEqual([]);
      else if (kind === 'any-owner') expect(rules.has('oidc.any-owner')).toBe(true);
      else {
        expect(rules.has('oidc.any-repo')).toBe(true);
        expect(rules.has('oidc.any-owner')).toBe(false);
      }
    });
    expect(counts).toEqual({ own: 1_000, 'any-owner': 10_000, clean: 89_000 });
  });
});
