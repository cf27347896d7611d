// C0 and C1 controls and DEL (escape sequences, a newline that forges a row), the Unicode bidi marks,
// embeddings, overrides and isolates (RLO reverses what follows), and the line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

const hex = (code: number, digits: number) => code.toString(16).padStart(digits, '0');

/**
 * Text from records and policies as a person can safely see it on a terminal or in a rendered page:
 * every control and bidi character written as a visible escape (`\x1b`, `\u202e`, `\n`), so none acts.
 */
export function visibleText(text: string): string {
  return text.replace(HIDDEN, (c) => {
    const code = c.charCodeAt(0);
    return NAMED[c] ?? (code < 0x100 ? `\\x${hex(code, 2)}` : `\\u${hex(code, 4)}`);
  });
}

/** Whether a text still holds a character `visibleText` escapes. */
export function hasHiddenCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/**
 * JSON whose strings hold no raw C1 control or bidi character: `JSON.stringify` escapes only C0, so
 * those are written as `\uXXXX` escapes, which read back as the same string.
 */
export function inertJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(HIDDEN_IN_JSON, (c) => `\\u${hex(c.charCodeAt(0), 4)}`);
}

// What JSON.stringify leaves raw: everything HIDDEN holds but C0, which it escapes (and its own line breaks are layout).
const HIDDEN_IN_JSON = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
