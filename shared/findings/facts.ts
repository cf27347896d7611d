import { principalText } from '../policy/token-text.js';
import { type FactLink, resourceLink } from './console-link.js';
import * as read from './evidence-read.js';
import type { Finding } from './finding.js';

export type { FactLink } from './console-link.js';

/**
 * What a finding says, as every renderer shows it (email, Slack, the report's finding rows, Security
 * Hub): one ordered list of labelled facts read from its evidence, so that a new evidence field appears
 * in all of them or in none. The texts are plain and unescaped: escaping, wrapping and cutting long
 * lists are each renderer's.
 */
export interface FindingFacts {
  /** The evidence as a person reads it, in the order they check it. */
  facts: Fact[];
  /** Who did it, from where and when: the facts of the triggering CloudTrail event, empty without one. */
  event: Fact[];
  /** The resource's console page, the event's. */
  links: FactLink[];
  /** Evidence fields no fact knows how to read, as they are: shown as data (JSON), never dropped. */
  other: OtherDetail[];
  /** What was left out of the evidence to fit a message size limit, one line each. */
  leftOut: string[];
}

export interface Fact {
  /** The evidence field it reads (`keyId`, `event.who`): stable, for machines (Security Hub's ProductFields). */
  key: string;
  /** What a person reads before it: `Now gets in`. */
  label: string;
  /** One value, or a list of them; an empty list says the list is known to be empty. */
  value: string | string[];
  /**
   * How the value reads: `value` names, patterns and ids (shown as code where a renderer has code);
   * `prose` sentences; `json` a JSON document (a policy condition).
   */
  kind: 'value' | 'prose' | 'json';
}

export interface OtherDetail {
  key: string;
  /** The key in words: `policyVersions` → `Policy versions`. */
  label: string;
  value: unknown;
}

/** What a before/after pair of a resource lists. */
const COMPARED: Partial<Record<Finding['resource']['type'], string>> = {
  role: 'Subjects',
  'oidc-provider': 'Audiences',
};

/** The facts of a finding: what its evidence says, the event behind it, its links. Pure. */
export function findingFacts(finding: Finding): FindingFacts {
  const evidence = finding.evidence;
  const used = new Set<string>(['leftOut']);
  // A field counts as shown only when its value has the expected shape; anything else goes to `other`.
  const field = <T>(key: string, reader: (value: unknown) => T | undefined): T | undefined => {
    const value = reader(evidence[key]);
    if (value !== undefined) used.add(key);
    return value;
  };
  const facts: Fact[] = [];
  /**
   * A fact, when there is something to say: a list is kept even empty ("none") unless `hideEmpty`,
   * for lists whose emptiness says nothing.
   */
  const add = (
    key: string,
    label: string,
    value: string | string[] | undefined,
    { kind = 'value', hideEmpty = false }: { kind?: Fact['kind']; hideEmpty?: boolean } = {},
    into = facts,
  ) => {
    if (value === undefined || value === '') return;
    if (Array.isArray(value)) {
      const items = value.filter((v) => v !== '');
      if (items.length === 0 && (hideEmpty || value.length > 0)) return;
      into.push({ key, label, value: items, kind });
    } else into.push({ key, label, value, kind });
  };

  // What the trust policy (or provider) admitted before and after.
  const compared = COMPARED[finding.resource.type];
  add('before', compared ? `${compared} before` : 'Before', field('before', read.texts));
  add('after', compared ? `${compared} now` : 'Now', field('after', read.texts));
  add('principalsBefore', 'Other principals before', field('principalsBefore', read.texts));
  add('principalsAfter', 'Other principals now', field('principalsAfter', read.texts));
  add('newlyAdmitted', 'Now gets in', field('newlyAdmitted', read.tokens)?.map(tokenText), {
    hideEmpty: true,
  });
  add('noLongerAdmitted', 'No longer gets in', field('noLongerAdmitted', read.tokens)?.map(tokenText), {
    hideEmpty: true,
  });
  const witness = field('witness', read.token);
  add('witness', 'Gets in, e.g.', witness && tokenText(witness));
  // The narrower policy the role's own use calls for (see trustwatch tighten).
  add('proposedCondition', 'Tighten to', field('proposedCondition', read.text), { kind: 'json' });
  add('proposedSubjects', 'Used by', field('proposedSubjects', read.texts));
  add('observedWindow', 'Seen', field('observedWindow', read.text), { kind: 'prose' });
  add('subject', 'Subject', field('subject', read.text));
  add('audience', 'Audience', field('audience', read.text));
  add('errorCode', 'Error', field('errorCode', read.text));
  add('diagnosis', 'Diagnosis', field('diagnosis', read.texts), { kind: 'prose', hideEmpty: true });
  used.add('verdict'); // the lists of admitted tokens say it

  // Where in the policy, and whose repositories.
  add('provider', 'Provider', field('provider', read.text) ?? witness?.provider);
  add('url', 'Provider URL', field('url', read.text));
  add('audiences', 'Audiences', field('audiences', read.texts));
  add('owner', 'Owner', field('owner', read.text));
  add('listedOwners', 'Listed owners', field('listedOwners', read.texts));
  add('allowedOwners', 'Allowed owners', field('allowedOwners', read.texts));
  add('repository', 'Repository', field('repository', read.text));
  add('statement', 'Statement', field('statement', read.text));
  add('operator', 'Operator', field('operator', read.text));
  add('key', 'Condition key', field('key', read.text));
  add('value', 'Value', field('value', read.text));
  add('conditionKeys', 'Condition keys', field('conditionKeys', read.texts));
  add('path', 'Path', field('path', read.text));

  // The role or user itself, its keys and permissions; the finding's own resource is named already.
  const other = (name: string | undefined) => (name === finding.resource.name ? undefined : name);
  add('user', 'User', other(field('user', read.text)));
  add('role', 'Role', other(field('role', read.text)));
  add('renamedFrom', 'Renamed from', field('renamedFrom', read.text));
  if (field('deleted', (v) => (v === true ? v : undefined))) add('deleted', 'Status', 'deleted');
  const slot = field('slot', read.text);
  add(
    'keyId',
    'Access key',
    field('keyId', read.text) ?? (slot && `key ${slot} (the credential report names no id)`),
  );
  const created = field('created', read.text);
  const age = field('ageDays', read.text);
  add('created', 'Created', created && `${day(created)}${age ? `, ${age} days old` : ''}`);
  if (!created) add('ageDays', 'Age', age && `${age} days`);
  add('lastUsed', 'Last used', lastUseText(field('lastUsed', read.lastUse)));
  add(
    'activeKeys',
    'Active keys',
    field('activeKeys', read.keyList)?.map((k) => k.name),
  );
  add(
    'keys',
    'Keys',
    field('keys', read.keyList)?.map((k) => (k.created ? `${k.name}, created ${day(k.created)}` : k.name)),
  );
  add('policies', 'Policies', field('policies', read.texts));
  add('targets', 'Can assume', field('targets', read.texts));
  add('maxSessionDuration', 'Max session', duration(field('maxSessionDuration', numberOf)));
  add('target', 'Target', field('target', read.text));
  add('suppression', 'Suppression', suppressionText(field('suppression', read.suppression)));
  add('notes', 'Notes', field('notes', read.texts), { kind: 'prose', hideEmpty: true });

  // Who did it, from where and when.
  const event = field('event', read.event);
  const eventFacts: Fact[] = [];
  if (event) {
    const put = (key: string, label: string, value: string | undefined) =>
      add(`event.${key}`, label, value, {}, eventFacts);
    put(
      'eventName',
      'Event',
      event.eventName && `${event.eventName}${event.region ? ` in ${event.region}` : ''}`,
    );
    put('eventTime', 'When', event.eventTime && when(event.eventTime));
    put('who', 'By', event.who);
    put(
      'sourceIp',
      'From',
      event.sourceIp && `${event.sourceIp}${event.userAgent ? ` (${shorten(event.userAgent, 80)})` : ''}`,
    );
    // The console link names the event; without one, its id is how a person finds it.
    if (!event.console) put('eventId', 'Event id', event.eventId);
  }

  const links: FactLink[] = [];
  const resource = resourceLink(finding.resource);
  if (resource) links.push(resource);
  if (event?.console)
    links.push({ label: 'CloudTrail event', url: event.console, target: 'cloudtrail-console' });

  return {
    facts,
    event: eventFacts,
    links,
    other: Object.entries(evidence)
      .filter(([k, v]) => !used.has(k) && !isEmpty(v))
      .map(([key, value]) => ({ key, label: keyWords(key), value })),
    leftOut: read.texts(evidence.leftOut) ?? [],
  };
}

/** A fact, a detail or the left-out list as one line of text: for flat maps (Security Hub's ProductFields) and report rows. */
export interface FactPair {
  key: string;
  label: string;
  text: string;
}

export interface FactPairOptions {
  /** Items of a list shown; the rest are counted (`... and 3 more`). */
  listLimit?: number;
  /** Characters of one text; a longer one is cut after a whole word and marked ` ...`. */
  maxChars?: number;
}

/**
 * Every fact, event fact, other detail (compact JSON) and what was left out (key `leftOut`) as
 * key, label and one line of text, in the order renderers show them. Links are not facts: they are
 * in `links`.
 */
export function factPairs(
  { facts, event, other, leftOut }: FindingFacts,
  { listLimit = Number.POSITIVE_INFINITY, maxChars = Number.POSITIVE_INFINITY }: FactPairOptions = {},
): FactPair[] {
  const cut = (t: string) => shorten(t, maxChars);
  const pairs = [...facts, ...event].map(({ key, label, value }) => ({
    key,
    label,
    text: cut(Array.isArray(value) ? listed(value, listLimit).join(', ') : value),
  }));
  pairs.push(
    ...other.map(({ key, label, value }) => ({
      key,
      label,
      text: cut(JSON.stringify(value) ?? String(value)),
    })),
  );
  if (leftOut.length > 0) pairs.push({ key: 'leftOut', label: 'Left out', text: cut(leftOut.join('; ')) });
  return pairs;
}

/** A list as shown: its first `limit` items and a count of the rest; an empty list says so. */
export function listed(values: string[], limit: number): string[] {
  if (values.length === 0) return ['(none)'];
  const shown = values.slice(0, limit);
  return values.length > shown.length ? [...shown, `... and ${values.length - shown.length} more`] : shown;
}

/** At most `max` characters, cut after a whole word when there is one in reach. */
export function shorten(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = value.lastIndexOf(' ', max - 4);
  return `${value.slice(0, cut > max / 2 ? cut : max - 4)} ...`;
}

/** A time as `2026-11-02 08:01:00 UTC`; text that is not an ISO time as it is. */
export function when(iso: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
  return match ? `${match[1]} ${match[2]} UTC` : iso;
}

function day(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}/.exec(iso)?.[0] ?? iso;
}

/** The subject, and the other claims that matter (the usual audience does not). */
function tokenText({ claims, principal }: read.TokenLike): string {
  const others = Object.entries(claims)
    .filter(([k, v]) => (k !== 'sub' || principal) && !(k === 'aud' && v === 'sts.amazonaws.com'))
    .map(([k, v]) => `${k}=${v}`);
  const head = principal ? principalText(principal) : (claims.sub ?? '(any subject)');
  return [head, ...others].join(', ');
}

function lastUseText(use: read.LastUse | undefined): string | undefined {
  if (!use) return undefined;
  const where = [use.service, use.region].filter((v) => v !== undefined && v !== '').join(', ');
  return `${day(use.date)}${where ? ` (${where})` : ''}`;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function duration(seconds: number | undefined): string | undefined {
  if (seconds === undefined) return undefined;
  return seconds % 3600 === 0 ? count(seconds / 3600, 'hour') : count(Math.round(seconds / 60), 'minute');
}

function suppressionText(s: read.SuppressionRef | undefined): string[] | undefined {
  if (!s) return undefined;
  return [
    `${s.ruleId} for ${s.resource ?? '(any resource)'}, until ${s.expires ?? '(no date)'}`,
    ...(s.reason ? [`"${s.reason}"`] : []),
  ];
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

/** An evidence key in words: `lastUsedDate` → `Last used date`. */
function keyWords(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}
