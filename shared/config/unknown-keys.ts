import { closest, distance } from 'fastest-levenshtein';

/**
 * What to say about keys an object does not know: each named, with the known key it most likely
 * misspells (`maxKeyAgeDay` → `maxKeyAgeDays`) when one is close enough to be a typo.
 */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((key) => {
      const near = known.length > 0 ? closest(key, [...known]) : undefined;
      const typo =
        near !== undefined && distance(key.toLowerCase(), near.toLowerCase()) <= Math.max(2, key.length / 4);
      return `unknown key "${key}"${typo ? ` (did you mean "${near}"?)` : ''}`;
    })
    .join(', ');
}
