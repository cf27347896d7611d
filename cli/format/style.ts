import { styleText } from 'node:util';
import type { Severity } from '../../shared/rules/rule.js';

type Style = Parameters<typeof styleText>[0];

const SEVERITY_STYLE: Record<Severity, Style> = {
  critical: ['bold', 'red'],
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'gray',
};

/** Applies ANSI styles only when colour is on, so piped output stays plain text. */
export function painter(color: boolean): (style: Style, text: string) => string {
  return color ? (style, text) => styleText(style, text) : (_style, text) => text;
}

export function severityLabel(severity: Severity, paint: ReturnType<typeof painter>): string {
  return paint(SEVERITY_STYLE[severity], severity.toUpperCase().padEnd(8));
}
