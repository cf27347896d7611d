import type { LintResult } from '../model.js';
import { lintJsonWriter } from './json.js';
import type { Write } from './json-stream.js';
import { lintMarkdownWriter } from './markdown.js';
import { lintSarifWriter } from './sarif.js';
import type { LintTally } from './summary.js';
import { lintTableWriter } from './table.js';

export const LINT_FORMATS = ['table', 'json', 'markdown', 'sarif'] as const;
export type LintFormat = (typeof LINT_FORMATS)[number];

/**
 * A lint output format fed one result at a time, each written as it comes, so output never waits for
 * (or holds) the whole run; `end` writes what follows the results, from the run's tally.
 */
export interface LintWriter {
  add(result: LintResult): void;
  end(tally: LintTally): void;
}

export interface LintWriterOptions {
  color: boolean;
  /** trustwatch's version, for SARIF's tool section. */
  version: string;
}

export function lintWriter(format: LintFormat, write: Write, options: LintWriterOptions): LintWriter {
  switch (format) {
    case 'table':
      return lintTableWriter(write, options);
    case 'json':
      return lintJsonWriter(write);
    case 'markdown':
      return lintMarkdownWriter(write);
    case 'sarif':
      return lintSarifWriter(write, options.version);
  }
}

/**
 * Small writes gathered into chunks of about `size` characters for `out`: one write to standard
 * output per chunk, not one per line. `flush` writes what is left.
 */
export function chunkedWrite(out: Write, size = 64 * 1024): { write: Write; flush: () => void } {
  let pending: string[] = [];
  let length = 0;
  const flush = () => {
    if (length === 0) return;
    out(pending.join(''));
    pending = [];
    length = 0;
  };
  return {
    write(text) {
      pending.push(text);
      length += text.length;
      if (length >= size) flush();
    },
    flush,
  };
}
