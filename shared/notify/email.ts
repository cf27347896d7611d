import type { Finding } from '../findings/finding.js';
import type { TokenPrincipal } from '../policy/model.js';
import { principalText } from '../policy/token-text.js';
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

/** What a before/after pair of a resource lists. */
const COMPARED: Partial<Record<Finding['resource']['type'], string>> = {
  role: 'Subjects',
  'oidc-provider': 'Audiences',
};

/** One line of evidence: a label and its value, one or more lines. */
interface Fact {
  label: string;
  value: string[];
}

interface Link {
  label: string;
  url: string;
}

/** A finding's evidence as a person reads it, apart from its layout. */
interface AlertFacts {
  facts: Fact[];
  links: Link[];
  /** Evidence fields no fact knows how to read: shown as summarised JSON. */
  rest: Record<string, unknown>;
  /** What was left out of the evidence to fit the message size limit (see size.ts). */
  leftOut: string[];
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
  const { facts, links, rest, leftOut } = alertFacts(finding);
  const references = rule?.references ?? [];
  const readMore = references.filter((r) => r.startsWith('https://'));
  const sections = [
    heading(finding, finding.severity.toUpperCase()),
    section('What happened', wrap(clean(finding.message), WIDTH - INDENT.length)),
    rule ? section('Why it matters', wrap(firstSentence(rule.rationale), WIDTH - INDENT.length)) : [],
    section('Evidence', [...factLines(facts), ...jsonLines(rest)]),
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

/** The facts of a finding's evidence, in the order a person checks them. */
function alertFacts(finding: Finding): AlertFacts {
  const evidence = finding.evidence;
  const used = new Set<string>(['leftOut']);
  // A field counts as shown only when its value has the expected shape; anything else goes to `rest`.
  const field = <T>(key: string, read: (value: unknown) => T | undefined): T | undefined => {
    const value = read(evidence[key]);
    if (value !== undefined) used.add(key);
    return value;
  };
  const facts: Fact[] = [];
  const links: Link[] = [];
  const add = (label: string, value: string | string[] | undefined) => {
    const lines = (typeof value === 'string' ? [value] : (value ?? [])).map(clean).filter((l) => l !== '');
    if (lines.length > 0) facts.push({ label, value: lines });
  };

  // What the trust policy (or provider) admitted before and after.
  const compared = COMPARED[finding.resource.type];
  add(compared ? `${compared} before` : 'Before', list(field('before', texts)));
  add(compared ? `${compared} now` : 'Now', list(field('after', texts)));
  add('Other principals before', list(field('principalsBefore', texts)));
  add('Other principals now', list(field('principalsAfter', texts)));
  add('Now gets in', list(field('newlyAdmitted', tokens)?.map(tokenText), true));
  add('No longer gets in', list(field('noLongerAdmitted', tokens)?.map(tokenText), true));
  const witness = field('witness', token);
  add('Gets in, e.g.', witness && tokenText(witness));
  // The narrower policy the role's own use calls for (see trustwatch tighten).
  add('Tighten to', prettyJson(field('proposedCondition', text)));
  add('Used by', list(field('proposedSubjects', texts)));
  add('Seen', field('observedWindow', text));
  add('Subject', field('subject', text));
  add('Audience', field('audience', text));
  add('Error', field('errorCode', text));
  add('Diagnosis', field('diagnosis', texts));
  used.add('verdict'); // the lists of admitted tokens say it

  // Where in the policy, and whose repositories.
  add('Provider', field('provider', text) ?? witness?.provider);
  add('Provider URL', field('url', text));
  add('Audiences', list(field('audiences', texts)));
  add('Owner', field('owner', text));
  add('Listed owners', list(field('listedOwners', texts)));
  add('Allowed owners', list(field('allowedOwners', texts)));
  add('Repository', field('repository', text));
  add('Statement', field('statement', text));
  add('Operator', field('operator', text));
  add('Condition key', field('key', text));
  add('Value', field('value', text));
  add('Condition keys', list(field('conditionKeys', texts)));
  add('Path', field('path', text));

  // The role or user itself, its keys and permissions.
  const same = (name: string | undefined) => (name === finding.resource.name ? undefined : name);
  add('User', same(field('user', text)));
  add('Role', same(field('role', text)));
  add('Renamed from', field('renamedFrom', text));
  if (field('deleted', (v) => (v === true ? v : undefined))) add('Status', 'deleted');
  const slot = field('slot', text);
  add('Access key', field('keyId', text) ?? (slot && `key ${slot} (the credential report names no id)`));
  const created = field('created', text);
  const age = field('ageDays', text);
  add('Created', created && `${day(created)}${age ? `, ${age} days old` : ''}`);
  if (!created) add('Age', age && `${age} days`);
  add('Last used', field('lastUsed', lastUse));
  add('Active keys', list(field('activeKeys', keyList)?.map((k) => k.name)));
  add(
    'Keys',
    list(field('keys', keyList)?.map((k) => (k.created ? `${k.name}, created ${day(k.created)}` : k.name))),
  );
  add('Policies', list(field('policies', texts)));
  add('Can assume', list(field('targets', texts)));
  add('Max session', field('maxSessionDuration', duration));
  add('Target', field('target', text));
  const suppression = field('suppression', suppressionOf);
  add('Suppression', suppression);
  add('Notes', field('notes', texts));

  // Who did it, from where and when.
  const event = field('event', eventOf);
  if (event) {
    add('Event', event.eventName && `${event.eventName}${event.region ? ` in ${event.region}` : ''}`);
    add('When', event.eventTime && when(event.eventTime));
    add('By', event.who);
    add(
      'From',
      event.sourceIp && `${event.sourceIp}${event.userAgent ? ` (${shorten(event.userAgent, 80)})` : ''}`,
    );
    if (!event.console) add('Event id', event.eventId);
  }

  const resource = resourceLink(finding.resource);
  if (resource) links.push(resource);
  if (event?.console) links.push({ label: 'CloudTrail event', url: event.console });

  const rest = Object.fromEntries(Object.entries(evidence).filter(([k, v]) => !used.has(k) && !isEmpty(v)));
  return { facts, links, rest, leftOut: texts(evidence.leftOut) ?? [] };
}

/**
 * The IAM console page of the role, user or provider. IAM is global, its console lives in us-east-1;
 * GovCloud and China have their own console hosts.
 */
function resourceLink(resource: Finding['resource']): Link | undefined {
  const partition = resource.arn.split(':')[1];
  const host =
    partition === 'aws-us-gov'
      ? 'https://console.amazonaws-us-gov.com'
      : partition === 'aws-cn'
        ? 'https://console.amazonaws.cn'
        : 'https://us-east-1.console.aws.amazon.com';
  const page = `${host}/iam/home#/`;
  switch (resource.type) {
    case 'role':
      return { label: 'Role', url: `${page}roles/details/${encodeURIComponent(resource.name)}` };
    case 'user':
      return { label: 'User', url: `${page}users/details/${encodeURIComponent(resource.name)}` };
    case 'oidc-provider':
      return {
        label: 'OIDC provider',
        url: `${page}identity_providers/details/OPENID/${encodeURIComponent(resource.arn)}`,
      };
    case 'account':
      return undefined;
  }
}

// Readers of evidence values: each returns undefined when the value does not have the expected shape.

function text(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function texts(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(text);
  return out.every((t) => t !== undefined) ? out : undefined;
}

/** JSON text pretty-printed, a line each; text that is not JSON as it is. */
function prettyJson(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.stringify(JSON.parse(value), null, 2).split('\n');
  } catch {
    return [value];
  }
}

function isText(value: string | undefined): value is string {
  return value !== undefined && value !== '';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

interface TokenLike {
  provider?: string;
  principal?: TokenPrincipal;
  claims: Record<string, string>;
}

function token(value: unknown): TokenLike | undefined {
  const claims = record(record(value)?.claims);
  if (!claims) return undefined;
  const principal = record(record(value)?.principal) as TokenPrincipal | undefined;
  return {
    provider: text(record(value)?.provider),
    ...(principal ? { principal } : {}),
    claims: claims as Record<string, string>,
  };
}

function tokens(value: unknown): TokenLike[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const out = value.map(token);
  return out.every((t) => t !== undefined) ? (out as TokenLike[]) : undefined;
}

/** The subject, and the other claims that matter (the usual audience does not). */
function tokenText({ claims, principal }: TokenLike): string {
  const others = Object.entries(claims)
    .filter(([k, v]) => (k !== 'sub' || principal) && !(k === 'aud' && v === 'sts.amazonaws.com'))
    .map(([k, v]) => `${k}=${v}`);
  const head = principal ? principalText(principal) : (claims.sub ?? '(any subject)');
  return [head, ...others].join(', ');
}

function keyList(value: unknown): { name: string; created?: string }[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const keys = value.map(record);
  if (!keys.every((k) => k !== undefined)) return undefined;
  return keys.map((k) => ({
    name: text(k?.keyId) ?? `key ${text(k?.slot) ?? '?'}`,
    ...(text(k?.created) ? { created: text(k?.created) } : {}),
  }));
}

function lastUse(value: unknown): string | undefined {
  const use = record(value);
  const date = text(use?.date);
  if (!date) return undefined;
  const where = [text(use?.service), text(use?.region)].filter(isText).join(', ');
  return `${day(date)}${where ? ` (${where})` : ''}`;
}

function duration(value: unknown): string | undefined {
  if (typeof value !== 'number') return undefined;
  return value % 3600 === 0 ? `${count(value / 3600, 'hour')}` : `${count(Math.round(value / 60), 'minute')}`;
}

function suppressionOf(value: unknown): string[] | undefined {
  const s = record(value);
  const rule = text(s?.ruleId);
  if (!s || !rule) return undefined;
  const reason = text(s.reason);
  return [
    `${rule} for ${text(s.resource) ?? '(any resource)'}, until ${text(s.expires) ?? '(no date)'}`,
    ...(reason ? [`"${reason}"`] : []),
  ];
}

interface EventFacts {
  eventId?: string;
  eventName?: string;
  eventTime?: string;
  who?: string;
  sourceIp?: string;
  userAgent?: string;
  region?: string;
  console?: string;
}

function eventOf(value: unknown): EventFacts | undefined {
  const e = record(value);
  if (!e) return undefined;
  const link = text(e.console);
  return {
    eventId: text(e.eventId),
    eventName: text(e.eventName),
    eventTime: text(e.eventTime),
    who: text(e.who),
    sourceIp: text(e.sourceIp),
    userAgent: text(e.userAgent),
    region: text(e.region),
    // Records can come from files anyone wrote: only a console link is offered as one.
    console: link?.startsWith('https://') ? link : undefined,
  };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

// Layout.

/** A list of values, long ones counted rather than listed; an empty list says so. */
function list(values: string[] | undefined, hideEmpty = false): string[] | undefined {
  if (values === undefined || (hideEmpty && values.length === 0)) return undefined;
  if (values.length === 0) return ['(none)'];
  const shown = values.slice(0, LIST_LIMIT);
  return values.length > shown.length ? [...shown, `... and ${values.length - shown.length} more`] : shown;
}

function section(title: string, lines: string[]): string[] {
  return lines.length === 0 ? [] : [title, ...lines.map((l) => `${INDENT}${l}`)];
}

/** Labels in a column, values beside them; a value that does not fit wraps under itself. */
function factLines(all: Fact[]): string[] {
  const facts = all.filter((f) => f.value.length > 0);
  const column = Math.max(0, ...facts.map((f) => f.label.length)) + 2;
  return facts.flatMap((fact) =>
    fact.value
      .flatMap((line) => wrap(line, WIDTH - INDENT.length - column))
      .map((line, i) => `${(i === 0 ? fact.label : '').padEnd(column)}${line}`),
  );
}

/** Evidence nothing else could read: pretty-printed, with long lists, strings and nesting summarised. */
function jsonLines(rest: Record<string, unknown>): string[] {
  if (Object.keys(rest).length === 0) return [];
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

/** At most `max` characters, cut after a whole word when there is one in reach. */
function shorten(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.lastIndexOf(' ', max - 4);
  return `${value.slice(0, cut > max / 2 ? cut : max - 4)} ...`;
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
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : clean(iso);
}

function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? clean(iso);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
