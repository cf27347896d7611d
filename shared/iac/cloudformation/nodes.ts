import type { SourcePosition } from '../model.js';

/**
 * A template as parsed, JSON or YAML alike: short-form YAML tags are already the long `Fn::` forms,
 * and every node keeps the offsets of its source text (for positions and for quoting the source).
 */
export type CfnNode =
  | { kind: 'scalar'; value: string | number | boolean | null; start: number; end: number }
  | { kind: 'map'; entries: CfnEntry[]; start: number; end: number }
  | { kind: 'seq'; items: CfnNode[]; start: number; end: number };

export interface CfnEntry {
  key: string;
  keyStart: number;
  value: CfnNode;
}

export type CfnMap = Extract<CfnNode, { kind: 'map' }>;

export function entry(map: CfnNode | undefined, key: string): CfnNode | undefined {
  return map?.kind === 'map' ? map.entries.find((e) => e.key === key)?.value : undefined;
}

export function scalarText(node: CfnNode | undefined): string | undefined {
  return node?.kind === 'scalar' && node.value !== null ? String(node.value) : undefined;
}

/** Turns source offsets into 1-based line and column (UTF-16 code units, as SARIF counts by default). */
export function positionsOf(text: string): (offset: number) => SourcePosition {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] as number) + 1 };
  };
}
