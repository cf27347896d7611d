import { type LintFormat, lintWriter } from '../../cli/format/lint-writer.js';
import { LintTally } from '../../cli/format/summary.js';
import type { LintResult } from '../../cli/model.js';

/** The whole text a lint output format writes for `results`, streamed through it as the CLI does. */
export function renderLint(format: LintFormat, results: Iterable<LintResult>, version = '0.0.0'): string {
  let output = '';
  const writer = lintWriter(
    format,
    (text) => {
      output += text;
    },
    { color: false, version },
  );
  const tally = new LintTally();
  for (const result of results) {
    tally.add(result);
    writer.add(result);
  }
  writer.end(tally);
  return output;
}

/** Every result of a lint run, in order (Node 20 has no Array.fromAsync). */
export async function allResults(results: AsyncIterable<LintResult>): Promise<LintResult[]> {
  const all: LintResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}
