import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../shared/findings/finding.js';
import type { AlertMessage } from '../../shared/notify/alert.js';
import { findingAlert } from '../../shared/notify/finding-alert.js';
import { type SlackMessage, slackMessage } from '../../shared/notify/slack.js';
import type { Severity } from '../../shared/rules/rule.js';
import { goldenAlerts } from './sample-alerts.js';

type Json = Record<string, unknown>;

const base: Finding = {
  id: '0123456789abcdef0123456789abcdef',
  ruleId: 'drift.trust-wider',
  severity: 'critical',
  title: 'Trust policy admits more than its baseline',
  resource: { type: 'role', arn: 'arn:aws:iam::111122223333:role/gh-deploy', name: 'gh-deploy' },
  account: '111122223333',
  region: 'us-east-1',
  message: 'gh-deploy now admits tokens its baseline did not',
  evidence: {},
  remediation: 'Restore the reviewed trust policy.',
  firstSeen: '2026-11-02T08:01:00.000Z',
  lastSeen: '2026-11-02T08:01:00.000Z',
  status: 'open',
};

const alert = (finding: Partial<Finding>): SlackMessage =>
  slackMessage(findingAlert({ ...base, ...finding }, '111122223333'));

/** Every text object of the message (mrkdwn and plain_text), in order. */
function texts(message: SlackMessage): { type: string; text: string }[] {
  const found: { type: string; text: string }[] = [];
  const walk = (value: unknown) => {
    if (Array.isArray(value)) for (const v of value) walk(v);
    else if (value && typeof value === 'object') {
      const o = value as Json;
      if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string')
        found.push({ type: o.type, text: o.text });
      else for (const v of Object.values(o)) walk(v);
    }
  };
  walk(message.blocks);
  return found;
}

const blocksOf = (message: SlackMessage) => message.blocks as Json[];
const sectionTexts = (message: SlackMessage) =>
  blocksOf(message)
    .filter((b) => b.type === 'section')
    .map((b) => (b.text as Json).text as string);

/** Block Kit's documented limits (api.slack.com/reference/block-kit/blocks); what breaks one. */
function limitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const blocks = blocksOf(message);
  if (blocks.length > 50) problems.push(`${blocks.length} blocks`);
  if (message.text.length > 40_000) problems.push(`text of ${message.text.length}`);
  for (const [i, b] of blocks.entries()) {
    const text = (b.text as Json | undefined)?.text as string | undefined;
    if (b.type === 'header' && (text?.length ?? 0) > 150) problems.push(`header ${i}: ${text?.length}`);
    if (b.type === 'section' && (text?.length ?? 0) > 3000) problems.push(`section ${i}: ${text?.length}`);
    const fields = (b.fields as Json[] | undefined) ?? [];
    if (fields.length > 10) problems.push(`section ${i}: ${fields.length} fields`);
    for (const f of fields) if ((f.text as string).length > 2000) problems.push(`field in ${i}`);
    const elements = (b.elements as Json[] | undefined) ?? [];
    if (b.type === 'context' && elements.length > 10) problems.push(`context ${i}: ${elements.length}`);
    for (const e of elements) {
      if (b.type === 'context' && (e.text as string).length > 3000) problems.push(`context ${i}`);
      if (e.type === 'button' && ((e.text as Json).text as string).length > 75) problems.push(`button ${i}`);
      if (e.type === 'button' && (e.url as string).length > 3000) problems.push(`button url ${i}`);
    }
  }
  return problems;
}

/**
 * What is left of a text once the control sequences trustwatch writes itself (dates) are taken out:
 * any other `<` or `>` would be a mention or a link, any other `&` an unescaped entity.
 */
function foreignControl(text: string): string[] {
  const rest = text.replace(/<!date\^\d+\^\{date_short_pretty\} \{time\}\|[^<>&]*>/g, '');
  return [...rest.matchAll(/[<>]|&(?!(?:amp|lt|gt);)/g)].map((m) => m[0]);
}

const HOSTILE = ['<!channel>', '<!here>', '<https://evil.example|click>', '<@U0123ABC>', 'Tom &amp; Jerry'];

describe('slackMessage escaping', () => {
  const hostile = alert({
    title: 'Trust policy <!channel> admits more',
    resource: { type: 'role', arn: 'arn:aws:iam::111122223333:role/x', name: '<!channel>' },
    message: 'admits <https://evil.example|click> and <!here> for Tom &amp; Jerry',
    remediation: 'ask <@U0123ABC>',
    evidence: {
      before: ['repo:acme/<!channel>:*'],
      after: ['<https://evil.example|click>'],
      newlyAdmitted: [{ provider: 'p', claims: { sub: 'repo:a/b:environment:<!here>' } }],
      tags: { team: '<!subteam^S123>', owner: 'Tom &amp; Jerry' },
      '<!channel>': 'key names too',
      event: {
        who: '<@U0123ABC>',
        sourceIp: '203.0.113.9',
        userAgent: 'curl <https://evil.example|click> &amp;',
        eventTime: '2026-11-02T08:01:00Z',
        eventName: 'UpdateAssumeRolePolicy',
        console: 'https://us-east-1.console.aws.amazon.com/cloudtrail/home?region=us-east-1#/events/1',
      },
    },
  });

  it('leaves no mention, link or entity of the account in any text', () => {
    for (const { text } of [...texts(hostile), { text: hostile.text }])
      expect(foreignControl(text)).toEqual([]);
    const all = JSON.stringify(hostile);
    for (const raw of HOSTILE.slice(0, 4)) expect(all).not.toContain(raw);
  });

  it('shows what the account wrote, escaped', () => {
    const all = texts(hostile)
      .map((t) => t.text)
      .join('\n');
    expect(all).toContain('&lt;!channel&gt;');
    expect(all).toContain('&lt;https://evil.example|click&gt;');
    expect(all).toContain('&lt;!subteam^S123&gt;');
    // An entity the account wrote is shown as written, not decoded.
    expect(all).toContain('Tom &amp;amp; Jerry');
    expect(hostile.text).toContain('&lt;https://evil.example|click&gt;');
  });

  it('makes no link from a name IAM would not accept', () => {
    const buttons = blocksOf(hostile).flatMap((b) => (b.type === 'actions' ? (b.elements as Json[]) : []));
    expect(buttons.map((b) => b.action_id)).toEqual(['open-cloudtrail']);
  });

  it('links only to https AWS console pages', () => {
    const event = (console: string) => ({ event: { eventId: '1', console } });
    for (const console of [
      'https://evil.example/cloudtrail',
      'javascript:alert(1)',
      'http://us-east-1.console.aws.amazon.com/cloudtrail/home',
      'https://us-east-1.console.aws.amazon.com.evil.example/cloudtrail',
      'https://user@us-east-1.console.aws.amazon.com/cloudtrail',
      'https://us-east-1.console.aws.amazon.com:8443/cloudtrail',
    ]) {
      const urls = blocksOf(alert({ evidence: event(console) }))
        .flatMap((b) => (b.type === 'actions' ? (b.elements as Json[]) : []))
        .map((e) => e.url);
      expect(urls, console).toEqual([
        'https://us-east-1.console.aws.amazon.com/iam/home#/roles/details/gh-deploy',
      ]);
    }
  });

  it('keeps patterns in code spans, where a backtick cannot end the span', () => {
    const message = alert({
      resource: { type: 'role', arn: 'arn:aws:iam::1:role/x', name: 'a`*b*`' },
      message: 'sub "repo:org/*" and "repo:_x_/*" now get in',
    });
    const [what] = sectionTexts(message);
    expect(what).toContain('sub `repo:org/*` and `repo:_x_/*` now get in');
    const fields = ((blocksOf(message)[1] as Json).fields as Json[]).map((f) => f.text);
    expect(fields[0]).toBe('*Role*\n`aˋ*b*ˋ`');
  });

  it('keeps account text on one line, so that it cannot start a quote or a list', () => {
    const message = alert({ message: 'first\n> quoted\n• item', evidence: { note: 'a\r\n> b' } });
    for (const { text } of texts(message)) expect(text).not.toMatch(/\n(&gt;|>|•)/);
  });
});

describe('slackMessage limits', () => {
  const words = Array.from({ length: 20_000 }, (_, i) => `word${i}`).join(' ');
  const huge = alert({
    message: words,
    remediation: words,
    resource: { type: 'role', arn: 'arn:aws:iam::1:role/x', name: 'r'.repeat(5000) },
    evidence: {
      before: Array.from({ length: 1000 }, (_, i) => `repo:acme/${'a'.repeat(500)}-${i}:*`),
      after: [`repo:acme/${'&'.repeat(100_000)}`],
      newlyAdmitted: Array.from({ length: 5000 }, (_, i) => ({
        claims: { sub: `repo:x/y${i}:pull_request` },
      })),
      ...Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`extra${i}`, 'v'.repeat(400)])),
      event: { who: 'w'.repeat(50_000), userAgent: '<'.repeat(50_000), eventTime: '2026-11-02T08:01:00Z' },
    },
  });

  it('stays within every Block Kit limit', () => {
    expect(limitViolations(huge)).toEqual([]);
  });

  it('cuts sentences at a word boundary and says how much was left out', () => {
    const [what] = sectionTexts(huge);
    const kept = (what as string).replace('*What changed*\n', '').split('…')[0] as string;
    expect(kept.length).toBeGreaterThan(500);
    expect(words.startsWith(kept)).toBe(true);
    expect(words[kept.length]).toBe(' ');
    const left = [...words].length - [...kept].length;
    expect(what).toContain(`_(${left} more characters left out)_`);
  });

  it('says how many list items and evidence lines were left out', () => {
    const evidence = sectionTexts(huge).find((t) => t.startsWith('*Evidence*')) as string;
    expect(evidence).toContain('_and 992 more_');
    expect(evidence).toContain('_and 4992 more_');
    expect(evidence).toMatch(/_… \d+ more line\(s\) left out_$/);
    // An escaped value is cut between entities, never inside one.
    expect(evidence).toMatch(/`repo:acme\/(&amp;)+…`/);
  });
});

const finding = (severity: Severity, i: number): Finding => ({
  ...base,
  id: `${severity}-${i}`,
  severity,
  ruleId: `rule.${severity}`,
  title: `A ${severity} problem`,
  resource: { ...base.resource, name: `role-${severity}-${i}` },
  message: `role-${severity}-${i} has a ${severity} problem`,
});

describe('slackMessage digest', () => {
  const open = { critical: 1, high: 2, medium: 3, low: 4, info: 0 };

  it('groups the new findings by severity, most severe first, with the open counts', () => {
    const message = slackMessage({
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings: [finding('low', 1), finding('medium', 1), finding('low', 2)],
      open,
      omitted: 0,
    });
    expect(limitViolations(message)).toEqual([]);
    const [header] = texts(message);
    expect(header).toEqual({ type: 'plain_text', text: '📋 trustwatch daily digest · 2026-11-02' });
    const sections = sectionTexts(message);
    expect(sections[0]).toContain('*open now:* 🔴 1 critical · 🟠 2 high · 🟡 3 medium · 🔵 4 low');
    expect(sections[0]).not.toContain('info');
    expect(sections.slice(1).map((s) => s.split('\n')[0])).toEqual(['*🟡 Medium (1)*', '*🔵 Low (2)*']);
    expect(sections[2]).toContain('• `role-low-2` · A low problem: role-low-2 has a low problem');
    expect(message.text).toBe(
      '📋 trustwatch digest 2026-11-02 (account 111122223333): 3 new below the alert threshold, 10 open',
    );
  });

  it('fits thousands of findings in 50 blocks and counts the ones left out', () => {
    const findings = Array.from({ length: 3000 }, (_, i) =>
      finding((['medium', 'low', 'info'] as const)[i % 3] as Severity, i),
    );
    const message = slackMessage({
      kind: 'digest',
      account: '111122223333',
      day: '2026-11-02',
      findings,
      open,
      omitted: 7,
    });
    expect(limitViolations(message)).toEqual([]);
    expect(message.blocks).toHaveLength(50);
    const shown = sectionTexts(message).flatMap((s) => s.split('\n').filter((l) => l.startsWith('• ')));
    const last = texts(message).at(-1)?.text as string;
    const leftOut = Number(/(\d+) more finding\(s\) left out/.exec(last)?.[1]);
    expect(shown.length).toBeGreaterThan(100);
    expect(shown.length + leftOut).toBe(3000 + 7);
  });

  it('says so when nothing new came in', () => {
    const message = slackMessage({
      kind: 'digest',
      account: '1',
      day: '2026-11-02',
      findings: [],
      open: { critical: 0, high: 0, medium: 0, low: 0, info: 0 },
      omitted: 0,
    });
    expect(sectionTexts(message)).toEqual([
      'Account `1` · *open now:* nothing\nNo new findings below the alert threshold.',
    ]);
  });
});

describe('slackMessage resolved', () => {
  it('is a short notice naming the finding, what it was, its old severity and when it went away', () => {
    const message = slackMessage({
      kind: 'resolved',
      account: '111122223333',
      finding: { ...base, status: 'resolved' },
      resolvedAt: '2026-11-03T10:00:00.000Z',
    });
    expect(message.text).toBe(
      '✅ Resolved: Trust policy admits more than its baseline · gh-deploy (account 111122223333)',
    );
    expect(blocksOf(message).map((b) => b.type)).toEqual(['section', 'context']);
    expect(sectionTexts(message)).toEqual([
      '✅ *Resolved* (was 🔴 critical): Trust policy admits more than its baseline\nrole `gh-deploy` in account `111122223333`\n_Was:_ gh-deploy now admits tokens its baseline did not',
    ]);
    const context = texts(message).at(-1)?.text;
    expect(context).toContain('Resolved <!date^1793700000^{date_short_pretty} {time}|2026-11-03 10:00 UTC>');
    expect(context).toContain('finding `0123456789abcdef0123456789abcdef`');
  });
});

describe('slackMessage rule texts', () => {
  it("shows why it matters and the references from the alert, as its rule's catalog entry says", () => {
    const message = alert({ ruleId: 'keys.not-rotated' });
    expect(sectionTexts(message)).toContain(
      '*Why it matters*\nA long-lived access key that is never rotated stays valid for as long as it leaks: in CI logs, caches, forks and laptops. Rotation bounds the damage of a leak that nobody noticed.',
    );
    expect(texts(message).at(-1)?.text).toContain(
      'References: CIS AWS Foundations Benchmark v3.0.0 1.14, AWS Security Hub IAM.3',
    );
  });

  it('leaves them out of an alert that has none (a rule unknown to the catalog, an older sender)', () => {
    const message = slackMessage({ kind: 'alert', account: '111122223333', finding: base });
    expect(sectionTexts(message).some((t) => t.startsWith('*Why it matters*'))).toBe(false);
    expect(texts(message).at(-1)?.text).not.toContain('References');
    expect(limitViolations(message)).toEqual([]);
    expect(findingAlert({ ...base, ruleId: 'no.such-rule' }, '111122223333')).not.toHaveProperty('rule');
  });
});

/**
 * Golden messages: the sample account's real findings as Slack gets them, kept readable in
 * test/fixtures/alerts. When the rendering changes on purpose, regenerate them with
 * `UPDATE_GOLDEN=1 npx vitest run test/notify/slack.test.ts` and review the diff like code.
 */
describe('slackMessage golden examples', () => {
  const golden = (name: string, message: AlertMessage) => {
    const file = join(import.meta.dirname, '../fixtures/alerts', name);
    const rendered = `${JSON.stringify(slackMessage(message), null, 2)}\n`;
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, rendered);
    expect(rendered).toBe(readFileSync(file, 'utf8'));
  };

  it('drift.trust-wider from the sample UpdateAssumeRolePolicy event', async () => {
    golden('slack-drift-trust-wider.json', (await goldenAlerts())['drift-trust-wider']);
  });

  it('keys.not-rotated from the sample audit', async () => {
    golden('slack-keys-not-rotated.json', (await goldenAlerts())['keys-not-rotated']);
  });
});
