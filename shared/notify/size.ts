import type { Finding } from '../findings/finding.js';
import { severityRank } from '../rules/rule.js';
import { type AlertAttributes, type AlertMessage, alertAttributes } from './alert.js';
import { emailText } from './email.js';
import { emailSubject } from './subject.js';

/** SNS's limit for one publish: all protocol messages of the JSON structure and the attributes. */
export const SNS_MAX_BYTES = 256 * 1024;

/** What `publishAlert` sends: built here so that what is measured is what is sent. */
export interface SnsPayload {
  subject: string;
  /** The JSON structure, one message per protocol (MessageStructure "json"). */
  message: string;
  attributes: AlertAttributes;
}

export function snsPayload(alert: AlertMessage): SnsPayload {
  const text = emailText(alert);
  return {
    subject: emailSubject(alert),
    // The Slack notifier (a Lambda subscriber) reads the `lambda` message: the alert itself.
    message: JSON.stringify({ default: text, email: text, lambda: JSON.stringify(alert) }),
    attributes: alertAttributes(alert),
  };
}

/**
 * The bytes SNS counts: the message, and the name, type and value of each attribute. The subject is
 * counted too, although SNS may not, so that the estimate errs on the safe side.
 */
export function payloadBytes(payload: SnsPayload): number {
  const attributes = Object.entries(payload.attributes).reduce(
    (sum, [name, value]) => sum + Buffer.byteLength(name) + 'String'.length + Buffer.byteLength(value),
    0,
  );
  return Buffer.byteLength(payload.message) + Buffer.byteLength(payload.subject) + attributes;
}

const fits = (alert: AlertMessage) => payloadBytes(snsPayload(alert)) <= SNS_MAX_BYTES;

/** How much of the evidence a summary keeps. */
interface Budget {
  /** Items of an array. */
  items: number;
  /** Fields of an object. */
  fields: number;
  /** Characters of a string. */
  chars: number;
  /** Levels of nesting below the evidence. */
  depth: number;
}

/** Ever smaller summaries, tried in turn until the message fits. */
const BUDGETS: Budget[] = [
  { items: 100, fields: 50, chars: 2000, depth: 8 },
  { items: 20, fields: 30, chars: 500, depth: 5 },
  { items: 5, fields: 20, chars: 200, depth: 3 },
];
const SMALLEST = BUDGETS[BUDGETS.length - 1] as Budget;

/** Fields that hold a record as received: the evidence already says what matters in it. */
const RAW_FIELDS = new Set(['raw', 'rawRecord', 'record', 'cloudTrailEvent']);

/**
 * The alert, made to fit in one SNS publish. An alert that fits is returned as it is. Otherwise its
 * evidence is summarised, ever more tightly: raw records dropped, long lists cut to their first items,
 * long strings cut after a whole word (or left out whole when they have no word to cut after, such as
 * a JSON document), deep nesting dropped; `evidence.leftOut` says what went, and the email shows it.
 * The resource, rule and title always stay. A digest first summarises its findings' evidence, then
 * drops the least severe findings and counts them in `omitted`.
 */
export function fitAlert(alert: AlertMessage): AlertMessage {
  // A report summary is bounded by construction (see report/summary.ts): it always fits.
  if (fits(alert) || alert.kind === 'report') return alert;
  if (alert.kind === 'digest') return fitDigest(alert);
  for (const budget of BUDGETS) {
    const summarised = { ...alert, finding: summariseFinding(alert.finding, budget) };
    if (fits(summarised)) return summarised;
  }
  return { ...alert, finding: bareFinding(alert.finding) };
}

function fitDigest(digest: Extract<AlertMessage, { kind: 'digest' }>): AlertMessage {
  const light = { ...digest, findings: digest.findings.map((f) => summariseFinding(f, SMALLEST)) };
  if (fits(light)) return light;
  // The most severe first, in their given order otherwise; keep the longest run of them that fits.
  const ranked = light.findings
    .map((finding, index) => ({ finding, index }))
    .sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.index - b.index);
  const keeping = (n: number): AlertMessage => {
    const kept = new Set(ranked.slice(0, n).map((r) => r.index));
    return {
      ...light,
      findings: light.findings.filter((_, index) => kept.has(index)),
      omitted: digest.omitted + light.findings.length - n,
    };
  };
  // keeping(0) fits (counts only); keeping(all) does not: search between them.
  let fitting = 0;
  let tooMany = light.findings.length;
  while (tooMany - fitting > 1) {
    const middle = Math.floor((fitting + tooMany) / 2);
    if (fits(keeping(middle))) fitting = middle;
    else tooMany = middle;
  }
  return keeping(fitting);
}

function summariseFinding(finding: Finding, budget: Budget): Finding {
  const leftOut = new LeftOut(finding.evidence.leftOut);
  const evidence: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(finding.evidence)) {
    if (key === 'leftOut') continue;
    if (RAW_FIELDS.has(key)) leftOut.dropped(key, 'the raw record');
    else {
      const summary = summarise(value, budget, key, leftOut, 1);
      if (summary !== DROPPED) evidence[key] = summary;
    }
  }
  const message = shortenText(finding.message, budget.chars, 'message', leftOut);
  const lines = leftOut.lines();
  return { ...finding, message, evidence: lines.length > 0 ? { ...evidence, leftOut: lines } : evidence };
}

/**
 * The last resort: no evidence, and the texts of the finding cut to the smallest budget. What is left
 * is small (IAM bounds a resource's name and ARN), so this always fits.
 */
function bareFinding(finding: Finding): Finding {
  const leftOut = new LeftOut(undefined);
  const size = Math.ceil(Buffer.byteLength(JSON.stringify(finding.evidence)) / 1024);
  leftOut.dropped('evidence', `all of it (${size.toLocaleString('en-US')} KB)`);
  const short = (text: string, path: string) => shortenText(text, SMALLEST.chars, path, leftOut);
  const { suppression } = finding;
  return {
    ...finding,
    title: short(finding.title, 'title'),
    message: short(finding.message, 'message'),
    remediation: short(finding.remediation, 'remediation'),
    ...(suppression
      ? { suppression: { ...suppression, reason: short(suppression.reason, 'suppression.reason') } }
      : {}),
    // Last, so that it lists what the lines above shortened.
    evidence: { leftOut: leftOut.lines() },
  };
}

const DROPPED = Symbol('dropped');

function summarise(value: unknown, budget: Budget, path: string, leftOut: LeftOut, depth: number): unknown {
  if (typeof value === 'string') return shortenText(value, budget.chars, path, leftOut);
  if (value === null || typeof value !== 'object') return value;
  if (depth > budget.depth) {
    leftOut.dropped(path, 'nested detail');
    return DROPPED;
  }
  if (Array.isArray(value)) {
    if (value.length > budget.items) leftOut.items(path, value.length - budget.items, value.length);
    return value
      .slice(0, budget.items)
      .map((item) => summarise(item, budget, `${path}[]`, leftOut, depth + 1))
      .filter((item) => item !== DROPPED);
  }
  const entries = Object.entries(value);
  if (entries.length > budget.fields) leftOut.fields(path, entries.length - budget.fields, entries.length);
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries.slice(0, budget.fields)) {
    const summary = summarise(item, budget, path ? `${path}.${key}` : key, leftOut, depth + 1);
    if (summary !== DROPPED) out[key] = summary;
  }
  return out;
}

/**
 * At most `max` characters, cut after a whole word and marked with an ellipsis. A string with no word
 * to cut after in its first half, or a JSON document (which a cut would break), is left out whole.
 */
function shortenText(text: string, max: number, path: string, leftOut: LeftOut): string {
  if (text.length <= max) return text;
  // The last white space within reach: cutting there splits no word (and no surrogate pair).
  let cut = max - 2;
  while (cut > max / 2 && !/\s/.test(text.charAt(cut))) cut--;
  if (/^\s*[[{]/.test(text) || cut <= max / 2) {
    leftOut.dropped(path, `${text.length.toLocaleString('en-US')} characters`);
    return `[${text.length.toLocaleString('en-US')} characters left out]`;
  }
  leftOut.shortened(path);
  return `${text.slice(0, cut).trimEnd()} …`;
}

/** What a summary left out, one line per field (list items are counted together). */
class LeftOut {
  readonly #earlier: string[];
  readonly #items = new Map<string, { left: number; total: number }>();
  readonly #fields = new Map<string, { left: number; total: number }>();
  readonly #shortened = new Map<string, number>();
  readonly #dropped = new Map<string, string>();

  /** Lines from an earlier summary of the same evidence stay. */
  constructor(earlier: unknown) {
    this.#earlier = Array.isArray(earlier) ? earlier.filter((l): l is string => typeof l === 'string') : [];
  }

  items(path: string, left: number, total: number): void {
    add(this.#items, path, left, total);
  }

  fields(path: string, left: number, total: number): void {
    add(this.#fields, path, left, total);
  }

  shortened(path: string): void {
    this.#shortened.set(path, (this.#shortened.get(path) ?? 0) + 1);
  }

  dropped(path: string, what: string): void {
    if (!this.#dropped.has(path)) this.#dropped.set(path, what);
  }

  lines(): string[] {
    const n = (x: number) => x.toLocaleString('en-US');
    return [
      ...this.#earlier,
      ...[...this.#dropped].map(([p, what]) => `${p}: ${what}`),
      ...[...this.#items].map(
        ([p, { left, total }]) => `${p}: all but the first ${n(total - left)} of ${n(total)} items`,
      ),
      ...[...this.#fields].map(
        ([p, { left, total }]) => `${p}: all but the first ${n(total - left)} of ${n(total)} fields`,
      ),
      ...[...this.#shortened].map(
        ([p, times]) => `${p}: shortened${times > 1 ? ` (${n(times)} values)` : ''}`,
      ),
    ];
  }
}

function add(map: Map<string, { left: number; total: number }>, path: string, left: number, total: number) {
  const sum = map.get(path) ?? { left: 0, total: 0 };
  map.set(path, { left: sum.left + left, total: sum.total + total });
}
