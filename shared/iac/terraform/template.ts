/**
 * HCL string templates as the HCL parser hands them back: literal text with `$${` and `%%{` escaped, and
 * `${ expression }` interpolations and `%{ directive }`s as written.
 */

export type TemplatePart = { literal: string } | { expression: string } | { directive: string };

/** Splits a template into literal text (escapes undone), interpolations and directives. */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const pair = text.slice(i, i + 3);
    if (pair === '$${' || pair === '%%{') {
      literal += pair.slice(1);
      i += 3;
      continue;
    }
    const opener = text.slice(i, i + 2);
    if (opener === '${' || opener === '%{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) break;
      if (literal) parts.push({ literal });
      literal = '';
      const inner = text.slice(i + 2, end).trim();
      parts.push(opener === '${' ? { expression: stripTrim(inner) } : { directive: stripTrim(inner) });
      i = end + 1;
      continue;
    }
    literal += text[i];
    i += 1;
  }
  if (i < text.length) literal += text.slice(i);
  if (literal) parts.push({ literal });
  return parts;
}

/** The expression when the whole template is one interpolation (`"${var.x}"`, or an expression as the parser renders it). */
export function soleExpression(text: string): string | undefined {
  const parts = splitTemplate(text);
  const [only] = parts;
  return parts.length === 1 && only && 'expression' in only ? only.expression : undefined;
}

/** The literal value of a template without interpolations or directives; undefined when it has some. */
export function literalText(text: string): string | undefined {
  const parts = splitTemplate(text);
  if (parts.some((p) => !('literal' in p))) return undefined;
  return parts.map((p) => ('literal' in p ? p.literal : '')).join('');
}

/** `f(arg)` → `arg` when the whole expression is one call of `name`. */
export function soleCallArgument(expression: string, name: string): string | undefined {
  const match = new RegExp(`^${name}\\s*\\(`).exec(expression);
  if (!match || !expression.endsWith(')')) return undefined;
  const open = match[0].length - 1;
  return closingOf(expression, open, '(', ')') === expression.length - 1
    ? expression.slice(open + 1, -1).trim()
    : undefined;
}

// `~` strip markers (`${~ x ~}`) only trim whitespace around the interpolation.
function stripTrim(inner: string): string {
  return inner.replace(/^~/, '').replace(/~$/, '').trim();
}

function closingBrace(text: string, from: number): number {
  return closingOf(text, from - 1, '{', '}');
}

/**
 * The index of the bracket closing the one at `open`, skipping quoted strings (and the templates inside
 * them); -1 when it is never closed.
 */
function closingOf(text: string, open: number, opening: string, closing: string): number {
  let depth = 0;
  let i = open;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      i = endOfString(text, i + 1);
      if (i < 0) return -1;
    } else if (c === opening) depth += 1;
    else if (c === closing) {
      depth -= 1;
      if (depth === 0) return i;
    }
    i += 1;
  }
  return -1;
}

/** The index of the quote closing a quoted string whose text starts at `from`. */
function endOfString(text: string, from: number): number {
  let i = from;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') i += 2;
    else if (c === '"') return i;
    else if ((c === '$' || c === '%') && text[i + 1] === '{' && text[i - 1] !== c) {
      const end = closingOf(text, i + 1, '{', '}');
      if (end < 0) return -1;
      i = end + 1;
    } else i += 1;
  }
  return -1;
}
