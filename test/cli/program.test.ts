import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureBuilt, ROOT, SAMPLE, tempFiles, trustwatch } from './run.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

beforeAll(ensureBuilt);

describe('trustwatch', () => {
  it('prints the package version, and how long starting up takes', () => {
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const start = performance.now();
      const run = trustwatch(['--version']);
      times.push(performance.now() - start);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${pkg.version}\n`);
    }
    times.sort((a, b) => a - b);
    console.log(
      `trustwatch --version: median ${(((times[4] ?? 0) + (times[5] ?? 0)) / 2).toFixed(0)} ms of 10 runs`,
    );
  });

  it('is an executable file that runs without node on the command line', () => {
    expect(statSync(CLI).mode & 0o111).toBe(0o111);
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    const run = spawnSync(CLI, ['--version'], { encoding: 'utf8' });
    expect(run.stdout).toBe(`${pkg.version}\n`);
  });

  it('exits 2 on bad usage and 0 for help', () => {
    expect(trustwatch([]).status).toBe(2);
    const unknown = trustwatch(['audti']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'audti'");
    expect(trustwatch(['lint']).status).toBe(2);
    expect(trustwatch(['lint', 'x.json', '--no-such-option']).status).toBe(2);
    const help = trustwatch(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/lint .*\n[\s\S]*compare .*\n[\s\S]*explain /);
  });

  it('stops quietly when its reader closes the pipe before reading all of the output', () => {
    // More than a pipe holds, read by a reader that stops at the first line, as `| head -1` does.
    const args = ['audit', '--snapshot', join(SAMPLE, 'snapshot.json'), '--format', 'asff'];
    expect(trustwatch(args).stdout.length).toBeGreaterThan(64 * 1024);
    const run = spawnSync('sh', ['-c', '"$@" | head -1', 'sh', process.execPath, CLI, ...args], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(run.stdout).toBe('{\n');
    expect(run.stderr).not.toMatch(/EPIPE|Error|at /);
  });

  it('runs the demo on the bundled sample account and exits 0, as npm start does', () => {
    // Run elsewhere so that the report the demo writes (into trustwatch-report/) stays out of the tree.
    const { dir, cleanup } = tempFiles({});
    const run = trustwatch(['demo'], { cwd: dir });
    cleanup();
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(/audit of the sample account 111122223333/);
    expect(run.stdout).toMatch(/35 roles, 12 of them trusted by GitHub Actions/);
    // The widened role comes first, with its proof.
    expect(run.stdout).toMatch(
      /What needs attention first\n {2}CRITICAL drift\.trust-wider: gh-deploy-web-prod[^\n]*\n +was: +repo:acme-corp\/web:environment:production\n +now: +repo:acme-corp\/\*\n +gets in now, refused before: repo:acme-corp\//,
    );
    expect(run.stdout).toMatch(/CRITICAL oidc\.any-owner: gh-ecr-push: .*e\.g\. sub "repo:some-other-org\//);
    expect(run.stdout).not.toMatch(/role\.admin-permissions/);
    // Then the recorded events, through the same watches the deployed functions run.
    expect(run.stdout).toMatch(/Real-time watch: a morning of CloudTrail events/);
    expect(run.stdout).toMatch(
      /activity\.novel-subject: gh-deploy-web-prod was assumed by "repo:acme-corp\/marketing-site/,
    );
    expect(run.stdout).toMatch(
      /activity\.assume-denied: gh-deploy-payments-prod refused .* the job has no environment/,
    );
    expect(run.stdout).toContain(
      'monitor.tampered: DisableRule on trustwatch-iam-events by arn:aws:iam::111122223333:user/alice',
    );
    expect(run.stdout).toMatch(
      /compare deploy-production\.json → deploy-production-widened\.json: WIDER\n {2}newly admitted: repo:my-org\//,
    );
    expect(run.stdout).toContain(
      'explain deploy-production.json for sub repo:my-org/payments-api:ref:refs/heads/main: REFUSED',
    );
  });
});
