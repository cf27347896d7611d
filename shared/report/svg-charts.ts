import { esc } from './html-escape.js';

/**
 * Inline SVG charts: fixed sizes, no scripts, no fonts fetched. Each is an image with a title and
 * description for screen readers; the report shows the same numbers in a table next to it.
 */
interface Bar {
  label: string;
  value: number;
  /** A CSS class for the bar's colour. */
  tone: string;
}

const FONT = 12;
/** `id` must be unique in the document: the title and description are referenced by it. */
function svg(
  id: string,
  title: string,
  description: string,
  width: number,
  height: number,
  body: string,
): string {
  return `<svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(description)}</desc>${body}</svg>`;
}

/** Horizontal bars, one per label, with the value at the end of each bar. */
export function barChart(id: string, title: string, bars: Bar[]): string {
  const labelWidth = 150;
  const barMax = 320;
  const row = 22;
  const width = labelWidth + barMax + 60;
  const height = Math.max(1, bars.length) * row + 8;
  const max = Math.max(1, ...bars.map((b) => b.value));
  const body = bars
    .map((b, i) => {
      const y = 4 + i * row;
      const w = b.value === 0 ? 0 : Math.max(2, Math.round((b.value / max) * barMax));
      return `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="${FONT}">${esc(b.label)}</text><rect class="${b.tone}" x="${labelWidth}" y="${y + 3}" width="${w}" height="${row - 8}"/><text x="${labelWidth + w + 6}" y="${y + 15}" font-size="${FONT}">${esc(b.value.toLocaleString('en-US'))}</text>`;
    })
    .join('');
  const description = bars.map((b) => `${b.label}: ${b.value}`).join(', ');
  return svg(id, title, description, width, height, body);
}

/** One column per day, succeeded stacked under denied. */
export function dailyChart(
  id: string,
  title: string,
  days: { day: string; succeeded: number; denied: number }[],
): string {
  const left = 44;
  const plot = 150;
  const column = 16;
  const width = left + days.length * column + 10;
  const height = plot + 40;
  const max = Math.max(1, ...days.map((d) => d.succeeded + d.denied));
  const scale = (n: number) => (n === 0 ? 0 : Math.max(1, Math.round((n / max) * plot)));
  const columns = days
    .map((d, i) => {
      const x = left + i * column + 2;
      const ok = scale(d.succeeded);
      const no = scale(d.denied);
      const label =
        i % 5 === 0
          ? `<text x="${x + 6}" y="${plot + 26}" text-anchor="middle" font-size="10">${Number(d.day.slice(8))}</text>`
          : '';
      return `<rect class="ok" x="${x}" y="${10 + plot - ok}" width="${column - 4}" height="${ok}"/><rect class="no" x="${x}" y="${10 + plot - ok - no}" width="${column - 4}" height="${no}"/>${label}`;
    })
    .join('');
  const axis = `<line class="axis" x1="${left}" y1="${plot + 10}" x2="${width - 8}" y2="${plot + 10}"/><text x="${left - 6}" y="16" text-anchor="end" font-size="10">${esc(max.toLocaleString('en-US'))}</text><text x="${left - 6}" y="${plot + 10}" text-anchor="end" font-size="10">0</text>`;
  const total = days.reduce((a, d) => a + d.succeeded, 0);
  const denied = days.reduce((a, d) => a + d.denied, 0);
  return svg(
    id,
    title,
    `${total} succeeded and ${denied} refused over ${days.length} days; busiest day ${max}`,
    width,
    height,
    axis + columns,
  );
}

/** Rows of daily values as shaded cells: darker is more. */
export function heatmap(
  id: string,
  title: string,
  days: string[],
  rows: { label: string; values: number[] }[],
): string {
  const labelWidth = 200;
  const cell = 14;
  const width = labelWidth + days.length * cell + 10;
  const height = Math.max(1, rows.length) * cell + 30;
  const max = Math.max(1, ...rows.flatMap((r) => r.values));
  const body = rows
    .map((r, i) => {
      const y = 4 + i * cell;
      const cells = r.values
        .map((v, j) => {
          // Five shades: a cell's class says how busy the day was relative to the busiest cell.
          const shade = v === 0 ? 0 : Math.min(4, 1 + Math.floor((v / max) * 4));
          return `<rect class="h${shade}" x="${labelWidth + j * cell}" y="${y}" width="${cell - 2}" height="${cell - 2}"/>`;
        })
        .join('');
      return `<text x="${labelWidth - 8}" y="${y + 10}" text-anchor="end" font-size="11">${esc(clip(r.label, 30))}</text>${cells}`;
    })
    .join('');
  const ticks = days
    .map((d, j) =>
      j % 5 === 0
        ? `<text x="${labelWidth + j * cell + 6}" y="${height - 8}" text-anchor="middle" font-size="10">${Number(d.slice(8))}</text>`
        : '',
    )
    .join('');
  return svg(
    id,
    title,
    `${rows.length} rows over ${days.length} days; the busiest cell has ${max}`,
    width,
    height,
    body + ticks,
  );
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
