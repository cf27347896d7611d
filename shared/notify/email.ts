import { resourceLink } from '../findings/console-link.js';
import {
  type Fact,
  findingFacts,
  listed,
  type OtherDetail,
  shorten,
  when as timeText,
} from '../findings/facts.js';
import type { Finding } from '../findings/finding.js';
import { METRIC_ROWS } from '../report/comparison.js';
import { change, monthTitle, percent, value } from '../report/format.js';
import type { Metrics } from '../report/model.js';
import { parseMonth, previousMonth } from '../report/month.js';
import type { ReportSummary } from '../report/summary.js';
import { SEVERITIES } from '../rules/rule.js';
import { RULE_TEXTS } from '../rules/texts.js';
import type { AlertMessage } from './alert.js';

/** Prose wraps here: plain-text mail reads best under 80 columns, and not every client re-wraps. */
const WIDTH = 72;
const INDENT = '  ';
/** Items of one evidence list an email shows; the rest are counted, not listed. */
const LIST_LIMIT = 8;
/** Levels of nesting shown of evidence no fact knows how to read; deeper levels are counted. */
const JSON_DEPTH = 4;

const RULES = new Map(Object.entries(RULE_TEXTS));

/** One fact as the email lays it out: a label and its lines, already cleaned. */
interface Line {
  label: string;
  value: string[];
}

/** The plain-text email (and SNS default message) for an alert, a resolved notice, a digest or the monthly report. */
export function emailText(message: AlertMessage): string {
  switch (message.kind) {
    case 'alert':
      return alertText(message.finding);
    case 'resolved':
      return resolvedText(message.finding, message.resolvedAt);
    case 'digest':
      return digestText(message);
    case 'report':
      return reportText(message.summary);
  }
}

function alertText(finding: Finding): string {
  const rule = RULES.get(finding.ruleId);
  const { facts, event, links, other, leftOut } = findingFacts(finding);
  const references = rule?.references ?? [];
  const readMore = references.filter((r) => r.startsWith('https://'));
  const sections = [
    heading(finding, finding.severity.toUpperCase()),
    section('What happened', wrap(clean(finding.message), WIDTH - INDENT.length)),
    rule ? section('Why it matters', wrap(firstSentence(rule.rationale), WIDTH - INDENT.length)) : [],
    section('Evidence', [...factLines([...facts, ...event].map(factLine)), ...jsonLines(other)]),
    leftOut.length > 0
      ? section(
          "Left out to fit SNS's 256 KB message limit",
          leftOut.flatMap((line) => wrap(`- ${clean(line)}`, WIDTH - INDENT.length, '  ')),
        )
      : [],
    section('How to fix it', wrap(clean(finding.remediation), WIDTH - INDENT.length)),
    section(
      'Links',
      factLines([
        ...links.map((l) => ({ label: l.label, value: [clean(l.url)] })),
        { label: 'Read more', value: readMore },
      ]),
    ),
    footer(
      finding,
      references.filter((r) => !readMore.includes(r)),
    ),
  ];
  return render(sections);
}

/** A fact's lines: a list cut to its first items, a JSON document pretty-printed, everything cleaned. */
function factLine({ label, value, kind }: Fact): Line {
  const lines =
    kind === 'json' && typeof value === 'string'
      ? prettyJson(value)
      : typeof value === 'string'
        ? [value]
        : kind === 'value'
          ? listed(value, LIST_LIMIT)
          : value;
  return { label, value: lines.map(clean).filter((l) => l !== '') };
}

/** JSON text pretty-printed, a line each; text that is not JSON as it is. */
function prettyJson(value: string): string[] {
  try {
    return JSON.stringify(JSON.parse(value), null, 2).split('\n');
  } catch {
    return [value];
  }
}

function resolvedText(finding: Finding, resolvedAt: string): string {
  const link = resourceLink(finding.resource);
  return render([
    heading(finding, 'RESOLVED'),
    wrap(
      `trustwatch no longer finds this as of ${when(resolvedAt)}; it was first seen ${when(finding.firstSeen)}. ` +
        'Nothing to do, unless you did not expect the change.',
      WIDTH,
    ),
    section('What was found', wrap(clean(finding.message), WIDTH - INDENT.length)),
    link ? section('Links', factLines([{ label: link.label, value: [link.url] }])) : [],
    footer(finding, []),
  ]);
}

function digestText(message: Extract<AlertMessage, { kind: 'digest' }>): string {
  const total = message.findings.length + message.omitted;
  const open = SEVERITIES.map((s) => `${message.open[s]} ${s}`).join(', ');
  const groups = SEVERITIES.map((severity) => {
    const findings = message.findings.filter((f) => f.severity === severity);
    return findings.length === 0
      ? []
      : section(
          `${severity.toUpperCase()} (${findings.length})`,
          findings.flatMap((f) => wrap(digestLine(f), WIDTH - INDENT.length, '  ')),
        );
  });
  return render([
    [`trustwatch daily digest: account ${message.account}, ${message.day}`],
    [
      ...wrap(
        total === 0
          ? `No findings below the alert level were first seen on ${message.day}.`
          : `${count(total, 'finding')} below the alert level first seen on ${message.day}.`,
        WIDTH,
      ),
      `Open now: ${open}.`,
    ],
    ...groups,
    message.omitted > 0
      ? wrap(
          `${count(message.omitted, 'more finding')} left out of this message to fit SNS's 256 KB limit ` +
            '(the lowest severities first): `trustwatch audit` lists them all.',
          WIDTH,
        )
      : [],
  ]);
}

/** The measures the monthly summary shows; the report itself compares them all. */
const SUMMARY_METRICS = new Set<keyof Metrics>([
  'openFindings',
  'openCriticalHigh',
  'opened',
  'resolved',
  'meanDaysToResolve',
  'trustWidened',
  'ciUsersWithKeys',
  'assumptions',
  'denied',
  'unusedRoles',
]);
const SUMMARY_ROWS = METRIC_ROWS.filter((r) => SUMMARY_METRICS.has(r.metric));

function reportText(summary: ReportSummary): string {
  const m = summary.metrics;
  const p = summary.previous;
  const column = Math.max(...SUMMARY_ROWS.map((l) => l.label.length)) + 2;
  const lines = SUMMARY_ROWS.map(({ metric, label, better }) => {
    const now = value(m[metric]);
    const since = p ? `  ${change(p[metric], m[metric], better)}` : '';
    return `${label.padEnd(column)}${now.padStart(8)}${since}`;
  });
  return render([
    [`trustwatch compliance report: account ${summary.account}, ${monthTitle(summary.month)}`],
    wrap(
      `${percent(m.oidcShare)} of the CI identities used this month came in through OIDC rather than static keys.` +
        (p
          ? ` Changes are against ${monthTitle(previousMonth(parseMonth(summary.month)).id)}.`
          : ' No report of the previous month was found, so nothing is compared.'),
      WIDTH,
    ),
    lines,
    section(
      'Oldest open findings',
      summary.oldestOpen.flatMap((f) =>
        wrap(
          `- [${f.severity.toUpperCase()}] ${clean(f.resource)}: ${clean(f.title)} (${count(f.days, 'day')} open)`,
          WIDTH - INDENT.length,
          '  ',
        ),
      ),
    ),
    summary.notes > 0
      ? wrap(
          `The report notes ${count(summary.notes, 'gap or summary')} in its data: see "About the data".`,
          WIDTH,
        )
      : [],
    section('The full report', [
      summary.location.html,
      ...(summary.location.console ? [summary.location.console] : []),
      `Data: ${summary.location.json}`,
    ]),
    ['--', 'Sent by trustwatch (monthly report)'],
  ]);
}

function digestLine(finding: Finding): string {
  const suppressed = finding.status === 'suppressed' ? ' [suppressed]' : '';
  return `- ${clean(finding.resource.name)}: ${clean(finding.title)} (${finding.ruleId})${suppressed}`;
}

/** First line what happened: severity, rule title, resource; then where and since when. */
function heading(finding: Finding, tag: string): string[] {
  return [
    `${tag}: ${clean(finding.title)} - ${resourceNoun(finding.resource.type)}${clean(finding.resource.name)}`,
    `Account ${finding.account}, first seen ${when(finding.firstSeen)}`,
  ];
}

/** Who sent it, the rule and finding for searches and filters; compliance references (CIS, Security Hub). */
function footer(finding: Finding, references: string[]): string[] {
  return [
    '--',
    `Sent by trustwatch (rule ${finding.ruleId})`,
    `Finding ${finding.id}`,
    ...(references.length > 0 ? wrap(`References: ${references.join(', ')}`, WIDTH) : []),
  ];
}

function resourceNoun(type: Finding['resource']['type']): string {
  switch (type) {
    case 'role':
      return 'role ';
    case 'user':
      return 'user ';
    case 'oidc-provider':
      return 'OIDC provider ';
    case 'account':
      return '';
  }
}

// Layout.

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [title, ...lines.map((l) => `${INDENT}${l}`)];
}

/** Labels in a column, values beside them; a value that does not fit wraps under itself. */
function factLines(all: Line[]): string[] {
  const facts = all.filter((f) => f.value.length > 0);
  const column = Math.max(0, ...facts.map((f) => f.label.length)) + 2;
  return facts.flatMap((fact) =>
    fact.value
      .flatMap((line) => wrap(line, WIDTH - INDENT.length - column))
      .map((line, i) => `${(i === 0 ? fact.label : '').padEnd(column)}${line}`),
  );
}

/** Evidence nothing else could read: pretty-printed, with long lists, strings and nesting summarised. */
function jsonLines(other: OtherDetail[]): string[] {
  if (other.length === 0) return [];
  const rest = Object.fromEntries(other.map((d) => [d.key, d.value]));
  return ['Other details', ...JSON.stringify(summarise(rest, 0), null, 2).split('\n').map(clean)];
}

function summarise(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return shorten(value, 200);
  if (value === null || typeof value !== 'object') return value;
  const entries = Array.isArray(value) ? value : Object.entries(value);
  if (depth >= JSON_DEPTH) return `(${count(entries.length, Array.isArray(value) ? 'item' : 'field')})`;
  if (Array.isArray(value)) {
    const shown = value.slice(0, LIST_LIMIT).map((item) => summarise(item, depth + 1));
    return value.length > LIST_LIMIT ? [...shown, `... and ${value.length - LIST_LIMIT} more`] : shown;
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, summarise(v, depth + 1)]));
}

function render(blocks: string[][]): string {
  return `${blocks
    .filter((b) => b.length > 0)
    .map((b) => b.join('\n'))
    .join('\n\n')}\n`;
}

/**
 * Words onto lines of at most `width` characters. A word longer than a line (a subject, a URL) keeps a
 * line of its own, whole: cutting it would make it wrong.
 */
function wrap(text: string, width: number, hanging = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = hanging + word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

function firstSentence(prose: string): string {
  return /^.+?[.!?](?=\s+[A-Z]|$)/s.exec(prose)?.[0] ?? prose;
}

/**
 * Values come from the account (role names, user agents, subjects): control characters and bidi
 * overrides would let a crafted value fake lines or reorder what a reader sees.
 */
function clean(value: string): string {
  return value.replace(/\p{Cc}+/gu, ' ').replace(/\p{Bidi_Control}/gu, '');
}

function when(iso: string): string {
  return clean(timeText(iso));
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
