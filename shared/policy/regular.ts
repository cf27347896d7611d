/**
 * Small regular-expression builder compiled to a DFA over character classes.
 * Used for the fixed grammars of token claims; policy patterns are run lazily in `pattern.ts`.
 */
export type CharTest = (ch: string) => boolean;

export type Re =
  | { t: 'set'; test: CharTest; tag?: number }
  | { t: 'seq'; items: Re[] }
  | { t: 'alt'; items: Re[] }
  | { t: 'star'; item: Re };

export const chars = (test: CharTest): Re => ({ t: 'set', test });
/** Characters of a field whose transitions the DFA reports (see `Dfa.tags`). */
export const tagged = (tag: number, test: CharTest): Re => ({ t: 'set', test, tag });
export const lit = (text: string): Re => ({ t: 'seq', items: [...text].map((c) => chars((x) => x === c)) });
export const seq = (...items: Re[]): Re => ({ t: 'seq', items });
export const alt = (...items: Re[]): Re => ({ t: 'alt', items });
export const star = (item: Re): Re => ({ t: 'star', item });
export const plus = (item: Re): Re => seq(item, star(item));
export const opt = (item: Re): Re => alt(item, seq());

/**
 * A complete DFA over a partition of the characters into classes. `classOf` maps a character to its
 * class; `representatives[c]` is one character of class c, used to build the transitions.
 */
export interface Dfa {
  start: number;
  accepting: boolean[];
  /** `next[state * classCount + class]`; state 0 is the dead state. */
  next: Int32Array;
  classCount: number;
  classOf(ch: string): number;
  /** One character of each class. */
  representatives: string[];
  /** True for states from which an accepting state can still be reached. */
  live: boolean[];
  /** Per transition: the tag of the field the character belongs to, 0 for none, MIXED if ambiguous. */
  tags: Uint8Array;
  /** Per state: the first of the layered languages that accepts here (see `layer`), -1 for none. */
  tier: Int8Array;
}

export const MIXED = 255;

interface Nfa {
  eps: number[][];
  edges: { test: CharTest; to: number; tag: number }[][];
}

function build(re: Re, nfa: Nfa): { from: number; to: number } {
  const node = () => {
    nfa.eps.push([]);
    nfa.edges.push([]);
    return nfa.eps.length - 1;
  };
  const from = node();
  const to = node();
  switch (re.t) {
    case 'set':
      nfa.edges[from]?.push({ test: re.test, to, tag: re.tag ?? 0 });
      break;
    case 'seq': {
      let cur = from;
      for (const item of re.items) {
        const f = build(item, nfa);
        nfa.eps[cur]?.push(f.from);
        cur = f.to;
      }
      nfa.eps[cur]?.push(to);
      break;
    }
    case 'alt':
      for (const item of re.items) {
        const f = build(item, nfa);
        nfa.eps[from]?.push(f.from);
        nfa.eps[f.to]?.push(to);
      }
      break;
    case 'star': {
      const f = build(re.item, nfa);
      nfa.eps[from]?.push(f.from, to);
      nfa.eps[f.to]?.push(f.from, to);
      break;
    }
  }
  return { from, to };
}

function closure(nfa: Nfa, states: Iterable<number>): number[] {
  const seen = new Set<number>(states);
  const stack = [...seen];
  while (stack.length > 0) {
    const s = stack.pop() as number;
    for (const t of nfa.eps[s] ?? []) {
      if (!seen.has(t)) {
        seen.add(t);
        stack.push(t);
      }
    }
  }
  return [...seen].sort((a, b) => a - b);
}

/** Subset construction of `re` over the classes given by their representative characters. */
export function compile(re: Re, representatives: string[], classOf: (ch: string) => number): Dfa {
  const nfa: Nfa = { eps: [], edges: [] };
  const { from, to } = build(re, nfa);
  const classCount = representatives.length;
  const ids = new Map<string, number>([['', 0]]);
  const sets: number[][] = [[]];
  const transitions: number[] = new Array(classCount).fill(0);
  const tags: number[] = new Array(classCount).fill(0);
  const intern = (set: number[]): number => {
    const key = set.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = sets.length;
      ids.set(key, id);
      sets.push(set);
    }
    return id;
  };
  const start = intern(closure(nfa, [from]));
  for (let i = 1; i < sets.length; i++) {
    const set = sets[i] as number[];
    representatives.forEach((rep, c) => {
      const targets: number[] = [];
      const edgeTags = new Set<number>();
      for (const s of set) {
        for (const e of nfa.edges[s] ?? []) {
          if (!e.test(rep)) continue;
          targets.push(e.to);
          edgeTags.add(e.tag);
        }
      }
      transitions[i * classCount + c] = targets.length === 0 ? 0 : intern(closure(nfa, targets));
      tags[i * classCount + c] = edgeTags.size > 1 ? MIXED : ([...edgeTags][0] ?? 0);
    });
  }
  const tier = Int8Array.from(sets, (set) => (set.includes(to) ? 0 : -1));
  return minimized({ start, next: transitions, tags, tier, classCount, classOf, representatives });
}

/** Packs transition lists into a DFA and minimizes it. */
function minimized(
  parts: Pick<Dfa, 'start' | 'tier' | 'classCount' | 'classOf' | 'representatives'> & {
    next: number[];
    tags: number[];
  },
): Dfa {
  const { start, tier, classCount, classOf, representatives } = parts;
  const next = Int32Array.from({ length: tier.length * classCount }, (_, k) => parts.next[k] ?? 0);
  const tags = Uint8Array.from({ length: next.length }, (_, k) => parts.tags[k] ?? 0);
  const accepting = Array.from(tier, (t) => t >= 0);
  return minimize({ start, accepting, next, classCount, classOf, representatives, live: [], tags, tier });
}

/** Moore's partition refinement; tags take part in the equivalence so field tracking survives. */
function minimize(dfa: Dfa): Dfa {
  const { classCount, next, tags, accepting } = dfa;
  const count = accepting.length;
  // The dead state 0 stays block 0.
  let block: number[] = accepting.map((_, s) => (s === 0 ? 0 : (dfa.tier[s] as number) + 2));
  let blocks = 0;
  for (;;) {
    const ids = new Map<string, number>([['dead', 0]]);
    const refined = block.map((b, s) => {
      if (s === 0) return 0;
      let key = String(b);
      for (let c = 0; c < classCount; c++)
        key += `,${block[next[s * classCount + c] as number]}:${tags[s * classCount + c]}`;
      let id = ids.get(key);
      if (id === undefined) {
        id = ids.size;
        ids.set(key, id);
      }
      return id;
    });
    if (ids.size === blocks) break;
    blocks = ids.size;
    block = refined;
  }
  const size = blocks;
  const minNext = new Int32Array(size * classCount);
  const minTags = new Uint8Array(size * classCount);
  const minAccepting = new Array<boolean>(size).fill(false);
  const minTier = new Int8Array(size).fill(-1);
  for (let s = 0; s < count; s++) {
    const b = block[s] as number;
    minAccepting[b] = accepting[s] === true;
    minTier[b] = dfa.tier[s] as number;
    for (let c = 0; c < classCount; c++) {
      minNext[b * classCount + c] = block[next[s * classCount + c] as number] as number;
      minTags[b * classCount + c] = tags[s * classCount + c] as number;
    }
  }
  return {
    start: block[dfa.start] as number,
    accepting: minAccepting,
    next: minNext,
    classCount,
    classOf: dfa.classOf,
    representatives: dfa.representatives,
    tags: minTags,
    tier: minTier,
    live: liveStates(minNext, minAccepting, classCount),
  };
}

/**
 * One automaton for a list of nested languages (each containing the ones before it): a state's `tier`
 * is the first language that accepts there. Lets one search find the most typical value of every region.
 */
export function layer(dfas: Dfa[]): Dfa {
  const first = dfas[0] as Dfa;
  const { classCount, classOf, representatives } = first;
  const ids = new Map<string, number>([['dead', 0]]);
  const tuples: number[][] = [dfas.map(() => 0)];
  const intern = (tuple: number[]) => {
    if (tuple.every((s) => s === 0)) return 0;
    const key = tuple.join(',');
    let id = ids.get(key);
    if (id === undefined) {
      id = tuples.length;
      ids.set(key, id);
      tuples.push(tuple);
    }
    return id;
  };
  const start = intern(dfas.map((d) => d.start));
  const next: number[] = new Array(classCount).fill(0);
  const tags: number[] = new Array(classCount).fill(0);
  for (let i = 1; i < tuples.length; i++) {
    const tuple = tuples[i] as number[];
    for (let c = 0; c < classCount; c++) {
      const targets = tuple.map((s, k) => (dfas[k] as Dfa).next[s * classCount + c] as number);
      next[i * classCount + c] = intern(targets);
      const tagFrom = tuple.findIndex((s, k) => (dfas[k] as Dfa).next[s * classCount + c] !== 0);
      tags[i * classCount + c] =
        tagFrom < 0
          ? 0
          : ((dfas[tagFrom] as Dfa).tags[(tuple[tagFrom] as number) * classCount + c] as number);
    }
  }
  const tier = Int8Array.from(tuples, (tuple) =>
    tuple.findIndex((s, k) => (dfas[k] as Dfa).accepting[s] === true),
  );
  return minimized({ start, next, tags, tier, classCount, classOf, representatives });
}

function liveStates(next: Int32Array, accepting: boolean[], classCount: number): boolean[] {
  const live = [...accepting];
  let changed = true;
  while (changed) {
    changed = false;
    for (let s = 0; s < accepting.length; s++) {
      if (live[s]) continue;
      for (let c = 0; c < classCount; c++) {
        if (live[next[s * classCount + c] as number]) {
          live[s] = true;
          changed = true;
          break;
        }
      }
    }
  }
  return live;
}

export interface Completion {
  /** The most typical tier reachable from the state, -1 if none. */
  tier: number;
  text: string;
}

/** Which paths a completion may take with respect to one field tag. */
export type CompletionMode =
  | { kind: 'any' }
  | { kind: 'avoid'; tag: number }
  | { kind: 'through'; tag: number };

/** Values computed per automaton and key, dropped with the automaton; the oldest go past `limit`. */
export class PerDfaCache<T> {
  private readonly maps = new WeakMap<Dfa, Map<string, T>>();

  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}

  /** The value for `key`, made by `make` (and kept) when there is none yet; without `make`, undefined then. */
  get(dfa: Dfa, key: string): T | undefined;
  get(dfa: Dfa, key: string, make: () => T): T;
  get(dfa: Dfa, key: string, make?: () => T): T | undefined {
    const value = this.maps.get(dfa)?.get(key);
    if (value !== undefined || !make) return value;
    const made = make();
    this.set(dfa, key, made);
    return made;
  }

  set(dfa: Dfa, key: string, value: T): void {
    let byKey = this.maps.get(dfa);
    if (!byKey) {
      byKey = new Map();
      this.maps.set(dfa, byKey);
    }
    if (byKey.size >= this.limit) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, value);
  }
}

const completionCache = new PerDfaCache<Completion[]>();

/**
 * For every state: the shortest way to end in the most typical tier still reachable from it, taking
 * any path, only paths without a `tag` transition, or only paths through one; with `allowed`, ending
 * only in the tiers it marks true.
 */
export function completionsOf(
  dfa: Dfa,
  mode: CompletionMode = { kind: 'any' },
  allowed?: readonly boolean[],
): Completion[] {
  const modeKey = `${mode.kind === 'any' ? 'any' : `${mode.kind}:${mode.tag}`}|${allowed?.map(Number).join('') ?? ''}`;
  return completionCache.get(dfa, modeKey, () => searchCompletions(dfa, mode, allowed));
}

function searchCompletions(dfa: Dfa, mode: CompletionMode, allowed?: readonly boolean[]): Completion[] {
  const count = dfa.accepting.length;
  const phases = mode.kind === 'through' ? 2 : 1;
  // Nodes are (state, phase); phase 1 means the tag was passed. Edges are listed backwards for the search.
  const into: { from: number; symbol: string }[][] = Array.from({ length: count * phases }, () => []);
  for (let s = 1; s < count; s++) {
    for (let c = 0; c < dfa.classCount; c++) {
      const t = dfa.next[s * dfa.classCount + c] as number;
      if (t === 0) continue;
      const isTag = mode.kind !== 'any' && dfa.tags[s * dfa.classCount + c] === mode.tag;
      const symbol = dfa.representatives[c] as string;
      if (mode.kind === 'avoid' && isTag) continue;
      if (mode.kind === 'through') {
        into[count + t]?.push({ from: count + s, symbol });
        into[(isTag ? count : 0) + t]?.push({ from: s, symbol });
      } else into[t]?.push({ from: s, symbol });
    }
  }
  const finalPhase = (phases - 1) * count;
  const best: Completion[] = Array.from({ length: count }, () => ({ tier: -1, text: '' }));
  const tiers = [...new Set(dfa.tier)].filter((t) => t >= 0 && allowed?.[t] !== false).sort((a, b) => b - a);
  // Least typical first, so that a more typical tier overwrites it.
  for (const t of tiers) {
    const step = new Int32Array(count * phases).fill(-2);
    const via = new Array<string>(count * phases).fill('');
    const queue: number[] = [];
    for (let s = 1; s < count; s++) {
      if (dfa.tier[s] === t) {
        step[finalPhase + s] = -1;
        queue.push(finalPhase + s);
      }
    }
    for (let i = 0; i < queue.length; i++) {
      const target = queue[i] as number;
      for (const { from, symbol } of into[target] ?? []) {
        if (step[from] !== -2) continue;
        step[from] = target;
        via[from] = symbol;
        queue.push(from);
      }
    }
    for (let s = 1; s < count; s++) {
      if (step[s] === -2) continue;
      let text = '';
      for (let at = s; step[at] !== -1; at = step[at] as number) text += via[at];
      best[s] = { tier: t, text };
    }
  }
  return best;
}

/** The field tags on the path that reads `text`, or undefined when the automaton rejects it. */
export function tagsAlong(dfa: Dfa, text: string): Set<number> | undefined {
  const tags = new Set<number>();
  let s = dfa.start;
  for (const ch of text) {
    const edge = s * dfa.classCount + dfa.classOf(ch);
    tags.add(dfa.tags[edge] as number);
    s = dfa.next[edge] as number;
    if (s === 0) return undefined;
  }
  return dfa.accepting[s] ? tags : undefined;
}

/** The tier that accepts `text` (see `layer`), or -1 when the automaton rejects it. */
export function tierOf(dfa: Dfa, text: string): number {
  let s = dfa.start;
  for (const ch of text) {
    s = dfa.next[s * dfa.classCount + dfa.classOf(ch)] as number;
    if (s === 0) return -1;
  }
  return dfa.tier[s] as number;
}
