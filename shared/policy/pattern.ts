/**
 * The string-pattern languages of IAM condition values: StringLike globs (`*`, `?`), literal
 * StringEquals, and their IgnoreCase forms. A pattern is a token list run as an NFA over positions.
 */
export type PatternToken = { k: 'char'; ch: string; ci: boolean } | { k: 'one' } | { k: 'star' };

export interface Pattern {
  /** The value as written in the policy. */
  source: string;
  tokens: PatternToken[];
  /** Request keys named by policy variables (`${aws:username}`), lower-cased; the pattern is then a template. */
  variables: string[];
  /** False while variables are unresolved: the value then matches nothing. */
  satisfiable: boolean;
}

/** `${*}`, `${?}`, `${$}` stand for the literal character (policy language 2012-10-17). */
const ESCAPES: Record<string, string> = { '${*}': '*', '${?}': '?', '${$}': '$' };

export interface PatternOptions {
  wildcards: boolean;
  ignoreCase: boolean;
  /** Policy variables are only interpreted with Version 2012-10-17. */
  variables: boolean;
}

export function compilePattern(source: string, options: PatternOptions): Pattern {
  const tokens: PatternToken[] = [];
  const variables: string[] = [];
  const chars = [...source];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (options.variables && ch === '$' && chars[i + 1] === '{') {
      const end = chars.indexOf('}', i);
      if (end > 0) {
        const variable = chars.slice(i, end + 1).join('');
        const escaped = ESCAPES[variable];
        if (escaped === undefined) variables.push(variable.slice(2, -1).toLowerCase());
        else tokens.push(charToken(escaped, options.ignoreCase));
        i = end;
        continue;
      }
    }
    if (options.wildcards && ch === '*') {
      if (tokens.at(-1)?.k !== 'star') tokens.push({ k: 'star' });
    } else if (options.wildcards && ch === '?') tokens.push({ k: 'one' });
    else tokens.push(charToken(ch, options.ignoreCase));
  }
  return { source, tokens, variables, satisfiable: variables.length === 0 };
}

/**
 * Replaces the policy variables of `source` with request values, leaving the `${*}` escapes for
 * `compilePattern`. Undefined when a variable's key is absent: AWS then treats the statement as invalid.
 */
export function resolveVariables(
  source: string,
  lookup: (key: string) => string | undefined,
): string | undefined {
  let unresolved = false;
  const resolved = source.replace(/\$\{([^}]*)\}/g, (whole, key: string) => {
    if (ESCAPES[whole] !== undefined) return whole;
    const value = lookup(key);
    if (value === undefined) unresolved = true;
    // A resolved value is compared as text: its own * and ? are not wildcards.
    return (value ?? '').replace(/[*?$]/g, (c) => `\${${c}}`);
  });
  return unresolved ? undefined : resolved;
}

function charToken(ch: string, ignoreCase: boolean): PatternToken {
  const ci = ignoreCase && ch.toLowerCase() !== ch.toUpperCase();
  return { k: 'char', ch: ci ? ch.toLowerCase() : ch, ci };
}

/** Identifies a pattern by what it matches: its tokens, not the text it was written as. */
export function patternKey(p: Pattern): string {
  if (!p.satisfiable) return '!';
  let key = '';
  for (const t of p.tokens)
    key += t.k === 'star' ? '\u0002' : t.k === 'one' ? '\u0003' : t.ci ? `\u0004${t.ch}` : t.ch;
  return key;
}

export function tokenMatches(token: PatternToken, ch: string): boolean {
  if (token.k !== 'char') return true;
  return token.ci ? ch.toLowerCase() === token.ch : ch === token.ch;
}

/** The characters a pattern distinguishes from others (both cases for IgnoreCase). */
export function mentionedChars(pattern: Pattern): string[] {
  const out: string[] = [];
  for (const t of pattern.tokens) {
    if (t.k !== 'char') continue;
    out.push(t.ch);
    if (t.ci) out.push(t.ch.toUpperCase());
  }
  return out;
}

/**
 * A lazily built DFA of a union of patterns over a fixed alphabet (one condition's values, which OR).
 * Positions of all patterns share one numbering; states are interned position sets and transitions
 * are memoised per symbol, so a search over many strings costs what a DFA costs.
 */
export class PatternRunner {
  private readonly tokens: (PatternToken | undefined)[] = [];
  /** For each position: the index of its pattern's end, where that pattern accepts. */
  private readonly ends: number[] = [];
  /** Positions of trailing stars: once one is reached, the union accepts whatever follows. */
  private readonly tails = new Set<number>();
  private readonly states: number[][] = [];
  private readonly ids = new Map<number | string, number>();
  /** Transitions per state and symbol, undefined while not computed (plain arrays: cheap to allocate). */
  private readonly memo: (number | undefined)[][] = [];
  readonly start: number;
  private universal = -1;
  /** Scratch marks per position for `close`. */
  private readonly seen: Uint8Array;
  /** The symbols a character token matches, by its character: exactly, and ignoring case. */
  private readonly symbolsOf: Map<string, number[]>;
  private readonly symbolsOfLower: Map<string, number[]>;
  /**
   * Work done building states and transitions since the caller last reset it, in positions handled:
   * what a budget must count, since a union of patterns can need exponentially many states.
   */
  work = 0;

  constructor(
    patterns: Pattern[],
    private readonly alphabet: string[],
  ) {
    const starts: number[] = [];
    for (const pattern of patterns) {
      if (!pattern.satisfiable) continue;
      const base = this.tokens.length;
      const end = base + pattern.tokens.length;
      starts.push(base);
      for (const t of pattern.tokens) {
        this.tokens.push(t);
        this.ends.push(end);
      }
      // The end position holds no token: reaching it means this pattern matched.
      this.tokens.push(undefined);
      this.ends.push(end);
      if (pattern.tokens.at(-1)?.k === 'star') this.tails.add(end - 1);
    }
    this.seen = new Uint8Array(this.tokens.length + 1);
    let bySymbol = symbolIndex.get(alphabet);
    if (!bySymbol) {
      bySymbol = { exact: groupBy(alphabet, (c) => c), lower: groupBy(alphabet, (c) => c.toLowerCase()) };
      symbolIndex.set(alphabet, bySymbol);
    }
    this.symbolsOf = bySymbol.exact;
    this.symbolsOfLower = bySymbol.lower;
    this.start = this.intern(this.close(starts));
  }

  /** Positions reachable without consuming a character: a star can match the empty run. */
  private close(positions: number[]): number[] {
    const out: number[] = [];
    const seen = this.seen;
    for (let p of positions) {
      for (;;) {
        if (seen[p] === 0) {
          seen[p] = 1;
          out.push(p);
        }
        if (this.tokens[p]?.k !== 'star') break;
        p++;
      }
    }
    for (const p of out) seen[p] = 0;
    this.work += positions.length + out.length;
    // Sorting keeps one key per set.
    return out.length > 1 ? out.sort((a, b) => a - b) : out;
  }

  private intern(raw: number[]): number {
    const tail = raw.find((p) => this.tails.has(p));
    if (tail === undefined) return this.add(raw);
    // Past a trailing star the union accepts whatever follows: one state stands for all such sets.
    if (this.universal < 0) this.universal = this.add([tail, tail + 1]);
    return this.universal;
  }

  private add(set: number[]): number {
    // Most sets hold one position before the first star: a number key spares a string per state.
    const key = set.length === 1 ? (set[0] as number) : set.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.ids.set(key, id);
      this.states.push(set);
      this.memo.push([]);
    }
    return id;
  }

  /** The state after reading `alphabet[symbol]`. */
  step(state: number, symbol: number): number {
    const memo = this.memo[state] as (number | undefined)[];
    const known = memo[symbol];
    if (known !== undefined) return known;
    const ch = this.alphabet[symbol] as string;
    const next: number[] = [];
    const positions = this.states[state] as number[];
    this.work += positions.length;
    for (const p of positions) {
      const t = this.tokens[p];
      if (t === undefined) continue;
      if (t.k === 'star') next.push(p);
      else if (tokenMatches(t, ch)) next.push(p + 1);
    }
    const id = this.intern(this.close(next));
    memo[symbol] = id;
    return id;
  }

  private readonly relevantMemo: (number[] | undefined)[] = [];

  /**
   * The symbols this state tells apart from all others: those a character token at one of its positions
   * matches. Every other symbol leads to the same next state.
   */
  relevant(state: number): number[] {
    let symbols = this.relevantMemo[state];
    if (!symbols) {
      const out = new Set<number>();
      const positions = this.states[state] as number[];
      for (const p of positions) {
        const t = this.tokens[p];
        if (t?.k !== 'char') continue;
        for (const sym of (t.ci ? this.symbolsOfLower : this.symbolsOf).get(t.ch) ?? []) out.add(sym);
      }
      this.work += positions.length;
      symbols = [...out];
      this.relevantMemo[state] = symbols;
    }
    return symbols;
  }

  private readonly acceptingMemo: (boolean | undefined)[] = [];

  accepting(state: number): boolean {
    let accepts = this.acceptingMemo[state];
    if (accepts === undefined) {
      accepts = (this.states[state] as number[]).some((p) => this.ends[p] === p);
      this.acceptingMemo[state] = accepts;
    }
    return accepts;
  }

  /**
   * The fixed outcome of a state whose future no character can change: false when nothing can match
   * any more, true once a trailing star is reached; undefined otherwise.
   */
  settled(state: number): boolean | undefined {
    if (state === this.universal) return true;
    return (this.states[state] as number[]).length === 0 ? false : undefined;
  }
}

/** Per alphabet (they recur: see `searchAlphabet`), its symbols by character and by lower case. */
const symbolIndex = new WeakMap<string[], { exact: Map<string, number[]>; lower: Map<string, number[]> }>();

/** Indices of `items` by `key` (as `tokenMatches` compares: the character, or its lower case). */
function groupBy(items: string[], key: (item: string) => string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  items.forEach((item, i) => {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(i);
    else out.set(k, [i]);
  });
  return out;
}

export function matchPattern(pattern: Pattern, text: string): boolean {
  if (!pattern.satisfiable) return false;
  const tokens = pattern.tokens;
  // Classic glob matching with backtracking to the last star: linear for most inputs.
  const s = [...text];
  let ti = 0;
  let si = 0;
  let starTi = -1;
  let starSi = 0;
  while (si < s.length) {
    const t = tokens[ti];
    if (t !== undefined && t.k === 'star') {
      starTi = ti++;
      starSi = si;
    } else if (t !== undefined && tokenMatches(t, s[si] as string)) {
      ti++;
      si++;
    } else if (starTi >= 0) {
      ti = starTi + 1;
      si = ++starSi;
    } else return false;
  }
  while (tokens[ti]?.k === 'star') ti++;
  return ti === tokens.length;
}
