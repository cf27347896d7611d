import { beforeAll, describe, expect, it } from 'vitest';
import { readReport, renderJson } from '../../shared/report/json.js';
import type { Report } from '../../shared/report/model.js';
import {
  buildRollup,
  type FoundReport,
  type Rollup,
  RollupSchema,
  renderRollupJson,
  rollupKey,
  WORST_PER_ACCOUNT,
} from '../../shared/report/rollup.js';
import { collectReports, type ReportFolder } from '../../shared/report/rollup-collect.js';
import { renderRollupHtml } from '../../shared/report/rollup-html.js';
import { renderRollupMarkdown } from '../../shared/report/rollup-markdown.js';
import { SEVERITIES, severityRank } from '../../shared/rules/rule.js';
import { ACCOUNTS, MONTH, organizationFiles, organizationReports } from './organization-reports.js';

/** Files in memory as the roll-up reads a bucket or directory. */
function memoryFolder(files: Record<string, string>): ReportFolder {
  return {
    location: 'mem://reports',
    folders: async () => [...new Set(Object.keys(files).map((k) => k.split('/')[0] as string))],
    where: (key) => `mem://reports/${key}`,
    read: async (key) => files[key],
  };
}

const rolledUp = async (files: Record<string, string>, expected?: string[]) =>
  buildRollup({
    month: MONTH,
    source: 'mem://reports',
    reports: await collectReports(memoryFolder(files), MONTH, expected),
    ...(expected ? { expected } : {}),
    generatedAt: '2026-11-02T07:00:00.000Z',
  });

describe('organization roll-up', () => {
  let reports: Awaited<ReturnType<typeof organizationReports>>;
  let rollup: Rollup;
  beforeAll(async () => {
    reports = await organizationReports();
    rollup = await rolledUp(await organizationFiles(), [ACCOUNTS.sample, ACCOUNTS.silent]);
  });
  const row = (account: string) => rollup.accounts.find((a) => a.account === account);
  const readable = () => Object.values(reports) as Report[];

  it('rolls up every readable report and names the missing and unreadable accounts', () => {
    expect(rollup.accounts.map((a) => a.account).sort()).toEqual(
      [ACCOUNTS.sample, ACCOUNTS.busy, ACCOUNTS.hostile, ACCOUNTS.legacy].sort(),
    );
    expect(rollup.missing).toEqual([
      { account: ACCOUNTS.lapsed, source: `mem://reports/${ACCOUNTS.lapsed}/${MONTH}/report.json` },
      { account: ACCOUNTS.silent, source: `mem://reports/${ACCOUNTS.silent}/${MONTH}/report.json` },
    ]);
    expect(rollup.unreadable).toEqual([
      {
        account: ACCOUNTS.future,
        source: `mem://reports/${ACCOUNTS.future}/${MONTH}/report.json`,
        problem: expect.stringMatching(/schemaVersion: 2, not a report version this trustwatch reads \(1\)/),
      },
    ]);
    expect(rollup.totals.accounts).toBe(4);
    // Accounts the list does not name still count, and the reader is told.
    expect(rollup.notes).toContain(
      `Found here but not in the accounts list, and included: ${[ACCOUNTS.busy, ACCOUNTS.hostile, ACCOUNTS.legacy, ACCOUNTS.lapsed, ACCOUNTS.future].join(', ')}.`,
    );
  });

  it("gives each account its own report's headline numbers", () => {
    for (const report of readable()) {
      const r = row(report.account);
      expect(r?.metrics).toEqual(report.metrics);
      expect(r?.openAtEnd).toEqual(report.posture.openAtEnd);
      expect(r?.suppressedAtEnd).toBe(report.posture.suppressedAtEnd);
      expect(r?.notes).toBe(report.notes.length);
    }
  });

  it('sums the totals over the readable reports only, and says which numbers some lack', () => {
    const sum = (f: (r: Report) => number) => readable().reduce((n, r) => n + f(r), 0);
    const t = rollup.totals;
    expect(t.metrics.openFindings).toBe(sum((r) => r.metrics.openFindings));
    expect(t.metrics.openCriticalHigh).toBe(sum((r) => r.metrics.openCriticalHigh));
    expect(t.metrics.assumptions).toBe(sum((r) => r.metrics.assumptions));
    for (const s of SEVERITIES) expect(t.openAtEnd[s]).toBe(sum((r) => r.posture.openAtEnd[s]));
    // Only the sample account's report had the account's state: the key numbers are its own.
    expect(t.metrics.ciUsersWithKeys).toBe(reports.sample.metrics.ciUsersWithKeys);
    expect(t.metrics.oidcShare).toBe(reports.sample.metrics.oidcShare);
    expect(t.unknownIn).toMatchObject({ ciUsersWithKeys: 3, oidcShare: 3, githubTrustedRoles: 3 });
    // The mean time to resolve weighs each account's mean by the findings it resolved.
    const resolving = readable().filter((r) => r.metrics.meanDaysToResolve !== null);
    const weighted =
      resolving.reduce((n, r) => n + (r.metrics.meanDaysToResolve ?? 0) * r.metrics.resolved, 0) /
      resolving.reduce((n, r) => n + r.metrics.resolved, 0);
    expect(t.metrics.meanDaysToResolve).toBe(Math.round(weighted * 10) / 10);
    expect(resolving.length).toBeGreaterThan(1);
  });

  it('lists the worst open findings per account, most severe first, then oldest', () => {
    const busy = row(ACCOUNTS.busy);
    expect(busy?.worst.total).toBe(31);
    expect(busy?.worst.items).toHaveLength(WORST_PER_ACCOUNT);
    expect(busy?.worst.items[0]).toMatchObject({ severity: 'critical', resource: 'fresh' });
    expect(busy?.worst.chosenAmongOldest).toBeUndefined();
    for (const r of rollup.accounts) {
      const items = r.worst.items;
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1], items[i]] as [(typeof items)[0], (typeof items)[0]];
        const order = severityRank(a.severity) - severityRank(b.severity);
        expect(order > 0 || (order === 0 && a.firstSeen <= b.firstSeen)).toBe(true);
      }
    }
    const sampleCriticals = reports.sample.posture.openAtEnd.critical;
    expect(row(ACCOUNTS.sample)?.worst.items.filter((f) => f.severity === 'critical')).toHaveLength(
      Math.min(sampleCriticals, WORST_PER_ACCOUNT),
    );
  });

  it('says when an older report could only offer its oldest open findings to choose from', () => {
    const legacy = row(ACCOUNTS.legacy);
    expect(legacy?.worst.chosenAmongOldest).toBe(25);
    // The fresh critical finding is not among the 25 oldest: the roll-up cannot show it, and says why.
    expect(legacy?.worst.items.map((f) => f.severity)).not.toContain('critical');
    expect(renderRollupMarkdown(rollup)).toContain('chosen among the 25 oldest');
  });

  it('orders accounts by open critical and high findings', () => {
    const keys = rollup.accounts.map((a) => a.metrics.openCriticalHigh);
    expect(keys).toEqual([...keys].sort((a, b) => b - a));
    expect(rollup.accounts[0]?.account).toBe(ACCOUNTS.sample);
  });

  it('refuses a report in the wrong folder or of another month, and JSON that is not JSON', async () => {
    const text = renderJson(reports.busy);
    const found: FoundReport[] = [
      { account: ACCOUNTS.lapsed, source: 'a', text },
      { account: ACCOUNTS.busy, source: 'b', text: renderJson({ ...reports.busy, month: '2026-09' }) },
      { account: ACCOUNTS.future, source: 'c', text: '{"schemaVersion": 1,' },
      { account: ACCOUNTS.silent, source: 'd', problem: 'd: AccessDenied: Access Denied' },
      { account: ACCOUNTS.hostile, source: 'e', text: `{"account": "${ACCOUNTS.hostile}"}` },
    ];
    const r = buildRollup({ month: MONTH, source: 's', reports: found, generatedAt: '2026-11-02T00:00:00Z' });
    expect(r.accounts).toEqual([]);
    expect(r.totals.metrics.openFindings).toBe(0);
    expect(Object.fromEntries(r.unreadable.map((u) => [u.source, u.problem]))).toEqual({
      a: `a: account: ${ACCOUNTS.busy}, not the folder's ${ACCOUNTS.lapsed}`,
      b: 'b: month: 2026-09, not 2026-10',
      c: expect.stringMatching(/^c: not valid JSON/),
      d: 'd: AccessDenied: Access Denied',
      e: 'e: schemaVersion: missing, not a report version this trustwatch reads (1)',
    });
  });

  it('keeps a read failure as that account’s problem, the others rolled up', async () => {
    const files = await organizationFiles();
    const folder = memoryFolder(files);
    const failing: ReportFolder = {
      ...folder,
      read: async (key) => {
        if (key.startsWith(ACCOUNTS.busy))
          throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied' });
        return folder.read(key);
      },
    };
    const found = await collectReports(failing, MONTH);
    expect(found.find((f) => f.account === ACCOUNTS.busy)).toEqual({
      account: ACCOUNTS.busy,
      source: `mem://reports/${ACCOUNTS.busy}/${MONTH}/report.json`,
      problem: `mem://reports/${ACCOUNTS.busy}/${MONTH}/report.json: AccessDenied: Access Denied`,
    });
    // The other four were read (the future one is refused later, when it is parsed).
    expect(found.filter((f) => 'text' in f).map((f) => f.account)).toEqual([
      ACCOUNTS.sample,
      ACCOUNTS.hostile,
      ACCOUNTS.legacy,
      ACCOUNTS.future,
    ]);
  });

  it('writes JSON that its schema reads back', () => {
    const back = RollupSchema.safeParse(JSON.parse(renderRollupJson(rollup)));
    expect(back.success).toBe(true);
    expect(rollupKey(MONTH, 'markdown')).toBe('rollup/2026-10/rollup.md');
    expect(rollupKey(MONTH, 'html')).toBe('rollup/2026-10/rollup.html');
  });

  it('renders HTML that names every account, styled and escaped like the account report', () => {
    const html = renderRollupHtml(rollup);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img|<a /i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    for (const account of Object.values(ACCOUNTS)) expect(html).toContain(account);
    expect(html).toContain('<h1>Organization report: October 2026</h1>');
    // The organization row sums the accounts' open findings.
    expect(html).toMatch(
      new RegExp(
        `<b>Organization</b></th>(<td class="n">[^<]+</td>){5}<td class="n">${rollup.totals.metrics.openFindings}</td>`,
      ),
    );
    expect(html).toContain(
      'Not known for 3 accounts, so totalled over the others: Share of CI identities used via OIDC (%); CI users holding active keys;',
    );
    expect(html).toContain(
      '2 accounts without a report and 1 unreadable report: their numbers are in no total.',
    );
  });

  it('renders Markdown whose hostile names stay text', () => {
    const md = renderRollupMarkdown(rollup);
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(md).toContain(`| \`${ACCOUNTS.silent}\` |`);
    expect(md).toMatch(/^# Organization report: October 2026$/m);
  });

  it('rolls up an organization with no report at all into an empty report, not an error', async () => {
    const empty = await rolledUp({}, [ACCOUNTS.silent]);
    expect(empty.accounts).toEqual([]);
    expect(empty.missing.map((m) => m.account)).toEqual([ACCOUNTS.silent]);
    expect(empty.totals.metrics.meanDaysToResolve).toBeNull();
    expect(renderRollupHtml(empty)).toContain('No account report was read.');
  });

  it('reads back the reports it rolled up unchanged', () => {
    const read = readReport(renderJson(reports.sample), 'x');
    expect('problem' in read).toBe(false);
  });
});
