import { monthTitle } from '../report/format.js';
import type { AlertMessage } from './alert.js';

/** SNS rejects a longer subject (its documentation says "less than 100"; the service takes 100). */
export const SUBJECT_MAX = 100;
const ELLIPSIS = '...';

/**
 * The email subject: ASCII, one line, at most 100 characters, as SNS requires; a longer one is cut
 * after a whole word, with an ellipsis. The tag and the resource come first, so a cut takes the end.
 */
export function emailSubject(message: AlertMessage): string {
  switch (message.kind) {
    case 'alert':
      return subject(
        `[${message.finding.severity.toUpperCase()}] trustwatch: `,
        `${message.finding.resource.name} - ${message.finding.title}`,
      );
    case 'resolved':
      return subject(
        '[RESOLVED] trustwatch: ',
        `${message.finding.resource.name} - ${message.finding.title}`,
      );
    case 'digest': {
      const total = message.findings.length + message.omitted;
      return subject(
        '[DIGEST] trustwatch: ',
        `${total} ${total === 1 ? 'finding' : 'findings'} below the alert level on ${message.day}, account ${message.account}`,
      );
    }
    case 'report':
      return subject(
        '[REPORT] trustwatch: ',
        `compliance report for ${monthTitle(message.summary.month)}, account ${message.account}`,
      );
  }
}

function subject(tag: string, text: string): string {
  const full = `${tag}${ascii(text)}`;
  if (full.length <= SUBJECT_MAX) return full;
  const room = SUBJECT_MAX - ELLIPSIS.length;
  const space = full.lastIndexOf(' ', room);
  // One word longer than the room (a provider URL) cannot be cut between words: it is cut where it must be.
  const cut = space > tag.length ? space : room;
  return `${full.slice(0, cut).trimEnd()}${ELLIPSIS}`;
}

const REPLACEMENTS: [RegExp, string][] = [
  [/[\u2018\u2019\u201a\u2032]/g, "'"],
  [/[\u201c\u201d\u201e\u2033]/g, '"'],
  [/[\u2010-\u2015\u2212]/g, '-'],
  [/\u2026/g, '...'],
  [/\u2192/g, '->'],
];

/**
 * SNS takes only printable ASCII without line breaks. Names and titles keep their letters (accents
 * dropped, typographic punctuation spelled in ASCII); anything else becomes `?`.
 */
function ascii(text: string): string {
  let out = text.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  return out
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .replace(/[^\x20-\x7e]/gu, '?')
    .trim();
}
