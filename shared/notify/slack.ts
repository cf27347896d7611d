import { type Fact, findingFacts, type OtherDetail } from '../findings/facts.js';
import type { Finding } from '../findings/finding.js';
import { change, monthTitle, percent, value } from '../report/format.js';
import type { ReportSummary } from '../report/summary.js';
import { SEVERITIES, type Severity } from '../rules/rule.js';
import type { AlertMessage } from './alert.js';

/**
 * Block Kit's limits (api.slack.com/reference/block-kit): a message over them is rejected whole.
 * Fields and context texts hold single values cut to VALUE_MAX, far below their own limits.
 */
const LIMITS = {
  blocks: 50,
  header: 150,
  section: 3000,
  buttonUrl: 3000,
};

/** What one value or sentence may take before it is cut, so that a few of them fit in one section. */
const VALUE_MAX = 250;
const PROSE_MAX = 1500;
/** Items of one evidence list shown; the rest are counted. */
const LIST_MAX = 8;
/** The fallback `text` is what notifications show: a summary, far below Slack's 40,000. */
const SUMMARY_MAX = 1000;

const EMOJI: Record<Severity, string> = {
  critical: '🔴',
  high: '🟠',
  medium: '🟡',
  low: '🔵',
  info: '⚪',
};

export interface SlackMessage {
  text: string;
  blocks: object[];
}

/**
 * The Block Kit message for an alert, a resolved notice, the daily digest or the monthly report. Everything that comes
 * from the account is escaped (`&`, `<`, `>`), so a finding cannot mention `<!channel>`, make a link
 * or open a quote; links are made only from URLs checked to be AWS console pages.
 */
export function slackMessage(message: AlertMessage): SlackMessage {
  switch (message.kind) {
    case 'alert':
      return alertMessage(message);
    case 'resolved':
      return resolvedMessage(message.finding, message.account, message.resolvedAt);
    case 'digest':
      return digestMessage(message);
    case 'report':
      return reportMessage(message.summary);
  }
}

function alertMessage({ finding, account, rule }: Extract<AlertMessage, { kind: 'alert' }>): SlackMessage {
  const { facts, event, links, other, leftOut } = findingFacts(finding);
  const blocks: object[] = [
    header(`${EMOJI[finding.severity]} ${finding.severity.toUpperCase()} · ${finding.title}`),
    {
      type: 'section',
      text: mrkdwn(`*What changed*\n${prose(finding.message)}`),
      fields: [
        mrkdwn(`*${RESOURCE_LABEL[finding.resource.type]}*\n${code(finding.resource.name)}`),
        mrkdwn(`*Account*\n${code(account)}`),
        ...(finding.region !== 'global' ? [mrkdwn(`*Region*\n${code(finding.region)}`)] : []),
        mrkdwn(`*Rule*\n${code(finding.ruleId)}`),
      ],
    },
  ];
  if (rule) blocks.push(section(['*Why it matters*', prose(rule.rationale)]));
  const evidence = [
    ...facts.map(factLine),
    ...other.map(otherLine),
    ...(leftOut.length > 0 ? [`*Left out:* ${listed(leftOut.map((l) => prose(l, VALUE_MAX)))}`] : []),
  ];
  if (evidence.length > 0) blocks.push(section(['*Evidence*', ...evidence]));
  if (event.length > 0) blocks.push(section(['*Who, where, when*', ...event.map(factLine)]));
  blocks.push(section(['*How to fix*', prose(finding.remediation)]));
  const buttons = links.flatMap((link) => {
    const url = consoleUrl(link.url);
    if (!url) return [];
    return link.target === 'iam-console'
      ? [button(`Open ${RESOURCE_NOUN[finding.resource.type]} in IAM console`, 'open-iam', url)]
      : [button(link.label, 'open-cloudtrail', url)];
  });
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  blocks.push(
    context(
      `Finding ${code(finding.id)} · first seen ${date(finding.firstSeen)} · last seen ${date(finding.lastSeen)}`,
      ...(rule && rule.references.length > 0 ? [`References: ${prose(rule.references.join(', '))}`] : []),
    ),
  );
  return {
    text: summary(
      `${EMOJI[finding.severity]} ${finding.severity.toUpperCase()}: ${finding.title} · ${finding.message} (account ${account})`,
    ),
    blocks,
  };
}

function resolvedMessage(finding: Finding, account: string, resolvedAt: string): SlackMessage {
  const what = `${RESOURCE_LABEL[finding.resource.type].toLowerCase()} ${code(finding.resource.name)} in account ${code(account)}`;
  return {
    text: summary(`✅ Resolved: ${finding.title} · ${finding.resource.name} (account ${account})`),
    blocks: [
      section([
        `✅ *Resolved* (was ${EMOJI[finding.severity]} ${finding.severity}): ${prose(finding.title)}`,
        what,
        `_Was:_ ${prose(finding.message, VALUE_MAX)}`,
      ]),
      context(
        `Resolved ${date(resolvedAt)} · first seen ${date(finding.firstSeen)} · rule ${code(finding.ruleId)} · finding ${code(finding.id)}`,
      ),
    ],
  };
}

function digestMessage(message: Extract<AlertMessage, { kind: 'digest' }>): SlackMessage {
  const counts = SEVERITIES.filter((s) => message.open[s] > 0).map(
    (s) => `${EMOJI[s]} ${message.open[s]} ${s}`,
  );
  const blocks: object[] = [
    header(`📋 trustwatch daily digest · ${message.day}`),
    section([
      `Account ${code(message.account)} · *open now:* ${counts.length > 0 ? counts.join(' · ') : 'nothing'}`,
      message.findings.length > 0
        ? `${message.findings.length + message.omitted} new finding(s) below the alert threshold:`
        : 'No new findings below the alert threshold.',
    ]),
  ];
  // The header, the counts and the closing note are always there; the findings share what is left.
  let budget = LIMITS.blocks - blocks.length - 1;
  let shown = 0;
  for (const severity of SEVERITIES) {
    const group = message.findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    const lines = [
      `*${EMOJI[severity]} ${capitalize(severity)} (${group.length})*`,
      ...group.map(digestLine),
    ];
    const packed = packSections(lines, budget);
    blocks.push(...packed.blocks);
    budget -= packed.blocks.length;
    // The group's heading is the first line placed, not a finding.
    shown += Math.max(0, packed.placed - 1);
    if (budget === 0) break;
  }
  const leftOut = message.findings.length - shown + message.omitted;
  blocks.push(
    context(
      leftOut > 0
        ? `_${leftOut} more finding(s) left out of this message: run \`trustwatch audit\` for the full list._`
        : 'Findings at or above the alert threshold were sent as alerts when they were found.',
    ),
  );
  const total = Object.values(message.open).reduce((a, b) => a + b, 0);
  return {
    text: summary(
      `📋 trustwatch digest ${message.day} (account ${message.account}): ${message.findings.length + message.omitted} new below the alert threshold, ${total} open`,
    ),
    blocks,
  };
}

function reportMessage(report: ReportSummary): SlackMessage {
  const m = report.metrics;
  const p = report.previous;
  const field = (label: string, metric: keyof typeof m, better: 'lower' | 'higher') =>
    mrkdwn(`*${label}*\n${value(m[metric])}${p ? ` · _${change(p[metric], m[metric], better)}_` : ''}`);
  const open = SEVERITIES.filter((s) => report.openAtEnd[s] > 0).map(
    (s) => `${EMOJI[s]} ${report.openAtEnd[s]} ${s}`,
  );
  const link = consoleUrl(report.location.console);
  const blocks: object[] = [
    header(`📊 trustwatch compliance report · ${monthTitle(report.month)}`),
    section([
      `Account ${code(report.account)} · *open at month end:* ${open.length > 0 ? open.join(' · ') : 'nothing'}`,
      `*${percent(m.oidcShare)}* of the CI identities used this month came in through OIDC.`,
    ]),
    {
      type: 'section',
      fields: [
        field('Opened', 'opened', 'lower'),
        field('Resolved', 'resolved', 'higher'),
        field('Trust policies widened', 'trustWidened', 'lower'),
        field('CI users holding keys', 'ciUsersWithKeys', 'lower'),
        field('Refused assumptions', 'denied', 'lower'),
        field('Roles unused 90 days', 'unusedRoles', 'lower'),
      ],
    },
  ];
  if (report.oldestOpen.length > 0) {
    blocks.push(
      section([
        '*Oldest open findings*',
        ...report.oldestOpen.map(
          (f) => `• ${EMOJI[f.severity]} ${code(f.resource)} · ${prose(f.title, VALUE_MAX)} (${f.days} days)`,
        ),
      ]),
    );
  }
  if (link)
    blocks.push({ type: 'actions', elements: [button('Open the report in S3', 'open-report', link)] });
  blocks.push(
    context(
      `Report ${code(report.location.html)}${p ? '' : ' · no previous report to compare with'}${report.notes > 0 ? ` · ${report.notes} note(s) on the data in the report` : ''}`,
    ),
  );
  return {
    text: summary(
      `📊 trustwatch report ${monthTitle(report.month)} (account ${report.account}): ${m.openFindings} open, ${m.opened} opened, ${m.resolved} resolved`,
    ),
    blocks,
  };
}

function digestLine(finding: Finding): string {
  // Titles are not bolded: one of them contains a `*`.
  return `• ${code(finding.resource.name)} · ${prose(finding.title)}: ${prose(finding.message, VALUE_MAX)}`;
}

const RESOURCE_LABEL: Record<Finding['resource']['type'], string> = {
  role: 'Role',
  user: 'User',
  'oidc-provider': 'OIDC provider',
  account: 'Account',
};

/** The resource in a button's words. */
const RESOURCE_NOUN: Record<Finding['resource']['type'], string> = {
  role: 'role',
  user: 'user',
  'oidc-provider': 'OIDC provider',
  account: 'account',
};

// --- Evidence ----------------------------------------------------------------------------------

/** One fact on one line: names and patterns in code spans, sentences as prose, long lists counted. */
function factLine({ label, value, kind }: Fact): string {
  const shown = (v: string) => (kind === 'prose' ? prose(v, VALUE_MAX) : code(v));
  const text =
    typeof value === 'string' ? shown(value) : value.length === 0 ? '_(none)_' : listed(value.map(shown));
  return `${labelText(label)} ${text}`;
}

/** Evidence no fact reads: each value (or item of a list) as compact JSON in a code span. */
function otherLine({ label, value }: OtherDetail): string {
  return `${labelText(label)} ${listed((Array.isArray(value) ? value : [value]).map(valueText))}`;
}

/** A bold label, without characters that would end the bold or format. */
function labelText(label: string): string {
  return `*${prose(label.replace(/[*_~`]/g, ''), VALUE_MAX)}:*`;
}

/** At most LIST_MAX items, the rest counted. */
function listed(items: string[]): string {
  const shown = items.slice(0, LIST_MAX).join(', ');
  return items.length > LIST_MAX ? `${shown} _and ${items.length - LIST_MAX} more_` : shown;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return code(value);
  if (typeof value === 'number' || typeof value === 'boolean') return code(String(value));
  return code(JSON.stringify(value) ?? String(value));
}

// --- Links ------------------------------------------------------------------------------------

const CONSOLE_HOST =
  /^(?:(?:[a-z]{2,}(?:-[a-z0-9]+)+\.)?console\.aws\.amazon\.com|console\.amazonaws-us-gov\.com|console\.amazonaws\.cn)$/;
/** Printable ASCII without spaces, quotes and angle brackets. */
const URL_CHARS = /^[!#-;=?-~]+$/;

/** The URL when it is an https AWS console page, else undefined: only such URLs become links. */
function consoleUrl(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' || url.username || url.password || url.port) return undefined;
  if (!CONSOLE_HOST.test(url.hostname)) return undefined;
  return URL_CHARS.test(url.href) && url.href.length <= LIMITS.buttonUrl ? url.href : undefined;
}

function button(text: string, actionId: string, url: string): object {
  return { type: 'button', text: { type: 'plain_text', text }, action_id: actionId, url };
}

// --- Text -------------------------------------------------------------------------------------

/** Slack's three control characters; everything else is shown as it is. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/**
 * At most `max` characters once escaped, cut after the last boundary that leaves at least half of
 * them (a value with no boundary is cut where it must be). Counts code points, so that no emoji or
 * other surrogate pair is split.
 */
function clip(raw: string, max: number, boundary: RegExp): { kept: string; left: number } {
  const chars = [...raw];
  let used = 0;
  let end = 0;
  let lastBoundary = -1;
  for (const c of chars) {
    const cost = escapeMrkdwn(c).length;
    if (used + cost > max) break;
    used += cost;
    end++;
    if (boundary.test(c)) lastBoundary = end;
  }
  if (end === chars.length) return { kept: raw, left: 0 };
  if (lastBoundary >= end / 2) end = lastBoundary;
  const kept = chars.slice(0, end).join('').trimEnd();
  return { kept, left: chars.length - [...kept].length };
}

const leftOut = (n: number) => ` _(${n} more characters left out)_`;

/**
 * A sentence from a finding: escaped, on one line (a line of its own starting with `>` would quote),
 * cut at a word boundary. The values findings quote ("repo:org/*") are shown in code spans, so that
 * the `*` and `_` of patterns and names do not turn the rest of the sentence bold or italic.
 */
function prose(raw: string, max = PROSE_MAX): string {
  const { kept, left } = clip(oneLine(raw), max, /\s/);
  const text = kept
    .split(/"([^"]+)"/)
    .map((part, i) => (i % 2 === 1 ? span(part) : escapeMrkdwn(part)))
    .join('');
  return left > 0 ? `${text}…${leftOut(left)}` : text;
}

/**
 * A value in a code span, so that `*`, `_` and `~` in names and patterns do not format. mrkdwn has no
 * way to escape a backtick: one in the value is shown as a look-alike (ˋ) so that it cannot end the span.
 */
function code(raw: string, max = VALUE_MAX): string {
  const value = oneLine(raw);
  if (value.trim() === '') return '_(empty)_';
  const { kept, left } = clip(value, max, /[\s/:,;]/);
  return left > 0 ? `${span(`${kept}…`)}${leftOut(left)}` : span(kept);
}

function span(raw: string): string {
  return `\`${escapeMrkdwn(raw.replaceAll('`', 'ˋ'))}\``;
}

/** Controls and line separators become a space; bidi controls (which reorder what a reader sees) go. */
const oneLine = (text: string) =>
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').replace(/\p{Bidi_Control}/gu, '');

/** A time shown in each reader's time zone, with the UTC time where the client cannot. */
function date(iso: string): string {
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return code(iso);
  const utc = new Date(ms).toISOString();
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time}|${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC>`;
}

/** The notification text: plain words, escaped, no code spans (notifications show them raw). */
function summary(raw: string): string {
  const { kept, left } = clip(oneLine(raw), SUMMARY_MAX, /\s/);
  return left > 0 ? `${escapeMrkdwn(kept)}…` : escapeMrkdwn(kept);
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// --- Blocks -----------------------------------------------------------------------------------

/** `verbatim` keeps Slack from turning URLs and channel names in the text into links. */
function mrkdwn(text: string): object {
  return { type: 'mrkdwn', text, verbatim: true };
}

function header(raw: string): object {
  // plain_text is not parsed for links or mentions, but Slack's escaping rules hold for all text.
  const { kept, left } = clip(oneLine(raw), LIMITS.header - 1, /\s/);
  return {
    type: 'header',
    text: { type: 'plain_text', text: left > 0 ? `${escapeMrkdwn(kept)}…` : escapeMrkdwn(kept) },
  };
}

function context(...texts: string[]): object {
  return { type: 'context', elements: texts.map(mrkdwn) };
}

/** One section of whole lines; lines that do not fit are counted, never cut mid-markup. */
function section(lines: string[]): object {
  return packSections(lines, 1).blocks[0] as object;
}

/**
 * Lines packed into at most `maxBlocks` sections of at most 3000 characters each, never cutting a
 * line (which could end inside a code span, a link or an entity). When lines are left out, the last
 * section says how many.
 */
function packSections(all: string[], maxBlocks: number): { blocks: object[]; placed: number } {
  const note = (n: number) => `\n_… ${n} more line(s) left out_`;
  // Values are cut so that lines stay far below this; the guard keeps the limit whatever comes in.
  const longest = LIMITS.section - note(all.length).length;
  const lines = all.map((l) => (l.length > longest ? `_(a line of ${l.length} characters left out)_` : l));
  const blocks: object[] = [];
  let placed = 0;
  while (placed < lines.length && blocks.length < maxBlocks) {
    const last = blocks.length === maxBlocks - 1;
    const space = LIMITS.section - (last ? note(lines.length).length : 0);
    let text = '';
    let taken = 0;
    for (const line of lines.slice(placed)) {
      const next = text === '' ? line : `${text}\n${line}`;
      if (next.length > space) break;
      text = next;
      taken++;
    }
    placed += taken;
    if (last && placed < lines.length) text += note(lines.length - placed);
    blocks.push({ type: 'section', text: mrkdwn(text) });
  }
  return { blocks, placed };
}
