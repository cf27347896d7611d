import { monthName as nameOf, parseMonth } from './month.js';

/** Words and numbers the HTML, Markdown and text forms share, so they never disagree. */
export const num = (n: number) => n.toLocaleString('en-US');

export const percent = (share: number | null) =>
  share === null ? 'n/a' : `${Math.round(share * 1000) / 10}%`;

/** A UTC date, YYYY-MM-DD; reports never show local time. */
export const day = (iso: string | null | undefined) =>
  iso ? new Date(iso).toISOString().slice(0, 10) : 'never';

export const dateTime = (iso: string) => `${new Date(iso).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export const monthTitle = (id: string) => nameOf(parseMonth(id));

export const plural = (n: number, noun: string, nouns = `${noun}s`) => `${num(n)} ${n === 1 ? noun : nouns}`;

export const VERDICT_WORDS = {
  wider: 'wider',
  narrower: 'narrower',
  incomparable: 'different (wider and narrower)',
  new: 'new GitHub-trusted role',
} as const;

/** A comparison row's change in words: `+3 (worse)`. */
export function change(previous: number | null, current: number | null, better: 'lower' | 'higher'): string {
  if (previous === null || current === null) return 'n/a';
  const delta = Math.round((current - previous) * 10) / 10;
  if (delta === 0) return 'no change';
  const improved = better === 'lower' ? delta < 0 : delta > 0;
  return `${delta > 0 ? '+' : ''}${num(delta)} (${improved ? 'better' : 'worse'})`;
}

export const value = (n: number | null) => (n === null ? 'n/a' : num(n));
