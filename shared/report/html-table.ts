import { esc } from './html-escape.js';

/** A cell: text to escape, or `{ html }` already built from escaped parts; numbers align right. */
export type Cell = string | number | { html: string };

/** The first cell of a row heads it, for screen readers. */
function cell(c: Cell, first: boolean): string {
  const [open, close] = first ? ['<th scope="row"', '</th>'] : ['<td', '</td>'];
  if (typeof c === 'number') return `${open} class="n">${esc(c.toLocaleString('en-US'))}${close}`;
  return `${open}>${typeof c === 'string' ? esc(c) : c.html}${close}`;
}

/** A data table with a caption and a header row; `empty` is said in place of a table with no rows. */
export function table(caption: string, headers: string[], rows: Cell[][], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  const head = `<tr>${headers.map((h) => `<th scope="col">${esc(h)}</th>`).join('')}</tr>`;
  const body = rows.map((r) => `<tr>${r.map((c, i) => cell(c, i === 0)).join('')}</tr>`).join('');
  return `<div class="wide"><table><caption>${esc(caption)}</caption><thead>${head}</thead><tbody>${body}</tbody></table></div>`;
}

export const code = (text: string): Cell => ({ html: `<code>${esc(text)}</code>` });

export const codes = (texts: string[], none = '—'): Cell =>
  texts.length === 0 ? none : { html: texts.map((t) => `<code>${esc(t)}</code>`).join('<br>') };

/** A date or time, kept on one line. */
export const time = (text: string): Cell => ({ html: `<span class="date">${esc(text)}</span>` });
