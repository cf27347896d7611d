import { beforeAll, describe, expect, it } from 'vitest';
import { renderHtml } from '../../shared/report/html.js';
import { readReport, renderJson } from '../../shared/report/json.js';
import { renderMarkdown } from '../../shared/report/markdown.js';
import type { Report } from '../../shared/report/model.js';
import { hostileReport } from './hostile-report.js';
import { sampleReport } from './sample-report.js';

describe('HTML report', () => {
  let report: Report;
  let html: string;
  beforeAll(async () => {
    report = await sampleReport();
    html = renderHtml(report);
  });

  it('is self-contained: no script, nothing fetched, a policy that forbids fetching', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(?:src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|@font-face/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).toMatch(/@media print/);
  });

  it('gives every chart a title and description and its data as a table', () => {
    const charts = [...html.matchAll(/<svg [^>]*aria-labelledby="([^"]+) ([^"]+)"[^>]*>/g)];
    expect(charts.length).toBe(5);
    for (const [tag, title, description] of charts) {
      expect(tag).toContain('role="img"');
      expect(html).toContain(`<title id="${title}">`);
      expect(html).toContain(`<desc id="${description}">`);
      expect(tag).toMatch(/width="[1-9]\d*" height="[1-9]\d*"/);
    }
    const ids = charts.map((c) => c[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // The severity chart's numbers are in the table after it.
    const open = report.posture.openAtEnd;
    expect(html).toMatch(new RegExp(`>critical</span></th><td class="n">${open.critical}</td>`));
    // Every day of the daily chart is a row of the table.
    for (const d of report.activity.perDay)
      expect(html).toContain(`<span class="date">${d.day}</span></th><td class="n">${d.succeeded}</td>`);
  });

  it('shows the sections of the sample month, with the comparison to September', () => {
    for (const heading of ['Month over month', 'Posture', 'OIDC migration', 'Trust', 'Activity'])
      expect(html).toContain(`>${heading}</h2>`);
    expect(html).toContain('October 2026 against September 2026');
    expect(html).toContain('arn:aws:iam::111122223333:user/alice');
    expect(html).toContain('gh-legacy-ci');
  });

  it('escapes everything that comes from the account', () => {
    const page = renderHtml(hostileReport());
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('says what is absent instead of leaving it out', () => {
    const page = renderHtml(hostileReport());
    expect(page).toContain('Not reported: no account snapshot was available.');
    expect(page).toContain(
      'No account snapshot was available: OIDC migration, trusted roles and unused roles are not reported.',
    );
    expect(page).toContain('No report of the previous month to compare with');
    expect(page).toContain('No trust policy changed this month.');
  });
});

describe('Markdown and JSON forms', () => {
  it('Markdown has the same sections and keeps account text from breaking tables', async () => {
    const md = renderMarkdown(await sampleReport());
    for (const heading of [
      '## Month over month',
      '## Posture',
      '## OIDC migration',
      '## Trust',
      '## Activity',
    ])
      expect(md).toContain(heading);
    const hostile = renderMarkdown(hostileReport());
    expect(hostile).toContain('\\<script\\>alert(1)\\</script\\>\\|\\`x\\`');
    // Every table row has as many cells as its header.
    for (const block of hostile.split('\n\n').filter((b) => b.startsWith('| '))) {
      const cells = block.split('\n').map((line) => line.split(/(?<!\\)\|/).length);
      expect(new Set(cells).size).toBe(1);
    }
  });

  it('JSON reads back to the same report, and a report of another schema version is refused by name', async () => {
    const report = await sampleReport();
    expect(readReport(renderJson(report), 'r.json')).toEqual(report);
    const future = readReport(JSON.stringify({ ...report, schemaVersion: 2 }), 'old/report.json');
    expect(future).toEqual({ problem: expect.stringMatching(/^old\/report\.json: schemaVersion: /) });
    expect(readReport('{', 'x.json')).toEqual({ problem: expect.stringMatching(/^x\.json: not valid JSON/) });
  });
});
