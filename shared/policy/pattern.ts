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

/** Positions reachable without consuming a character: a star can match the empty run. */
function close(tokens: PatternToken[], positions: number[]): number[] {
  const out = new Set<number>();
  for (let p of positions) {
    out.add(p);
    while (tokens[p]?.k === 'star') out.add(++p);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * A lazily built DFA of one pattern over a fixed alphabet: states are interned position sets,
 * transitions memoised per symbol, so a search over many strings costs what a DFA costs.
 */
export class PatternRunner {
  private readonly states: number[][] = [];
  private readonly ids = new Map<string, number>();
  private readonly memo: Int32Array[] = [];
  /** Index of a trailing star: once reached, the pattern accepts whatever follows. */
  private readonly tail: number;
  readonly start: number;

  constructor(
    readonly pattern: Pattern,
    private readonly alphabet: string[],
  ) {
    const tokens = pattern.tokens;
    this.tail = tokens.at(-1)?.k === 'star' ? tokens.length - 1 : -1;
    this.start = pattern.satisfiable ? this.intern(close(tokens, [0])) : this.intern([]);
  }

  private intern(raw: number[]): number {
    // Past a trailing star nothing else matters: merging such sets keeps product searches small.
    const set = this.tail >= 0 && raw.includes(this.tail) ? [this.tail, this.tail + 1] : raw;
    const key = set.join(',');
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.states.length;
      this.ids.set(key, id);
      this.states.push(set);
      this.memo.push(new Int32Array(this.alphabet.length).fill(-1));
    }
    return id;
  }

  /** The state after reading `alphabet[symbol]`. */
  step(state: number, symbol: number): number {
    const memo = this.memo[state] as Int32Array;
    const known = memo[symbol] as number;
    if (known >= 0) return known;
    const ch = this.alphabet[symbol] as string;
    const tokens = this.pattern.tokens;
    const next: number[] = [];
    for (const p of this.states[state] as number[]) {
      const t = tokens[p];
      if (t === undefined) continue;
      if (t.k === 'star') next.push(p);
      else if (tokenMatches(t, ch)) next.push(p + 1);
    }
    const id = this.intern(close(tokens, next));
    (this.memo[state] as Int32Array)[symbol] = id;
    return id;
  }

  accepting(state: number): boolean {
    return (this.states[state] as number[]).includes(this.pattern.tokens.length);
  }

  /**
   * The fixed outcome of a state whose future no character can change: false when nothing can match
   * any more, true once the trailing star is reached; undefined otherwise.
   */
  settled(state: number): boolean | undefined {
    const set = this.states[state] as number[];
    if (set.length === 0) return false;
    return this.tail >= 0 && set[0] === this.tail ? true : undefined;
  }
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
