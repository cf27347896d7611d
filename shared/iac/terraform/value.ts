import { UNKNOWN_MARK, type UnknownValue } from '../model.js';

/** A value Terraform only knows later (after plan or after apply); `description` says which, in Terraform's words. */
export class Unresolved {
  constructor(
    readonly description: string,
    /** How it may be written in the source (`var.repo`, `"repo:${var.org}/*"`), to find where. */
    readonly written: string[] = [],
  ) {}
}

/** A Terraform value as read from a plan or a configuration: plain JSON where known. */
export type TfValue = null | boolean | number | string | Unresolved | TfValue[] | TfObject;
export interface TfObject {
  [key: string]: TfValue;
}

// An object key that is itself unknown (`"${var.provider}:sub" = …`): the key carries its description
// until `toIacDocument` turns it into a numbered placeholder. NUL never occurs in a written key.
const PENDING_KEY = '\u0000trustwatch-pending-key:';

export function unresolvedKey(description: string): string {
  return PENDING_KEY + description;
}

export function isObject(value: TfValue | undefined): value is TfObject {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Unresolved)
  );
}

/**
 * Turns a value into `IacRole.document` and its `unknowns`: each unknown value, and each unknown key,
 * becomes `UNKNOWN_MARK + index`. An unknown key holds the pointer of its member; a member whose key
 * and value are the same unknown (a dynamic block: something of unknown name and content) is one
 * unknown, its key and value the same placeholder.
 */
export function toIacDocument(value: TfValue): {
  document: unknown;
  unknowns: UnknownValue[];
  written: string[][];
} {
  const unknowns: UnknownValue[] = [];
  const written: string[][] = [];
  const mark = (description: string, pointer: string, as: string[] = []): string => {
    unknowns.push({ pointer, description });
    written.push(as);
    return UNKNOWN_MARK + (unknowns.length - 1);
  };
  const walk = (v: TfValue, pointer: string): unknown => {
    if (v instanceof Unresolved) return mark(v.description, pointer, v.written);
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${pointer}/${i}`));
    if (!isObject(v)) return v;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(v)) {
      if (!key.startsWith(PENDING_KEY)) {
        out[key] = walk(item, `${pointer}/${escapePointer(key)}`);
        continue;
      }
      const description = key.slice(PENDING_KEY.length);
      const placeholder = UNKNOWN_MARK + unknowns.length;
      const member = `${pointer}/${escapePointer(placeholder)}`;
      mark(description, member);
      out[placeholder] =
        item instanceof Unresolved && item.description === description ? placeholder : walk(item, member);
    }
    return out;
  };
  if (value instanceof Unresolved) {
    const unknowns = [{ pointer: '', description: value.description }];
    return { document: undefined, unknowns, written: [value.written] };
  }
  return { document: walk(value, ''), unknowns, written };
}

export function escapePointer(key: string): string {
  if (!key.includes('~') && !key.includes('/')) return key;
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `description` in the form every Terraform unknown takes: "`var.repo` (known after plan)". */
export function afterPlan(expression: string): string {
  return `\`${expression}\` (known after plan)`;
}

/** "`aws_iam_openid_connect_provider.gh.arn` (known after apply)"; several references listed one by one. */
export function afterApply(references: string[]): string {
  return `${references.map((r) => `\`${r}\``).join(', ')} (known after apply)`;
}
