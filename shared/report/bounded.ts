import type { Bounded } from './model.js';

/** The first `limit` items (already in the order to show), and how many there were. */
export function bound<T>(items: T[], limit: number): Bounded<T> {
  return { items: items.slice(0, limit), total: items.length };
}
