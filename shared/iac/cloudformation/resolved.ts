/** A value of a template after static resolution: known JSON, or unknown with what it was written as. */
export type Resolved =
  | { kind: 'known'; value: string | number | boolean | null; at: number }
  | { kind: 'list'; items: Resolved[]; at: number }
  | { kind: 'object'; entries: [string, Resolved][]; at: number }
  | Unknown;

export interface Unknown {
  kind: 'unknown';
  /** The source text of the expression that stays unknown. */
  source: string;
  /** Why: the leaf expressions that could not be resolved, each with the reason. */
  causes: Cause[];
  at: number;
}

export interface Cause {
  source: string;
  reason: string;
}

/** `Ref: AWS::NoValue`: the property or list item is left out. */
export const NO_VALUE = Symbol('AWS::NoValue');

export function unknown(source: string, reason: string, at: number): Unknown {
  return { kind: 'unknown', source, causes: [{ source, reason }], at };
}

/** An expression that is unknown because some of its parts are. */
export function unknownFrom(source: string, parts: Unknown[], at: number): Unknown {
  return {
    kind: 'unknown',
    source,
    causes: parts.flatMap((p) => p.causes),
    at,
  };
}

/** How an unknown reads in a finding: the source's own words, then why it is unknown. */
export function describe(u: Unknown): string {
  const why = u.causes.map((c) => (c.source === u.source ? c.reason : `\`${c.source}\` is ${c.reason}`));
  return `\`${u.source}\` (${why.join('; ')})`;
}
