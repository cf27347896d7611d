import { visibleText } from './visible-text.js';

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text from the account (role names, subjects, reasons) made inert in HTML text and attributes: markup
 * escaped, and control and bidi characters shown as escapes (an RLO would reverse what a reader sees).
 */
export function esc(text: string | number): string {
  return visibleText(String(text)).replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
