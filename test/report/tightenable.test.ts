/** The report's "can be tightened" section: computed from the trust policies and the 90 days of counters. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../shared/config/config.js';
import type { Snapshot } from '../../shared/inventory/snapshot.js';
import { buildReport } from '../../shared/report/aggregate.js';
import { renderHtml } from '../../shared/report/html.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import { parseMonth } from '../../shared/report/month.js';
import { githubTrust } from '../support/github-trust.js';
import { ACCOUNT, count, roleArn } from './build.js';
import { sampleReport } from './sample-report.js';

const HOSTILE = 'repo:acme/app:environment:<script>alert(1)</script>|`x`';
const role = (name: string, sub: string, operator = 'StringLike') => ({
  name,
  arn: roleArn(name),
  path: '/',
  created: '2025-01-01T00:00:00Z',
  trustPolicy: githubTrust(sub, { account: ACCOUNT, operator }),
  maxSessionDuration: 3600,
  tags: {},
});
const snapshot = (roles: Snapshot['roles']): Snapshot => ({
  schemaVersion: 1,
  account: ACCOUNT,
  collectedAt: '2026-11-01T05:00:00Z',
  roles,
  oidcProviders: [],
  users: [],
  gaps: [],
});
const build = (roles: Snapshot['roles'], assumptions: ReturnType<typeof count>[]) =>
  buildReport({
    account: ACCOUNT,
    month: parseMonth('2026-10'),
    findings: [],
    assumptions,
    snapshot: snapshot(roles),
    config: DEFAULT_CONFIG,
    generatedAt: '2026-11-01T06:00:00Z',
  });

describe('the "can be tightened" section', () => {
  it('lists roles used by fewer subjects than they admit, with what they admit and a token no longer admitted', () => {
    const report = build(
      [
        role('wide', 'repo:acme/*'),
        role('exact', 'repo:acme/app:ref:refs/heads/main', 'StringEquals'),
        role('new', 'repo:*'),
        role('idle', 'repo:acme/*'),
      ],
      [
        count('wide', 'repo:acme/app:ref:refs/heads/main', '2026-09-01', 3),
        count('wide', 'repo:acme/api:environment:prod', '2026-10-20', 2),
        count('exact', 'repo:acme/app:ref:refs/heads/main', '2026-08-10', 1),
        count('exact', 'repo:acme/app:ref:refs/heads/main', '2026-10-30', 1),
        count('new', 'repo:acme/app:ref:refs/heads/main', '2026-10-25', 4),
        // Before the 90 days to the end of October: not counted.
        count('idle', 'repo:acme/app:ref:refs/heads/main', '2026-07-01', 9),
        count('idle', 'repo:acme/app:ref:refs/heads/main', '2026-07-30', 9),
      ],
    );
    expect(report.tightenable).toEqual({
      window: { from: '2026-08-03', to: '2026-10-31' },
      minDays: 14,
      roles: {
        items: [
          {
            role: 'wide',
            admits: 'any repository of acme',
            patterns: ['repo:acme/*'],
            observed: ['repo:acme/api:environment:prod', 'repo:acme/app:ref:refs/heads/main'],
            assumptions: 5,
            daysOfData: 50,
            example: expect.stringMatching(/^sub "repo:acme\//),
          },
        ],
        total: 1,
      },
      tooLittleActivity: [{ role: 'new', daysOfData: 1 }],
    });
  });

  it('is said to be absent without an account snapshot, and old reports without it still read', async () => {
    const report = buildReport({
      account: ACCOUNT,
      month: parseMonth('2026-10'),
      findings: [],
      assumptions: [],
      config: DEFAULT_CONFIG,
      generatedAt: '2026-11-01T06:00:00Z',
    });
    expect(report.tightenable).toBeNull();
    expect(renderHtml(report)).toContain(
      '<h2 id="tighten">Can be tightened</h2><p class="muted">Not reported',
    );
    expect(renderMarkdown(report)).toContain('## Can be tightened\n\n_Not reported');
  });

  it('renders the sample month in HTML and Markdown', async () => {
    const report = await sampleReport();
    expect(report.tightenable?.roles.items.map((r) => r.role)).toEqual([
      'gh-artifacts-read',
      'gh-deploy-web-prod',
      'gh-docs-publish',
      'gh-preview-envs',
    ]);
    const html = renderHtml(report);
    expect(html).toContain('<h2 id="tighten">Can be tightened</h2>');
    expect(html).toContain(
      '<th scope="row">gh-deploy-web-prod</th><td>any repository of acme-corp<br><code>repo:acme-corp/*</code></td><td><code>repo:acme-corp/marketing-site:ref:refs/heads/main</code><br><code>repo:acme-corp/web:environment:production</code></td>',
    );
    expect(html).toContain('gh-ecr-push (11 days)');
    const md = renderMarkdown(report);
    expect(md).toContain(
      '| gh-artifacts-read | repositories of any owner | `repo:acme-corp/api:ref:refs/heads/main`, `repo:acme-corp/worker:ref:refs/heads/main` | 372 assumptions, 90 days of data | sub "repo:some-other-org/some-repo:ref:refs/heads/main" |',
    );
  });

  it('escapes subjects from CloudTrail in HTML and Markdown', () => {
    const report = build(
      [role('wide', 'repo:acme/*')],
      [count('wide', HOSTILE, '2026-09-01', 1), count('wide', HOSTILE, '2026-10-30', 1)],
    );
    expect(report.tightenable?.roles.items[0]?.observed).toEqual([HOSTILE]);
    const html = renderHtml(report);
    expect(html).not.toContain('<script>alert');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const md = renderMarkdown(report);
    const section = md.slice(md.indexOf('## Can be tightened'), md.indexOf('## Activity'));
    // In a code span the tag is text; the backtick that would end the span and the pipe that would end the cell are not.
    expect(section).toContain("`repo:acme/app:environment:<script>alert(1)</script>\\|'x'`");
    for (const row of section.split('\n').filter((l) => l.startsWith('| ')))
      expect(row.split(/(?<!\\)\|/).length).toBe(7);
  });
});
