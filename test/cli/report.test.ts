import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readReport } from '../../shared/report/json.js';
import { ensureBuilt, SAMPLE, SAMPLE_FILES, tempFiles, trustwatch } from './run.js';

beforeAll(ensureBuilt);

const ACCOUNT = '111122223333';

describe('trustwatch report', () => {
  it('writes the HTML, JSON and Markdown of the month under ACCOUNT/YYYY-MM and prints where', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const run = trustwatch([
        'report',
        '--month',
        '2026-10',
        '--state',
        `${SAMPLE}/state.json`,
        ...SAMPLE_FILES,
        '--previous',
        `${SAMPLE}/report-2026-09.json`,
        '--out',
        dir,
      ]);
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const html = join(dir, ACCOUNT, '2026-10', 'report.html');
      expect(run.stdout).toBe(
        `wrote ${html} (and report.json, report.md beside it): 47 open findings, 22 opened, 3 resolved in 2026-10\n`,
      );
      expect(readFileSync(html, 'utf8')).toContain('October 2026 against September 2026');
      expect(readFileSync(join(dir, ACCOUNT, '2026-10', 'report.md'), 'utf8')).toMatch(
        /^# Compliance report: October 2026\n/,
      );
      const json = readReport(
        readFileSync(join(dir, ACCOUNT, '2026-10', 'report.json'), 'utf8'),
        'report.json',
      );
      expect('problem' in json).toBe(false);
    } finally {
      cleanup();
    }
  });

  it("finds the previous month's report under --out, and says so in the report when it has none", () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const args = [
        'report',
        '--state',
        `${SAMPLE}/state.json`,
        '--snapshot',
        `${SAMPLE}/snapshot.json`,
        '--out',
        dir,
      ];
      expect(trustwatch([...args, '--month', '2026-09']).status).toBe(0);
      const september = readFileSync(join(dir, ACCOUNT, '2026-09', 'report.json'), 'utf8');
      expect(september).toContain(
        'No report for August 2026 was found: there is no month-over-month comparison.',
      );
      expect(trustwatch([...args, '--month', '2026-10']).status).toBe(0);
      const october = JSON.parse(readFileSync(join(dir, ACCOUNT, '2026-10', 'report.json'), 'utf8')) as {
        comparison: { previousMonth: string };
      };
      expect(october.comparison.previousMonth).toBe('2026-09');
    } finally {
      cleanup();
    }
  });

  it('reports from the state alone, saying the account state is missing', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      expect(
        trustwatch(['report', '--month', '2026-10', '--state', `${SAMPLE}/state.json`, '--out', dir]).status,
      ).toBe(0);
      const md = readFileSync(join(dir, ACCOUNT, '2026-10', 'report.md'), 'utf8');
      expect(md).toContain(
        'No account snapshot was available: OIDC migration, trusted roles and unused roles are not reported.',
      );
    } finally {
      cleanup();
    }
  });

  it('exits 2 with a clear message for a bad month or an unreadable input, writing nothing', () => {
    const { dir, cleanup } = tempFiles({
      'broken.json': '{"schemaVersion": 1, "findings": 3}',
      'old-report.json': '{"schemaVersion": 9}',
    });
    try {
      const out = join(dir, 'out');
      const cases: [string[], RegExp][] = [
        [
          ['--month', '2026-13', '--state', `${SAMPLE}/state.json`],
          /^trustwatch: --month "2026-13" is not a month: give YYYY-MM, e.g\. 2026-10\n$/,
        ],
        [['--month', 'October', '--state', `${SAMPLE}/state.json`], /--month "October" is not a month/],
        [
          ['--month', '2026-10', '--state', join(dir, 'missing.json')],
          /missing\.json: cannot read \(ENOENT\)/,
        ],
        [['--month', '2026-10', '--state', join(dir, 'broken.json')], /broken\.json: findings: /],
        [
          ['--month', '2026-10', '--state', `${SAMPLE}/state.json`, '--snapshot', join(dir, 'missing.json')],
          /missing\.json: cannot read \(ENOENT\)/,
        ],
        [
          [
            '--month',
            '2026-10',
            '--state',
            `${SAMPLE}/state.json`,
            '--previous',
            join(dir, 'old-report.json'),
          ],
          /old-report\.json: schemaVersion: /,
        ],
        [
          ['--month', '2026-10'],
          /the account is unknown: give --snapshot, a --state with findings, or --account/,
        ],
      ];
      for (const [args, message] of cases) {
        const run = trustwatch(['report', ...args, '--out', out]);
        expect(run.status, args.join(' ')).toBe(2);
        expect(run.stderr).toMatch(message);
      }
      expect(existsSync(out)).toBe(false);
    } finally {
      cleanup();
    }
  });

  it('exits 2 when --out cannot be written', () => {
    const { dir, cleanup } = tempFiles({ 'a-file': 'not a directory' });
    try {
      const run = trustwatch([
        'report',
        '--month',
        '2026-10',
        '--state',
        `${SAMPLE}/state.json`,
        '--out',
        join(dir, 'a-file'),
      ]);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/a-file\/111122223333\/2026-10: cannot create \(ENOTDIR\)/);
    } finally {
      cleanup();
    }
  });

  it('npm start (the demo) ends with the path of the sample account report it wrote', () => {
    const { dir, cleanup } = tempFiles({});
    try {
      const run = trustwatch(['demo', '--out', join(dir, 'reports')]);
      expect(run.status).toBe(0);
      const last = run.stdout.trimEnd().split('\n').slice(-2);
      const html = join(dir, 'reports', ACCOUNT, '2026-10', 'report.html');
      expect(last).toEqual([
        'Monthly compliance report for 2026-10',
        `  wrote ${html} (and report.json, report.md beside it): 47 open findings, 22 opened, 3 resolved in 2026-10`,
      ]);
      expect(readFileSync(html, 'utf8')).toContain('October 2026 against September 2026');
    } finally {
      cleanup();
    }
  });
});
