/** One way through the conditions that could not be decided statically, and what it gives. */
export interface Variant<T> {
  /** The conditions this path decided, in the order they were met. */
  choices: [string, boolean][];
  result: T;
}

/**
 * Runs `read` once per combination of the free conditions it meets (a condition met only on one
 * branch of another is decided only there), up to `cap` runs; `undefined` past the cap.
 */
export function eachVariant<T>(
  read: (decide: (condition: string) => boolean) => T,
  cap: number,
): { variants: Variant<T>[]; met: string[] } | { variants: undefined; met: string[] } {
  const variants: Variant<T>[] = [];
  const met = new Set<string>();
  const pending: [string, boolean][][] = [[]];
  for (let prefix = pending.pop(); prefix; prefix = pending.pop()) {
    if (variants.length === cap) return { variants: undefined, met: [...met] };
    const choices = [...prefix];
    const result = read((condition) => {
      met.add(condition);
      const chosen = choices.find(([name]) => name === condition);
      if (chosen) return chosen[1];
      // Read `true` now; the same path with `false` here is read later.
      pending.push([...choices, [condition, false]]);
      choices.push([condition, true]);
      return true;
    });
    variants.push({ choices, result });
  }
  return { variants, met: [...met] };
}
