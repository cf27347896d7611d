import { maxOf } from '../arrays.js';
import { GRAMMAR_CHARS, OWNER_TAG, REST_CANDIDATES, restCategory } from '../github/grammar.js';
import { type Budget, withinBudget } from './budget.js';
import { mentionedChars, type Pattern, PatternRunner, patternKey } from './pattern.js';
import { type Completion, type CompletionMode, completionsOf, type Dfa, PerDfaCache } from './regular.js';

const ANY: CompletionMode = { kind: 'any' };
const MODES = ['any', 'avoid', 'through'] as const;

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
  /** Whether each atom (a union of patterns: one condition's values) matches the values of this cell. */
  bits: boolean[];
  /** The shortest value of the cell in the most typical tier that has one. */
  value: string;
  /** Index of the domain tier the value comes from; `realisticTiers` and beyond means no real token carries it. */
  tier: number;
  owner: number;
  /** Whether the values pass a transition carrying `CellOptions.mark` (e.g. the pull_request context). */
  marked: boolean;
}

export interface CellOptions {
  /** Owner names whose fields are tracked; undefined skips owner tracking. */
  ownerCandidates?: string[];
  /** A field tag of the domain to tell cells apart by (`Cell.marked`). */
  mark?: number;
  /** Characters the domain distinguishes beyond the grammar's own. */
  literals?: string[];
  /**
   * Per atom: the field tags of the characters it reads, for an atom on a claim that is part of the
   * value (the `repository` inside a subject); undefined reads every character.
   */
  projections?: (readonly number[] | undefined)[];
  /**
   * Whether a value accepted in this tier with this owner flag exists at all (subject forms depend on
   * the owner); needs `ownerCandidates`. `key` names the rule for the cache.
   */
  accept?: { key: string; test(tier: number, owner: number): boolean };
}

export { ComplexityError } from './budget.js';

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
  const beyond = new Set<string>();
  for (const c of extra) if (!GRAMMAR_CHARS.has(c)) beyond.add(c);
  for (const p of patterns) for (const c of mentionedChars(p)) if (!GRAMMAR_CHARS.has(c)) beyond.add(c);
  // Policies mention much the same characters: the alphabet recurs.
  const key = [...beyond].sort().join('');
  let alphabet = alphabets.get(key);
  if (!alphabet) {
    alphabet = buildAlphabet(beyond);
    if (alphabets.size >= 64) alphabets.delete(alphabets.keys().next().value as string);
    alphabets.set(key, alphabet);
  }
  return alphabet;
}

const alphabets = new Map<string, string[]>();

function buildAlphabet(beyond: Set<string>): string[] {
  const explicit = new Set<string>([...GRAMMAR_CHARS, ...beyond]);
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
 * domain automaton and one lazily built automaton per atom. Without owner tracking, once every
 * atom's outcome is settled the value is finished from a precomputed table instead of searching on.
 */
export function keyCells(domain: Dfa, atoms: Pattern[][], options: CellOptions = {}): Cell[] {
  // Rules ask many questions of one policy: the same key with the same patterns recurs, so share the answer.
  const atomKeys = atoms.map((a) => a.map(patternKey).join('\u0005')).join('\u0000');
  const cacheKey = `${atomKeys}\u0001${options.literals?.join('') ?? ''}\u0001${options.ownerCandidates?.join('\u0000') ?? '-'}\u0001${options.mark ?? ''}\u0001${options.accept?.key ?? ''}\u0001${options.projections?.map((p) => p?.join('.') ?? '*').join(',') ?? ''}`;
  return withinBudget(undefined, (budget) => {
    const known = cellCache.get(domain, cacheKey);
    // A known answer costs what finding it cost, so that whether a policy fits its budget does not
    // depend on what was analysed before it.
    if (known) {
      budget.spend(known.steps);
      return known.cells;
    }
    const before = budget.used;
    const cells = searchCells(domain, atoms, options, budget);
    cellCache.set(domain, cacheKey, { cells, steps: budget.used - before });
    return cells;
  });
}

const cellCache = new PerDfaCache<{ cells: Cell[]; steps: number }>(256);

function searchCells(domain: Dfa, atoms: Pattern[][], options: CellOptions, budget: Budget): Cell[] {
  // Owner names compare case-insensitively (GitHub logins do): both cases of their letters are tried.
  const candidateChars = (options.ownerCandidates ?? []).flatMap((o) => [
    ...o.toLowerCase(),
    ...o.toUpperCase(),
  ]);
  const patterns = atoms.flat();
  const alphabet = searchAlphabet(patterns, [...candidateChars, ...(options.literals ?? [])]);
  const classes = alphabet.map((ch) => domain.classOf(ch));
  const groupsAt = symbolGroups(domain, alphabet, classes);
  const candidateSymbols = alphabet.flatMap((c, sym) => (candidateChars.includes(c) ? [sym] : []));
  const isRelevant = new Uint8Array(alphabet.length);
  const tries: number[] = [];
  const runners = atoms.map((atom) => new PatternRunner(atom, alphabet));
  const trie = options.ownerCandidates
    ? buildTrie(options.ownerCandidates.map((o) => o.toLowerCase()))
    : undefined;
  const accept = options.accept;
  const projections = options.projections;
  const reads = projections ? (k: number, tag: number) => projections[k]?.includes(tag) ?? true : () => true;
  const mark = options.mark;
  const found = new Map<number | string, Cell>();
  const n = runners.length;
  // State records: [domain, owner-field cursor, owner flag, marked, ...runner states], flat in the table.
  const META = 4;
  const width = n + META;
  const table = new StateTable(width);
  table.add([domain.start, -1, OWNER_NONE, 0, ...runners.map((r) => r.start)]);
  const states = table.data;
  const parent: number[] = [-1];
  const via: number[] = [-1];
  const next = new Array<number>(width).fill(0);
  /** Values recorded since the budget was last charged. */
  let records = 0;
  /**
   * Records the cell of the runner states in `source` (from `offset`) unless a value at least as typical
   * is known. The value is the path to state `at`, then `symbol` (unless -1), then `suffix`: built only
   * when kept, as are the bits.
   */
  const record = (
    source: ArrayLike<number>,
    offset: number,
    test: (r: PatternRunner, state: number) => boolean,
    owner: number,
    marked: number,
    tier: number,
    at: number,
    symbol: number,
    suffix: string,
  ) => {
    if (owner === OWNER_CONFLICT || tier < 0) return;
    records++;
    if (accept && !accept.test(tier, owner)) return;
    // A number when the bits fit (the usual case): this runs for every character tried.
    let signature: number | string = n <= 40 ? (owner + 4) * 2 + marked : `${owner}:${marked}:`;
    for (let k = 0; k < n; k++) {
      const bit = test(runners[k] as PatternRunner, source[offset + k] as number) ? 1 : 0;
      signature = typeof signature === 'number' ? signature * 2 + bit : `${signature}${bit}`;
    }
    const known = found.get(signature);
    if (known && known.tier <= tier) return;
    const bits = runners.map((r, k) => test(r, source[offset + k] as number));
    const value = pathTo(at, parent, via, alphabet) + (symbol >= 0 ? alphabet[symbol] : '') + suffix;
    found.set(signature, { bits, value, tier, owner, marked: marked === 1 });
  };
  const settledTrue = (r: PatternRunner, state: number) => r.settled(state) === true;
  const accepting = (r: PatternRunner, state: number) => r.accepting(state);
  const allSettled = (source: ArrayLike<number>, offset: number) => {
    for (let k = 0; k < n; k++)
      if ((runners[k] as PatternRunner).settled(source[offset + k] as number) === undefined) return false;
    return true;
  };
  const maxTier = maxOf(domain.tier, -1);
  const avoidMark: CompletionMode = { kind: 'avoid', tag: mark ?? 0 };
  const throughMark: CompletionMode = { kind: 'through', tag: mark ?? 0 };
  // By owner flag (from OWNER_CONFLICT up) and mode: this runs for every character tried.
  const completionMemo: (Completion[] | undefined)[] = [];
  const completionsFor = (owner: number, mode: CompletionMode) => {
    const key = (owner - OWNER_CONFLICT) * MODES.length + MODES.indexOf(mode.kind);
    let table = completionMemo[key];
    if (!table) {
      const allowed = accept && Array.from({ length: maxTier + 1 }, (_, t) => accept.test(t, owner));
      table = completionsOf(domain, mode, allowed || undefined);
      completionMemo[key] = table;
    }
    return table;
  };
  /**
   * No pattern can change its answer any more, and no owner field is still to come or its outcome is
   * known: finish the value from the tables of completions, search no further.
   */
  const finish = (
    source: ArrayLike<number>,
    d: number,
    owner: number,
    marked: number,
    at: number,
    symbol: number,
  ) => {
    if (marked === 1 || mark === undefined) {
      const rest = completionsFor(owner, ANY)[d] as Completion;
      record(source, META, settledTrue, owner, marked, rest.tier, at, symbol, rest.text);
      return;
    }
    const plain = completionsFor(owner, avoidMark)[d] as Completion;
    record(source, META, settledTrue, owner, 0, plain.tier, at, symbol, plain.text);
    const tagged = completionsFor(owner, throughMark)[d] as Completion;
    record(source, META, settledTrue, owner, 1, tagged.tier, at, symbol, tagged.text);
  };
  /** Without owner tracking; with it, once the owner field is read (a later one can only agree or conflict). */
  const canFinish = (cursor: number, owner: number) => !trie || (cursor === -1 && owner !== OWNER_NONE);
  /** Charges the budget for `tried` transitions and the runners' work on their states and `records` values. */
  const spendOn = (tried: number) => {
    let work = tried * (n + 1) + records * n;
    records = 0;
    for (const r of runners) {
      work += r.work;
      r.work = 0;
    }
    budget.spend(work);
  };
  if (!trie && allSettled(states, META)) {
    finish(states, domain.start, OWNER_NONE, 0, 0, -1);
    return [...found.values()];
  }
  for (let i = 0; i < parent.length; i++) {
    const base = i * width;
    const d = states[base] as number;
    const cursor = states[base + 1] as number;
    const owner = states[base + 2] as number;
    const marked = states[base + 3] as number;
    if (domain.accepting[d]) {
      const flag = cursor !== -1 && trie ? combineOwner(owner, ownerResult(trie, cursor)) : owner;
      record(states, base + META, accepting, flag, marked, domain.tier[d] as number, i, -1, '');
    }
    // Only symbols some runner (or the owner trie) tells apart need a try of their own; of the rest,
    // one per group the domain sends to the same state stands for all.
    for (let k = 0; k < n; k++)
      for (const sym of (runners[k] as PatternRunner).relevant(states[base + META + k] as number))
        isRelevant[sym] = 1;
    if (trie) for (const sym of candidateSymbols) isRelevant[sym] = 1;
    tries.length = 0;
    for (const group of groupsAt(d)) {
      let represented = false;
      for (const sym of group) {
        if (isRelevant[sym]) tries.push(sym);
        else if (!represented) {
          tries.push(sym);
          represented = true;
        }
      }
    }
    isRelevant.fill(0);
    spendOn(tries.length);
    for (const sym of tries) {
      const edge = d * domain.classCount + (classes[sym] as number);
      const nextDomain = domain.next[edge] as number;
      if (nextDomain === 0 || !domain.live[nextDomain]) continue;
      next[0] = nextDomain;
      next[1] = -1;
      next[2] = owner;
      next[3] = mark !== undefined && domain.tags[edge] === mark ? 1 : marked;
      if (trie && !moveOwner(trie, domain.tags[edge] as number, cursor, owner, alphabet[sym] as string, next))
        continue;
      for (let k = 0; k < n; k++)
        next[META + k] = reads(k, domain.tags[edge] as number)
          ? (runners[k] as PatternRunner).step(states[base + META + k] as number, sym)
          : (states[base + META + k] as number);
      if (canFinish(next[1] as number, next[2] as number) && allSettled(next, META)) {
        finish(next, nextDomain, next[2] as number, next[3] as number, i, sym);
        continue;
      }
      if (!table.add(next)) continue;
      parent.push(i);
      via.push(sym);
    }
  }
  return [...found.values()];
}

/** Per domain state, the live symbols grouped by the state and field tag they lead to. */
function symbolGroups(domain: Dfa, alphabet: string[], classes: number[]): (d: number) => number[][] {
  const memo: number[][][] = [];
  const groupOfEdge = edgeGroups(domain);
  // Per group of the state being grouped, its index among the state's groups (-1: none yet).
  const local = new Array<number>(domain.classCount).fill(-1);
  return (d) => {
    let groups = memo[d];
    if (!groups) {
      groups = [];
      const row = d * domain.classCount;
      for (let sym = 0; sym < alphabet.length; sym++) {
        const group = groupOfEdge[row + (classes[sym] as number)] as number;
        if (group < 0) continue;
        let at = local[group] as number;
        if (at < 0) {
          at = groups.length;
          local[group] = at;
          groups.push([]);
        }
        (groups[at] as number[]).push(sym);
      }
      local.fill(-1);
      memo[d] = groups;
    }
    return groups;
  };
}

const edgeGroupCache = new WeakMap<Dfa, Int32Array>();

/**
 * Per transition (state and class), which of the state's groups it is in: transitions to the same live
 * state with the same field tag share one; -1 for a transition to a dead state.
 */
function edgeGroups(domain: Dfa): Int32Array {
  let out = edgeGroupCache.get(domain);
  if (!out) {
    out = new Int32Array(domain.next.length).fill(-1);
    for (let d = 0; d < domain.accepting.length; d++) {
      const ids = new Map<number, number>();
      for (let c = 0; c < domain.classCount; c++) {
        const edge = d * domain.classCount + c;
        const target = domain.next[edge] as number;
        if (target === 0 || !domain.live[target]) continue;
        const key = target * 256 + (domain.tags[edge] as number);
        let id = ids.get(key);
        if (id === undefined) {
          id = ids.size;
          ids.set(key, id);
        }
        out[edge] = id;
      }
    }
    edgeGroupCache.set(domain, out);
  }
  return out;
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
    nextCursor = at < 0 ? -2 : (trie.children[at]?.get(ch.toLowerCase()) ?? -2);
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
