/**
 * Array helpers for lists whose length the input decides. Spreading such a list into a call
 * (`push(...items)`, `Math.max(...values)`) passes every element as an argument and overflows the
 * stack past about 120,000 of them; these loop instead.
 */

/** Appends every item to `target` in order; returns `target`. */
export function appendAll<T>(target: T[], items: Iterable<T>): T[] {
  for (const item of items) target.push(item);
  return target;
}

/** The largest of `values`, or `floor` when none is larger (or there are none). */
export function maxOf(values: Iterable<number>, floor: number): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}
