import { type Rollup, renderRollupJson } from './rollup.js';
import { renderRollupHtml } from './rollup-html.js';
import { renderRollupMarkdown } from './rollup-markdown.js';

/** The roll-up's formats, each with its renderer and the content type it is stored with. */
export const ROLLUP_FORMATS = {
  html: { render: renderRollupHtml, contentType: 'text/html; charset=utf-8' },
  markdown: { render: renderRollupMarkdown, contentType: 'text/markdown; charset=utf-8' },
  json: { render: renderRollupJson, contentType: 'application/json' },
} as const satisfies Record<string, { render: (rollup: Rollup) => string; contentType: string }>;

export type RollupFormat = keyof typeof ROLLUP_FORMATS;
