import type { SourcePosition } from '../model.js';
import { UNKNOWN_MARK } from '../model.js';
import { escapePointer } from './value.js';

/** Positions in Terraform source text, found by scanning it (the HCL parser's JSON carries none). */

export interface BlockSpan {
  position: SourcePosition;
  start: number;
  end: number;
}

const TOP_LEVEL_BLOCK =
  /^[ \t]*(?:resource|data|module|locals|variable|output|provider|terraform|moved|import|check|removed)\b/gm;

/** Where `resource "aws_iam_role" "name" {` (or `data …`) starts, and the text up to the next top-level block. */
export function findBlock(
  text: string,
  kind: 'resource' | 'data',
  type: string,
  name: string,
): BlockSpan | undefined {
  const header = new RegExp(
    `^([ \\t]*)${kind}\\s+"?${escapeRegExp(type)}"?\\s+"?${escapeRegExp(name)}"?\\s*\\{`,
    'm',
  );
  const match = header.exec(text);
  if (!match) return undefined;
  const start = match.index + (match[1]?.length ?? 0);
  TOP_LEVEL_BLOCK.lastIndex = match.index + match[0].length;
  const next = TOP_LEVEL_BLOCK.exec(text);
  return { position: positionAt(text, start), start, end: next ? next.index : text.length };
}

/**
 * Where each string of the document is written inside the block, by JSON pointer (an unknown one: its
 * expression as written, `written` by unknown index): only for text found exactly once there, so a
 * position is never a guess between two places.
 */
export function stringPositions(
  document: unknown,
  written: string[][],
  text: string,
  span: BlockSpan,
): Record<string, SourcePosition> {
  const positions: Record<string, SourcePosition> = {};
  const block = text.slice(span.start, span.end);
  const visit = (value: unknown, pointer: string): void => {
    if (typeof value === 'string') {
      const forms = value.startsWith(UNKNOWN_MARK)
        ? (written[Number(value.slice(UNKNOWN_MARK.length))] ?? [])
        : [JSON.stringify(value)];
      const form = forms.find((f) => {
        const at = block.indexOf(f);
        return at >= 0 && block.indexOf(f, at + 1) < 0;
      });
      if (form !== undefined) positions[pointer] = positionAt(text, span.start + block.indexOf(form));
    } else if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${pointer}/${i}`);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        visit(item, `${pointer}/${escapePointer(key)}`);
      }
    }
  };
  visit(document, '');
  return positions;
}

function positionAt(text: string, offset: number): SourcePosition {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
