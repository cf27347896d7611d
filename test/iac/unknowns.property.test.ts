/**
 * The bounds policyBounds gives for unknown values hold for every resolution: the narrowest admits no
 * token a resolution refuses and the widest refuses none a resolution admits, by the exact engine
 * (compare finds nothing newly admitted) and token by token (admits).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type IacRole, UNKNOWN_MARK } from '../../shared/iac/model.js';
import { partsOf, pointerOf } from '../../shared/iac/pointer.js';
import { policyBounds } from '../../shared/iac/unknowns.js';
import { admits } from '../../shared/policy/admits.js';
import { compare } from '../../shared/policy/compare.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { policySpecArb } from '../support/policy-arbitraries.js';
import { renderPolicy } from '../support/policy-spec.js';
import { tokenNearArb } from '../support/token-arbitraries.js';

type Json = unknown;

/** Every place an unknown can sit: string leaves, and whole statements, principals and condition blocks. */
function places(document: Json): string[] {
  const out: string[] = [];
  const walk = (value: Json, pointer: string) => {
    if (typeof value === 'string') out.push(pointer);
    else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${pointer}${pointerOf([i])}`);
    } else if (value && typeof value === 'object') {
      if (/\/(Principal|Condition)$/.test(pointer) || /^\/Statement(\/\d+)?$/.test(pointer))
        out.push(pointer);
      for (const [k, v] of Object.entries(value)) {
        if (k !== 'Version') walk(v, `${pointer}${pointerOf([k])}`);
      }
    }
  };
  walk(document, '');
  return out.filter((p) => p !== '/Statement');
}

function setAt(document: Json, pointer: string, value: Json): Json {
  const copy = structuredClone(document) as Record<string, Json>;
  const parts = partsOf(pointer);
  const last = parts.pop() as string;
  let at: Record<string, Json> = copy;
  for (const p of parts) at = at[p] as Record<string, Json>;
  at[last] = value;
  return copy;
}

function getAt(document: Json, pointer: string): Json {
  return partsOf(pointer).reduce<Json>((at, p) => (at as Record<string, Json>)[p], document);
}

/** A value another resolution could give the place, of the same kind as what is written there. */
function otherValue(pointer: string, pool: { strings: string[]; other: Json }): fc.Arbitrary<Json> {
  if (pointer.endsWith('/Effect')) return fc.constantFrom('Allow', 'Deny');
  if (/\/Action(\/\d+)?$|\/NotAction(\/\d+)?$/.test(pointer))
    return fc.constantFrom('sts:AssumeRoleWithWebIdentity', 'sts:AssumeRole', 'sts:*', '*', 'sts:TagSession');
  if (/^\/Statement(\/\d+)?$/.test(pointer)) {
    const statements = [getAt(pool.other, '/Statement')].flat();
    return fc.constantFrom(...statements);
  }
  if (pointer.endsWith('/Principal') || pointer.endsWith('/Condition')) {
    const field = pointer.slice(pointer.lastIndexOf('/') + 1);
    const statements = [getAt(pool.other, '/Statement')].flat() as Record<string, Json>[];
    return fc.constantFrom(...statements.map((s) => s[field] ?? {}), field === 'Principal' ? '*' : {});
  }
  return fc.constantFrom(...pool.strings, '*', 'repo:*');
}

const leaves = (document: Json) =>
  places(document)
    .map((p) => getAt(document, p))
    .filter((v): v is string => typeof v === 'string');

const caseArb = fc.tuple(policySpecArb, policySpecArb).chain(([a, b]) => {
  const written = renderPolicy(a);
  const other = renderPolicy(b);
  const candidates = places(written);
  return fc
    .uniqueArray(fc.constantFrom(...candidates), { minLength: 1, maxLength: 3 })
    .chain((marked) =>
      fc.tuple(
        fc.constant(written),
        fc.constant(marked),
        fc.tuple(...marked.map((p) => otherValue(p, { strings: leaves(other), other }))),
        fc.array(tokenNearArb([a, b]), { minLength: 20, maxLength: 20 }),
      ),
    );
});

describe('policyBounds (property)', () => {
  it('narrowest ⊆ every resolution ⊆ widest', () => {
    fc.assert(
      fc.property(caseArb, ([written, marked, substitutes, tokens]) => {
        // Nested places: a mark inside a place already marked is not a place any more.
        const outer = marked.filter((p) => !marked.some((q) => q !== p && p.startsWith(`${q}/`)));
        let document: Json = written;
        outer.forEach((p, i) => {
          document = setAt(document, p, `${UNKNOWN_MARK}${i}`);
        });
        const role: IacRole = {
          file: 't.json',
          id: 'Role',
          document,
          unknowns: outer.map((pointer, i) => ({ pointer, description: `value ${i}` })),
          valuePositions: {},
        };
        const bounds = policyBounds(role);
        if (bounds.kind === 'unknown') return;
        const narrowest = bounds.kind === 'known' ? bounds.parsed : bounds.narrowest;
        const widest = bounds.kind === 'known' ? bounds.parsed : bounds.widest;
        let resolved: Json = written;
        outer.forEach((p) => {
          resolved = setAt(resolved, p, substitutes[marked.indexOf(p)]);
        });
        for (const resolution of [written, resolved]) {
          const context = JSON.stringify({ document, resolution });
          const parsed = parsePolicy(resolution).document;
          for (const token of tokens) {
            if (admits(narrowest.document, token))
              expect(
                admits(parsed, token),
                `narrowest admits more: ${context} ${JSON.stringify(token)}`,
              ).toBe(true);
            if (admits(parsed, token))
              expect(
                admits(widest.document, token),
                `widest admits less: ${context} ${JSON.stringify(token)}`,
              ).toBe(true);
          }
          // Going from the narrowest to a resolution, and from it to the widest, nothing stops being admitted.
          expect(compare(narrowest.document, parsed).noLongerAdmitted, `narrowest: ${context}`).toEqual([]);
          expect(compare(parsed, widest.document).noLongerAdmitted, `widest: ${context}`).toEqual([]);
        }
      }),
      { numRuns: 150 },
    );
  });
});
