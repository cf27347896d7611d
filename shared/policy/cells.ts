import { GRAMMAR_CHARS, OWNER_TAG, REST_CANDIDATES, restCategory } from '../github/grammar.js';
import { mentionedChars, type Pattern, PatternRunner } from './pattern.js';
import { type Completion, completionsOf, type Dfa } from './regular.js';
import { StateTable } from './state-table.js';

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
  const byRank: string[][] = [[], [], [], []];
  for (const c of [...rest, ...explicit]) (byRank[restRank(c)] as string[]).push(c);
  return byRank.flat();
}

function restRank(c: string): number {
  const category = restCategory(c);
  return category === 'lower' ? 0 : category === 'digit' ? 1 : category === 'upper' ? 2 : 3;
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
  // Rules ask many questions of one policy: the same key with the same patterns recurs, so share the answer.
  const cacheKey = `${patterns.map(patternKey).join('\u0000')}\u0001${options.ownerCandidates?.join('\u0000') ?? '-'}\u0001${options.budget ?? ''}`;
  let byKey = cellCache.get(domain);
  if (!byKey) {
    byKey = new Map();
    cellCache.set(domain, byKey);
  }
  const cached = byKey.get(cacheKey);
  if (cached) return cached;
  const cells = searchCells(domain, patterns, options);
  if (byKey.size >= CELL_CACHE_SIZE) byKey.delete(byKey.keys().next().value as string);
  byKey.set(cacheKey, cells);
  return cells;
}

const CELL_CACHE_SIZE = 256;

/** Identifies a pattern by what it matches: its tokens, not the text it was written as. */
function patternKey(p: Pattern): string {
  if (!p.satisfiable) return '!';
  let key = '';
  for (const t of p.tokens)
    key += t.k === 'star' ? '\u0002' : t.k === 'one' ? '\u0003' : t.ci ? `\u0004${t.ch}` : t.ch;
  return key;
}
const cellCache = new WeakMap<Dfa, Map<string, Cell[]>>();

function searchCells(domain: Dfa, patterns: Pattern[], options: CellOptions): Cell[] {
  const candidateChars = options.ownerCandidates?.flatMap((o) => [...o]) ?? [];
  const alphabet = searchAlphabet(patterns, candidateChars);
  const classes = alphabet.map((ch) => domain.classOf(ch));
  const symbolsAt = distinctSymbols(
    domain,
    alphabet,
    classes,
    new Set([...patterns.flatMap(mentionedChars), ...candidateChars]),
  );
  const runners = patterns.map((p) => new PatternRunner(p, alphabet));
  const trie = options.ownerCandidates ? buildTrie(options.ownerCandidates) : undefined;
  const found = new Map<string, Cell>();
  let budget = options.budget ?? 400_000;
  const n = runners.length;
  const completions = completionsOf(domain);
  // State records: [domain, cursor, owner flag, ...runner states], kept flat in the table.
  const width = n + 3;
  const table = new StateTable(width);
  table.add([domain.start, -1, OWNER_NONE, ...runners.map((r) => r.start)]);
  const states = table.data;
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const next = new Array<number>(width).fill(0);
  /**
   * Records the cell of the runner states in `record` (at `offset`) unless a value at least as typical
   * is known; the bits and the value are only built when kept.
   */
  const record = (
    source: ArrayLike<number>,
    offset: number,
    test: (r: PatternRunner, state: number) => boolean,
    owner: number,
    tier: number,
    value: () => string,
  ) => {
    if (owner === OWNER_CONFLICT || tier < 0) return;
    let signature = String(owner);
    for (let k = 0; k < n; k++)
      signature += test(runners[k] as PatternRunner, source[offset + k] as number) ? '1' : '0';
    const known = found.get(signature);
    if (known && known.tier <= tier) return;
    const bits = runners.map((r, k) => test(r, source[offset + k] as number));
    found.set(signature, { bits, value: value(), tier, owner });
  };
  const settledTrue = (r: PatternRunner, state: number) => r.settled(state) === true;
  const accepting = (r: PatternRunner, state: number) => r.accepting(state);
  const allSettled = (source: ArrayLike<number>, offset: number) => {
    for (let k = 0; k < n; k++)
      if ((runners[k] as PatternRunner).settled(source[offset + k] as number) === undefined) return false;
    return true;
  };
  if (!trie && allSettled(states, 3)) {
    const rest = completions[domain.start] as Completion;
    record(states, 3, settledTrue, OWNER_NONE, rest.tier, () => rest.text);
    return [...found.values()];
  }
  for (let i = 0; i < parent.length; i++) {
    const base = i * width;
    const d = states[base] as number;
    const cursor = states[base + 1] as number;
    const owner = states[base + 2] as number;
    if (domain.accepting[d]) {
      const flag = cursor !== -1 && trie ? combineOwner(owner, ownerResult(trie, cursor)) : owner;
      record(states, base + 3, accepting, flag, domain.tier[d] as number, () =>
        pathTo(i, parent, via, alphabet),
      );
    }
    for (const sym of symbolsAt(d)) {
      const edge = d * domain.classCount + (classes[sym] as number);
      const nextDomain = domain.next[edge] as number;
      if (nextDomain === 0 || !domain.live[nextDomain]) continue;
      next[0] = nextDomain;
      next[1] = -1;
      next[2] = owner;
      if (trie && !moveOwner(trie, domain.tags[edge] as number, cursor, owner, alphabet[sym] as string, next))
        continue;
      for (let k = 0; k < n; k++)
        next[3 + k] = (runners[k] as PatternRunner).step(states[base + 3 + k] as number, sym);
      if (!trie && allSettled(next, 3)) {
        // No pattern can change its answer any more: finish the value from the table, search no further.
        const rest = completions[nextDomain] as Completion;
        const ch = alphabet[sym] as string;
        record(
          next,
          3,
          settledTrue,
          owner,
          rest.tier,
          () => pathTo(i, parent, via, alphabet) + ch + rest.text,
        );
        continue;
      }
      if (!table.add(next).added) continue;
      if (--budget < 0)
        throw new ComplexityError('the policy is too complex to analyse exactly (state budget exceeded)');
      parent.push(i);
      via.push(sym);
    }
  }
  return [...found.values()];
}

/**
 * Per domain state, the symbols worth trying: every character a pattern or owner name mentions, and one
 * of each group of the others that the domain sends to the same state (they are interchangeable there).
 */
function distinctSymbols(
  domain: Dfa,
  alphabet: string[],
  classes: number[],
  mentioned: Set<string>,
): (d: number) => number[] {
  const memo: number[][] = [];
  const isMentioned = alphabet.map((c) => mentioned.has(c));
  const groups = new Set<number>();
  return (d) => {
    let symbols = memo[d];
    if (!symbols) {
      groups.clear();
      symbols = [];
      for (let sym = 0; sym < alphabet.length; sym++) {
        const edge = d * domain.classCount + (classes[sym] as number);
        const target = domain.next[edge] as number;
        if (target === 0) continue;
        if (!isMentioned[sym]) {
          const group = target * 256 + (domain.tags[edge] as number);
          if (groups.has(group)) continue;
          groups.add(group);
        }
        symbols.push(sym);
      }
      memo[d] = symbols;
    }
    return symbols;
  };
}

/** Tracks the owner field across one character; false when two owner fields disagree. */
function moveOwner(
  trie: Trie,
  tag: number,
  cursor: number,
  owner: number,
  ch: string,
  out: number[],
): boolean {
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
