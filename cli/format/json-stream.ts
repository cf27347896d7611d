import { inertJson } from '../../shared/report/visible-text.js';

/** Where a document's streamed array goes; JSON text never holds a raw NUL (inertJson writes it `\u0000`). */
export const STREAMED = '\u0000streamed';
const STREAMED_TEXT = JSON.stringify(STREAMED);

/** Writes one piece of output text. */
export type Write = (text: string) => void;

/**
 * `document` as toJson renders it, cut where its values are STREAMED: `pieces` has one more entry than
 * `indents`, each indent being that of the line the streamed array starts on.
 */
export function jsonAround(document: unknown): { pieces: string[]; indents: string[] } {
  const pieces = `${inertJson(document, 2)}\n`.split(STREAMED_TEXT);
  const indents = pieces
    .slice(0, -1)
    .map((piece) => /^ */.exec(piece.slice(piece.lastIndexOf('\n') + 1))?.[0] ?? '');
  return { pieces, indents };
}

/**
 * One JSON array written item by item, byte for byte as `JSON.stringify(array, null, 2)` nested on a
 * line indented by `indent` would write it, so a long list never has to be held whole.
 */
export class JsonArrayWriter {
  #count = 0;

  constructor(
    private readonly write: Write,
    private readonly indent: string,
  ) {}

  add(item: unknown): void {
    const inner = `${this.indent}  `;
    // JSON strings hold no raw line break: every one is layout, and the nesting indents it.
    const text = inertJson(item, 2).replaceAll('\n', `\n${inner}`);
    this.write(`${this.#count === 0 ? '[' : ','}\n${inner}${text}`);
    this.#count++;
  }

  close(): void {
    this.write(this.#count === 0 ? '[]' : `\n${this.indent}]`);
  }
}
