import type { SourcePosition } from '../model.js';

/**
 * Where each resource of a plan is written, by address, found in one scan of the text. Terraform writes
 * `planned_values` before `resource_drift` and `resource_changes`, and those before `prior_state` and
 * `configuration`: the first `"address"` of a resource after a section's key is then that section's
 * entry. A plan written in another order gets no positions rather than wrong ones.
 */
export function planPositions(
  text: string,
): { planned: Map<string, SourcePosition>; changes: Map<string, SourcePosition> } | undefined {
  const planned = new Map<string, SourcePosition>();
  const changes = new Map<string, SourcePosition>();
  const sections = ['"planned_values"', '"resource_changes"', '"prior_state"', '"configuration"'].map((key) =>
    text.indexOf(key),
  );
  const [plannedAt, changesAt, ...later] = sections as [number, number, ...number[]];
  const after = (a: number, b: number) => a < 0 || b < 0 || a < b;
  if (!after(plannedAt, changesAt) || !later.every((at) => after(plannedAt, at) && after(changesAt, at))) {
    return undefined;
  }
  const lines = lineStarts(text);
  const ADDRESS = /"address"\s*:\s*("(?:[^"\\]|\\.)*")/g;
  for (let match = ADDRESS.exec(text); match; match = ADDRESS.exec(text)) {
    const section =
      match.index > changesAt && changesAt >= 0
        ? changes
        : plannedAt >= 0 && match.index > plannedAt
          ? planned
          : undefined;
    if (!section || later.some((at) => at >= 0 && match.index > at)) continue;
    const address = JSON.parse(match[1] as string) as string;
    if (!section.has(address)) section.set(address, positionOf(lines, match.index));
  }
  return { planned, changes };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

function positionOf(lines: number[], offset: number): SourcePosition {
  let low = 0;
  let high = lines.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((lines[middle] as number) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (lines[low] as number) + 1 };
}
