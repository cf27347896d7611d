import type { ParsedPolicy } from '../shared/policy/model.js';
import type { LintFinding } from '../shared/rules/lint.js';

/** What linting one policy concluded: its findings, or why it could not be analysed. */
export type LintOutcome = { findings: LintFinding[] } | { error: string };

/** Enough for the distinct policies of a large account; each entry holds a few findings. */
export const LINT_CACHE_ENTRIES = 4096;

/**
 * Outcomes by policy: hundreds of roles often carry the same trust policy, written with other white
 * space or key order, and one analysis serves them all. The key is the parsed document (with its parse
 * issues) in canonical JSON and the lint options; the least recently used entry goes past `entries`, so
 * memory stays bounded.
 */
export class LintCache {
  readonly #outcomes = new Map<string, LintOutcome>();

  constructor(private readonly entries = LINT_CACHE_ENTRIES) {}

  /** The outcome for `parsed` under `options`, from `analyse` the first time it is seen. */
  outcome(parsed: ParsedPolicy, options: unknown, analyse: () => LintOutcome): LintOutcome {
    const key = policyKey(parsed, options);
    const known = this.#outcomes.get(key);
    if (known) {
      // Map keeps insertion order: moving the entry to the end keeps the oldest first to evict.
      this.#outcomes.delete(key);
      this.#outcomes.set(key, known);
      return known;
    }
    const outcome = analyse();
    this.#outcomes.set(key, outcome);
    if (this.#outcomes.size > this.entries) {
      const oldest = this.#outcomes.keys().next();
      if (!oldest.done) this.#outcomes.delete(oldest.value);
    }
    return outcome;
  }
}

/**
 * The parsed document (parsing already undid white space, URL-encoding and IAM's single-value forms)
 * and the options as canonical JSON. A statement's conditions, and the parse issues, are listed in the
 * order of the keys that held them: sorted here, as the conditions all apply together.
 */
function policyKey(parsed: ParsedPolicy, options: unknown): string {
  const sorted = (items: unknown[]) => items.map(canonicalJson).sort();
  const statements = parsed.document.statements.map((s) => ({ ...s, conditions: sorted(s.conditions) }));
  return canonicalJson([{ ...parsed.document, statements }, sorted(parsed.issues), options]);
}

/**
 * JSON text with object keys sorted, so that equal values give equal text; written in one pass rather
 * than through a sorted copy, since every policy of a run is keyed.
 */
export function canonicalJson(value: unknown): string {
  let out = '';
  const walk = (v: unknown) => {
    if (Array.isArray(v)) {
      out += '[';
      v.forEach((item, i) => {
        if (i > 0) out += ',';
        // As JSON.stringify writes them: undefined in an array is null, and an undefined member is left out.
        walk(item === undefined ? null : item);
      });
      out += ']';
    } else if (v !== null && typeof v === 'object') {
      const record = v as Record<string, unknown>;
      out += '{';
      let first = true;
      for (const key of Object.keys(record).sort()) {
        if (record[key] === undefined) continue;
        out += `${first ? '' : ','}${JSON.stringify(key)}:`;
        first = false;
        walk(record[key]);
      }
      out += '}';
    } else out += JSON.stringify(v);
  };
  walk(value);
  return out;
}
