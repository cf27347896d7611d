import { inertJson } from '../../shared/report/visible-text.js';
import type { LintResult } from '../model.js';
import { isFileError } from '../model.js';

export function toJson(value: unknown): string {
  return `${inertJson(value, 2)}\n`;
}

/** The public JSON shape: `{results: [{file, position?, notes?, findings} | {file, error}]}`; internal fields stay out. */
export function lintJson(results: LintResult[]): string {
  return toJson({
    results: results.map((r) =>
      isFileError(r)
        ? { file: r.file, error: r.error }
        : {
            file: r.file,
            ...(r.position ? { position: r.position } : {}),
            ...(r.notes ? { notes: r.notes } : {}),
            findings: r.findings,
          },
    ),
  });
}
