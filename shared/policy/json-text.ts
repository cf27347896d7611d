import { type ParseError, printParseErrorCode, visit } from 'jsonc-parser';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './limits.js';

export class JsonTextError extends Error {}

export interface DuplicateKey {
  /** JSON path of the object holding the key twice, e.g. `Statement[0].Condition`. */
  path: string;
  key: string;
}

/**
 * Parses strict JSON and lists every key that an object holds more than once. `JSON.parse` keeps only
 * the last one, which is how a real trust policy once lost its `sub` condition without anyone noticing.
 */
export function parseJsonText(text: string): { value: unknown; duplicates: DuplicateKey[] } {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new JsonTextError(
      `nested more than ${MAX_JSON_DEPTH} levels deep: no policy document or IAM output is`,
    );
  }
  const errors: ParseError[] = [];
  const duplicates: DuplicateKey[] = [];
  const seen: Set<string>[] = [];
  visit(
    text,
    {
      onObjectBegin: () => {
        seen.push(new Set());
      },
      onObjectEnd: () => {
        seen.pop();
      },
      onObjectProperty: (key, _offset, _length, _line, _column, pathSupplier) => {
        const keys = seen.at(-1);
        if (!keys) return;
        if (keys.has(key)) duplicates.push({ path: formatPath(pathSupplier()), key });
        keys.add(key);
      },
      onError: (error, offset) => {
        errors.push({ error, offset, length: 0 });
      },
    },
    { allowTrailingComma: false, disallowComments: true },
  );
  const first = errors[0];
  if (first) {
    const { line, column } = position(text, first.offset);
    throw new JsonTextError(
      `invalid JSON at line ${line} column ${column}: ${printParseErrorCode(first.error)}`,
    );
  }
  return { value: JSON.parse(text), duplicates };
}

function formatPath(path: (string | number)[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}
