/**
 * Turning realistic strings into adversarial patterns (and patterns back into strings): a value in a
 * generated policy is a real claim value with parts replaced by `*`/`?`, its case flipped, a character
 * added or dropped. Tokens are then built by filling the wildcards with fresh or mentioned text.
 */
import fc from 'fast-check';

export type Edit =
  | { kind: 'star'; at: number; len: number }
  | { kind: 'segment'; at: number }
  | { kind: 'one'; at: number }
  | { kind: 'flip'; at: number }
  | { kind: 'insert'; at: number; ch: string }
  | { kind: 'drop'; at: number };

/** Characters an edit may insert: delimiters, letters near the alphabet, and the glob characters. */
const INSERTABLE = ['x', 'A', '-', '/', ':', '*', '?', '.'];

export const editArb: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('star' as const), at: fc.nat(80), len: fc.nat(12) }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('segment' as const), at: fc.nat(80) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('one' as const), at: fc.nat(80) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: fc.nat(80) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(80),
      ch: fc.constantFrom(...INSERTABLE),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat(80) }) },
);

const isDelimiter = (ch: string | undefined) => ch === ':' || ch === '/' || ch === '@';

function flipCase(ch: string): string {
  const upper = ch.toUpperCase();
  return ch === upper ? ch.toLowerCase() : upper;
}

export function applyEdit(text: string, edit: Edit): string {
  const chars = [...text];
  const at = edit.at % (chars.length + 1);
  switch (edit.kind) {
    case 'star':
      chars.splice(at, edit.len, '*');
      break;
    case 'segment': {
      // Replace the `:`/`/`/`@`-delimited segment around `at` by `*`, as in `repo:acme/*`.
      let start = Math.min(at, chars.length);
      while (start > 0 && !isDelimiter(chars[start - 1])) start--;
      let end = start;
      while (end < chars.length && !isDelimiter(chars[end])) end++;
      chars.splice(start, end - start, '*');
      break;
    }
    case 'one':
      if (at < chars.length) chars[at] = '?';
      break;
    case 'flip':
      if (at < chars.length) chars[at] = flipCase(chars[at] as string);
      break;
    case 'insert':
      chars.splice(at, 0, edit.ch);
      break;
    case 'drop':
      chars.splice(at, 1);
      break;
  }
  return chars.join('');
}

/** IAM's escapes for a literal `*`, `?`, `$` inside a StringLike value. */
export const ESCAPE_TEXT = ['${*}', '${?}', '${$}'];

/** A pattern derived from realistic text: 0–3 edits, sometimes a literal-character escape, sometimes a stock glob. */
export function patternArb(textArb: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const editsArb = fc.oneof(
    { weight: 3, arbitrary: fc.constant([]) },
    { weight: 4, arbitrary: fc.array(editArb, { minLength: 1, maxLength: 1 }) },
    { weight: 2, arbitrary: fc.array(editArb, { minLength: 2, maxLength: 3 }) },
  );
  const escapeArb = fc.oneof(
    { weight: 9, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.tuple(fc.nat(80), fc.constantFrom(...ESCAPE_TEXT)) },
  );
  const derived = fc.tuple(textArb, editsArb, escapeArb).map(([text, edits, insertion]) => {
    const edited = edits.reduce(applyEdit, text);
    if (insertion === null) return edited;
    const [at, esc] = insertion;
    const chars = [...edited];
    chars.splice(at % (chars.length + 1), 0, esc);
    return chars.join('');
  });
  const stock = fc.constantFrom(
    '*',
    'repo:*',
    'repo:acme*',
    'repo:acme/*',
    '*:ref:refs/heads/main',
    'repo:*/app:*',
    '?*',
  );
  return fc.oneof({ weight: 8, arbitrary: derived }, { weight: 1, arbitrary: stock });
}

/** Text to put where a pattern has `*`: nothing, fresh text, and fragments of the alphabet. */
export const STAR_FILLERS = ['', 'zq', 'acme', 'Acme', 'other', 'app', 'main', '/', ':', 'acme/app', 'x/y:z'];
/** Characters to put where a pattern has `?`. */
export const ONE_FILLERS = ['a', 'A', 'z', '/', ':', '-', '*'];

/** Splits a value into literal text and wildcards, reading `${*}` `${?}` `${$}` as literal characters. */
export function globParts(value: string): (string | { wildcard: '*' | '?' })[] {
  const parts: (string | { wildcard: '*' | '?' })[] = [];
  let literal = '';
  for (let i = 0; i < value.length; i++) {
    const esc = ESCAPE_TEXT.find((e) => value.startsWith(e, i));
    if (esc) {
      literal += esc[2];
      i += esc.length - 1;
    } else if (value[i] === '*' || value[i] === '?') {
      parts.push(literal, { wildcard: value[i] as '*' | '?' });
      literal = '';
    } else literal += value[i];
  }
  parts.push(literal);
  return parts;
}

/** Literal fragments a set of values mentions: the probes "mentioned text" fills wildcards with. */
export function mentionedFragments(values: string[]): string[] {
  const out = new Set<string>();
  for (const v of values) for (const p of globParts(v)) if (typeof p === 'string' && p !== '') out.add(p);
  return [...out];
}

/** A string the glob `value` matches, its wildcards filled from `fillers` (and `?` with one character). */
export function instantiateArb(value: string, fillers: string[]): fc.Arbitrary<string> {
  const parts = globParts(value);
  const holes = parts.filter((p) => typeof p !== 'string');
  const fillArbs = holes.map((h) =>
    h.wildcard === '*'
      ? fc.constantFrom(...STAR_FILLERS, ...fillers)
      : fc.oneof(
          fc.constantFrom(...ONE_FILLERS),
          fc.constantFrom(...fillers, 'b').map((f) => [...f][0] ?? 'b'),
        ),
  );
  return fc.tuple(...fillArbs).map((fills) => {
    let i = 0;
    return parts.map((p) => (typeof p === 'string' ? p : (fills[i++] as string))).join('');
  });
}

/** A near miss of a string: one edit that is not a wildcard (case flip, extra or missing character, other owner). */
export function nearMissArb(text: string): fc.Arbitrary<string> {
  const literalEdit = editArb.filter((e) => e.kind === 'flip' || e.kind === 'insert' || e.kind === 'drop');
  return fc.oneof(
    literalEdit.map((e) => applyEdit(text, e)),
    fc.constantFrom('other', 'acme-x', 'Acme', 'ACME').map((owner) => text.replace(/acme/i, owner)),
  );
}
