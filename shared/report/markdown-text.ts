import { visibleText } from './visible-text.js';

/**
 * Text in a Markdown table cell or list item: pipes and line breaks would end the cell, HTML tags,
 * entities, backticks and emphasis could render or link, and controls would act on a terminal.
 */
export const markdownText = (text: string) =>
  visibleText(text.replace(/\s+/g, ' '))
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/[<>&*_`[\]]/g, '\\$&');

/** An identifier shown as code: a backtick would end the span, a pipe the cell. */
export const markdownCode = (text: string) =>
  `\`${visibleText(text).replace(/`/g, "'").replace(/\|/g, '\\|')}\``;
