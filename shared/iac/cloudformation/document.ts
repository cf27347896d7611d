import { type SourcePosition, UNKNOWN_MARK, type UnknownValue } from '../model.js';
import { describe, type Resolved } from './resolved.js';

export interface PlainDocument {
  document: unknown;
  unknowns: UnknownValue[];
  valuePositions: Record<string, SourcePosition>;
}

/** A resolved value as plain JSON: each unknown becomes `UNKNOWN_MARK + index`, described in `unknowns`. */
export function plainDocument(
  value: Resolved,
  positionOf: (offset: number) => SourcePosition,
): PlainDocument {
  const unknowns: UnknownValue[] = [];
  const valuePositions: Record<string, SourcePosition> = {};
  const walk = (v: Resolved, pointer: string): unknown => {
    valuePositions[pointer] = positionOf(v.at);
    switch (v.kind) {
      case 'known':
        return v.value;
      case 'list':
        return v.items.map((item, i) => walk(item, `${pointer}/${i}`));
      case 'object':
        return Object.fromEntries(
          v.entries.map(([key, item]) => [key, walk(item, `${pointer}/${escapePointer(key)}`)]),
        );
      case 'unknown':
        unknowns.push({ pointer, description: describe(v) });
        return `${UNKNOWN_MARK}${unknowns.length - 1}`;
    }
  };
  const walked = walk(value, '');
  return { document: value.kind === 'unknown' ? undefined : walked, unknowns, valuePositions };
}

/** A plain JSON value (a policy written as a JSON string) as a resolved one, all at one place. */
export function fromJson(value: unknown, at: number): Resolved {
  if (Array.isArray(value)) return { kind: 'list', items: value.map((v) => fromJson(v, at)), at };
  if (value !== null && typeof value === 'object')
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => [k, fromJson(v, at)]), at };
  return { kind: 'known', value: value as string | number | boolean | null, at };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}
