import { inertJson } from '../../shared/report/visible-text.js';
import { isFileError } from '../model.js';
import { JsonArrayWriter, jsonAround, STREAMED, type Write } from './json-stream.js';
import type { LintWriter } from './lint-writer.js';

export function toJson(value: unknown): string {
  return `${inertJson(value, 2)}\n`;
}

/** The public JSON shape: `{results: [{file, position?, notes?, findings} | {file, error}]}`; internal fields stay out. */
export function lintJsonWriter(write: Write): LintWriter {
  const {
    pieces: [head = '', tail = ''],
    indents: [indent = ''],
  } = jsonAround({ results: STREAMED });
  write(head);
  const results = new JsonArrayWriter(write, indent);
  return {
    add: (r) =>
      results.add(
        isFileError(r)
          ? { file: r.file, error: r.error }
          : {
              file: r.file,
              ...(r.position ? { position: r.position } : {}),
              ...(r.notes ? { notes: r.notes } : {}),
              findings: r.findings,
            },
      ),
    end() {
      results.close();
      write(tail);
    },
  };
}
