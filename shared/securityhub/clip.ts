/**
 * At most `max` characters (code points: a surrogate pair is never split), the last one an ellipsis
 * when anything was cut.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  if (points.length <= max) return text;
  return `${points.slice(0, max - 1).join('')}…`;
}
