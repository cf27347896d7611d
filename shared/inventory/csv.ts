/**
 * The records of a CSV text (RFC 4180): fields split at commas; a field in double quotes may hold
 * commas, line breaks and doubled quotes. White space around fields and empty lines are dropped.
 * The credential report needs no more than this, and a CSV library would add 30 KB to the audit
 * function. Throws on a quote that is never closed or that stands inside a field.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let quotedAny = false;
  let at = 0;
  let line = 1;
  for (;;) {
    at = skipBlanks(text, at);
    if (text[at] === '"') {
      quotedAny = true;
      const opened = line;
      let value = '';
      for (;;) {
        const close = text.indexOf('"', at + 1);
        if (close === -1) throw new Error(`line ${opened}: a quoted field is never closed`);
        const part = text.slice(at + 1, close);
        line += part.split('\n').length - 1;
        value += part;
        at = close + 1;
        if (text[at] !== '"') break;
        value += '"';
      }
      at = skipBlanks(text, at);
      if (at < text.length && !isBoundary(text[at]))
        throw new Error(`line ${line}: text after a quoted field`);
      fields.push(value);
    } else {
      let stop = at;
      while (stop < text.length && !isBoundary(text[stop])) stop++;
      const value = text.slice(at, stop).trim();
      if (value.includes('"')) throw new Error(`line ${line}: a quote inside a field that is not quoted`);
      fields.push(value);
      at = stop;
    }
    if (text[at] === ',') {
      at++;
      continue;
    }
    if (quotedAny || fields.length > 1 || fields[0] !== '') records.push(fields);
    if (at >= text.length) return records;
    fields = [];
    quotedAny = false;
    at += text.startsWith('\r\n', at) ? 2 : 1;
    line++;
  }
}

function skipBlanks(text: string, at: number): number {
  let next = at;
  while (text[next] === ' ' || text[next] === '\t') next++;
  return next;
}

function isBoundary(char: string | undefined): boolean {
  return char === ',' || char === '\n' || char === '\r';
}
