import { GRAMMAR_CHARS, OWNER_TAG, REST_CANDIDATES, restCategory } from '../github/grammar.js';
import { mentionedChars, type Pattern, PatternRunner } from './pattern.js';
import { type Completion, completionsOf, type Dfa } from './regular.js';

/** No owner field seen, an owner nobody listed, or two owner fields that disagree; k >= 0 is listed owner k. */
export const OWNER_NONE = -1;
export const OWNER_UNLISTED = -2;
export const OWNER_CONFLICT = -3;

/**
 * One region of a key's value space: all values that every pattern on the key either matches or not in
 * the same way. Values of one cell are interchangeable for every condition on that key.
 */
export interface Cell {
  /** Whether each pattern matches the values of this cell. */
  bits: boolean[];
  /** The shortest value of the cell in the most typical tier that has one. */
  value: string;
  /** Index of the domain tier the value comes from; `realisticTiers` and beyond means no real token carries it. */
  tier: number;
  owner: number;
}

export interface CellOptions {
  /** Owner names whose fields are tracked; undefined skips owner tracking. */
  ownerCandidates?: string[];
  /** Upper bound on product states explored, so an adversarial policy fails loudly instead of hanging. */
  budget?: number;
}

export class ComplexityError extends Error {}

interface Trie {
  children: Map<string, number>[];
  terminal: number[];
}

function buildTrie(words: string[]): Trie {
  const trie: Trie = { children: [new Map()], terminal: [-1] };
  words.forEach((word, k) => {
    let node = 0;
    for (const ch of word) {
      const children = trie.children[node] as Map<string, number>;
      let next = children.get(ch);
      if (next === undefined) {
        next = trie.children.length;
        children.set(ch, next);
        trie.children.push(new Map());
        trie.terminal.push(-1);
      }
      node = next;
    }
    if (trie.terminal[node] === -1) trie.terminal[node] = k;
  });
  return trie;
}

/** The characters worth telling apart: grammar literals, pattern literals, and one of each other kind. */
export function searchAlphabet(patterns: Pattern[], extra: string[] = []): string[] {
  const explicit = new Set<string>([...GRAMMAR_CHARS, ...extra]);
  for (const p of patterns) for (const c of mentionedChars(p)) explicit.add(c);
  const rest: string[] = [];
  for (const [category, pool] of Object.entries(REST_CANDIDATES)) {
    const rep = [...pool].find((c) => !explicit.has(c) && restCategory(c) === category);
    if (rep !== undefined) rest.push(rep);
  }
  // Lower-case letters first, so that the first witness found reads like a name.
  const rank = (c: string) => (/[a-z]/.test(c) ? 0 : /[0-9]/.test(c) ? 1 : /[A-Z]/.test(c) ? 2 : 3);
  return [...rest, ...explicit].sort((a, b) => rank(a) - rank(b));
}

function combineOwner(flag: number, result: number): number {
  if (flag === OWNER_NONE || flag === result) return result;
  return OWNER_CONFLICT;
}

/**
 * Enumerates the non-empty cells of one key by breadth-first search over the product of the key's
 * domain automaton and one lazily built automaton per pattern. Without owner tracking, once every
 * pattern's outcome is settled the value is finished from a precomputed table instead of searching on.
 */
export function keyCells(domain: Dfa, patterns: Pattern[], options: CellOptions = {}): Cell[] {
  const alphabet = searchAlphabet(patterns, options.ownerCandidates?.flatMap((o) => [...o]) ?? []);
  const classes = alphabet.map((ch) => domain.classOf(ch));
  const runners = patterns.map((p) => new PatternRunner(p, alphabet));
  const trie = options.ownerCandidates ? buildTrie(options.ownerCandidates) : undefined;
  const found = new Map<string, Cell>();
  let budget = options.budget ?? 400_000;
  const n = runners.length;
  const record = (bits: boolean[], owner: number, value: string, tier: number) => {
    if (owner === OWNER_CONFLICT || tier < 0) return;
    const signature = `${bits.map((b) => (b ? 1 : 0)).join('')}|${owner}`;
    const known = found.get(signature);
    if (!known || known.tier > tier) found.set(signature, { bits, value, tier, owner });
  };
  const table = completionsOf(domain);
  // Flat state records: [domain, cursor, owner flag, ...runner states]; keys pack them into a string.
  const width = n + 3;
  const states: number[] = [domain.start, -1, OWNER_NONE, ...runners.map((r) => r.start)];
  const pack = (values: number[]) => String.fromCharCode(...values.map((v) => v + 8));
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const seen = new Set<string>([pack(states)]);
  const next = new Array<number>(width).fill(0);
  for (let i = 0; i < parent.length; i++) {
    const base = i * width;
    const d = states[base] as number;
    const cursor = states[base + 1] as number;
    const owner = states[base + 2] as number;
    if (!trie) {
      let allSettled = true;
      for (let k = 0; k < n && allSettled; k++) {
        if ((runners[k] as PatternRunner).settled(states[base + 3 + k] as number) === undefined) allSettled = false;
      }
      if (allSettled) {
        const bits = runners.map((r, k) => r.settled(states[base + 3 + k] as number) === true);
        const rest = table[d] as Completion;
        record(bits, owner, pathTo(i, parent, via, alphabet) + rest.text, rest.tier);
        continue;
      }
    }
    if (domain.accepting[d]) {
      const flag = cursor !== -1 && trie ? combineOwner(owner, ownerResult(trie, cursor)) : owner;
      const bits = runners.map((r, k) => r.accepting(states[base + 3 + k] as number));
      record(bits, flag, pathTo(i, parent, via, alphabet), domain.tier[d] as number);
    }
    for (let sym = 0; sym < alphabet.length; sym++) {
      const edge = d * domain.classCount + (classes[sym] as number);
      const nextDomain = domain.next[edge] as number;
      if (nextDomain === 0 || !domain.live[nextDomain]) continue;
      next[0] = nextDomain;
      next[1] = -1;
      next[2] = owner;
      if (trie && !moveOwner(trie, domain.tags[edge] as number, cursor, owner, alphabet[sym] as string, next)) continue;
      for (let k = 0; k < n; k++) next[3 + k] = (runners[k] as PatternRunner).step(states[base + 3 + k] as number, sym);
      const key = pack(next);
      if (seen.has(key)) continue;
      if (--budget < 0) throw new ComplexityError('the policy is too complex to analyse exactly (state budget exceeded)');
      seen.add(key);
      parent.push(i);
      via.push(sym);
      for (const v of next) states.push(v);
    }
  }
  return [...found.values()];
}

/** Tracks the owner field across one character; false when two owner fields disagree. */
function moveOwner(trie: Trie, tag: number, cursor: number, owner: number, ch: string, out: number[]): boolean {
  let nextCursor = cursor;
  let nextOwner = owner;
  if (tag === OWNER_TAG) {
    const at = nextCursor === -1 ? 0 : nextCursor;
    nextCursor = at < 0 ? -2 : (trie.children[at]?.get(ch) ?? -2);
  } else if (nextCursor !== -1) {
    nextOwner = combineOwner(nextOwner, ownerResult(trie, nextCursor));
    nextCursor = -1;
  }
  out[1] = nextCursor;
  out[2] = nextOwner;
  return nextOwner !== OWNER_CONFLICT;
}

function ownerResult(trie: Trie, cursor: number): number {
  if (cursor < 0) return OWNER_UNLISTED;
  const k = trie.terminal[cursor] as number;
  return k >= 0 ? k : OWNER_UNLISTED;
}

function pathTo(i: number, parent: number[], via: number[], alphabet: string[]): string {
  const out: string[] = [];
  for (let at = i; at > 0; at = parent[at] as number) out.push(alphabet[via[at] as number] as string);
  return out.reverse().join('');
}
