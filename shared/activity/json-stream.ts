/**
 * Splits a stream of JSON text (UTF-8 bytes, in chunks of any size) into values small enough to
 * `JSON.parse` one at a time, so that a log file of a million records never has to be one string.
 * The input is a sequence of objects and arrays (one for a plain file, one a line for NDJSON, several
 * for concatenated files). A top-level array comes as its elements; a top-level object as its members,
 * except that an array under one of `streamedKeys` (a log file's `Records`) comes element by element.
 * Only where values start and end is found here, byte by byte (JSON's structural characters are ASCII,
 * so UTF-8 needs no decoding for that); `JSON.parse` does the parsing, at native speed.
 */
export type JsonPiece =
  /** A complete value; `member` names the streamed array it is an element of, with the members read before it. */
  | { kind: 'value'; value: unknown; member?: { key: string; siblings: Record<string, unknown> } }
  /** A top-level object ended: `members` are those not streamed, `streamed` the keys whose elements came as values. */
  | { kind: 'object'; members: Record<string, unknown>; streamed: string[] }
  /** What could not be read; after a structural error the splitter reads no further. */
  | { kind: 'error'; reason: string };

/** The largest single value buffered for `JSON.parse`; a larger one ends the input with a reason. */
export const MAX_VALUE_BYTES = 256 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** What the splitter expects next outside a value. */
type Expect = 'top' | 'top-element' | 'key' | 'colon' | 'member' | 'streamed-element';

/** Where the value being scanned goes once complete. */
type Target = 'top-element' | 'key' | 'member' | 'streamed-element';

interface ValueScan {
  target: Target;
  /** Absolute position of its first byte in the input. */
  at: number;
  /** Bytes of it from earlier chunks. */
  parts: Buffer[];
  size: number;
  kind: 'string' | 'container' | 'scalar';
  depth: number;
  inString: boolean;
  escaped: boolean;
}

export class JsonSplitter {
  #expect: Expect = 'top';
  #value: ValueScan | undefined;
  #key = '';
  #members: Record<string, unknown> = {};
  #streamed: string[] = [];
  /** Why a member of the current top-level object could not be read: the object is then not used. */
  #broken: string | undefined;
  /** Absolute position of the current chunk's first byte. */
  #offset = 0;
  #failed = false;

  constructor(private readonly streamedKeys: ReadonlySet<string>) {}

  /** The pieces this chunk completes. */
  push(chunk: Buffer): JsonPiece[] {
    const out: JsonPiece[] = [];
    if (this.#failed) return out;
    let i = 0;
    const n = chunk.length;
    while (i < n && !this.#failed) {
      if (this.#value) {
        const end = this.#scan(chunk, i);
        if (end < 0) {
          this.#keepPart(chunk, i, n, out);
          i = n;
        } else {
          this.#finishValue(chunk, i, end, out);
          i = end;
        }
        continue;
      }
      const c = chunk[i] as number;
      if (isSpace(c)) {
        i++;
        continue;
      }
      i = this.#structural(c, chunk, i, out);
    }
    this.#offset += n;
    return out;
  }

  /** The pieces the end of the input completes, or why it is cut short. */
  end(): JsonPiece[] {
    const out: JsonPiece[] = [];
    if (this.#failed) return out;
    // Values are inside a top-level object or array, so any unfinished one means the input was cut.
    if (this.#value || this.#expect !== 'top') {
      out.push({
        kind: 'error',
        reason: `not valid JSON: the input ends inside a value (position ${this.#offset})`,
      });
    }
    return out;
  }

  /** One structural byte outside a value; returns where to go on. */
  #structural(c: number, chunk: Buffer, i: number, out: JsonPiece[]): number {
    const at = this.#offset + i;
    switch (this.#expect) {
      case 'top':
        if (c === OPEN_BRACE) {
          this.#members = {};
          this.#streamed = [];
          this.#broken = undefined;
          this.#expect = 'key';
          return i + 1;
        }
        if (c === OPEN_BRACKET) {
          this.#expect = 'top-element';
          return i + 1;
        }
        // Every shape of CloudTrail input is objects or arrays: text that starts otherwise is none.
        return this.#fail(out, `expected an object or an array at position ${at}, found ${shown(c)}`);
      case 'top-element':
      case 'streamed-element':
        if (c === COMMA) return i + 1;
        if (c === CLOSE_BRACKET) {
          this.#expect = this.#expect === 'top-element' ? 'top' : 'key';
          return i + 1;
        }
        return this.#startValue(this.#expect, chunk, i, out);
      case 'key':
        if (c === COMMA) return i + 1;
        if (c === CLOSE_BRACE) {
          out.push(
            this.#broken
              ? { kind: 'error', reason: this.#broken }
              : { kind: 'object', members: this.#members, streamed: this.#streamed },
          );
          this.#expect = 'top';
          return i + 1;
        }
        if (c === QUOTE) return this.#startValue('key', chunk, i, out);
        return this.#fail(out, `expected a member name at position ${at}, found ${shown(c)}`);
      case 'colon':
        if (c === COLON) {
          this.#expect = 'member';
          return i + 1;
        }
        return this.#fail(out, `expected ":" at position ${at}, found ${shown(c)}`);
      case 'member':
        if (c === OPEN_BRACKET && this.streamedKeys.has(this.#key)) {
          this.#streamed.push(this.#key);
          this.#expect = 'streamed-element';
          return i + 1;
        }
        return this.#startValue('member', chunk, i, out);
    }
  }

  #startValue(target: Target, chunk: Buffer, i: number, out: JsonPiece[]): number {
    const c = chunk[i] as number;
    if (c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COMMA || c === COLON) {
      return this.#fail(out, `unexpected ${shown(c)} at position ${this.#offset + i}`);
    }
    this.#value = {
      target,
      at: this.#offset + i,
      parts: [],
      size: 0,
      kind: c === QUOTE ? 'string' : c === OPEN_BRACE || c === OPEN_BRACKET ? 'container' : 'scalar',
      depth: 0,
      inString: false,
      escaped: false,
    };
    return i;
  }

  /** Scans the current value from `from`: the position just past its end, or -1 if it goes on past the chunk. */
  #scan(chunk: Buffer, from: number): number {
    const v = this.#value as ValueScan;
    const n = chunk.length;
    if (v.kind === 'scalar') {
      for (let i = from; i < n; i++) {
        const c = chunk[i] as number;
        if (isSpace(c) || c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || c === COLON) return i;
      }
      return -1;
    }
    let { depth, inString, escaped } = v;
    let i = from;
    while (i < n) {
      if (inString) {
        if (escaped) {
          escaped = false;
          i++;
          continue;
        }
        // Most of a record's bytes are inside strings: jump to the next quote (memchr), then see
        // whether an odd run of backslashes escapes it.
        const quote = chunk.indexOf(QUOTE, i);
        const stop = quote < 0 ? n : quote;
        let slashes = 0;
        for (let k = stop - 1; k >= i && chunk[k] === BACKSLASH; k--) slashes++;
        if (quote < 0) {
          escaped = slashes % 2 === 1;
          i = n;
          break;
        }
        i = quote + 1;
        if (slashes % 2 === 1) continue;
        inString = false;
        if (depth === 0) return i;
        continue;
      }
      const c = chunk[i] as number;
      i++;
      if (c === QUOTE) inString = true;
      else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
      else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        depth--;
        if (depth === 0) return i;
      }
    }
    v.depth = depth;
    v.inString = inString;
    v.escaped = escaped;
    return -1;
  }

  #keepPart(chunk: Buffer, from: number, to: number, out: JsonPiece[]): void {
    const v = this.#value as ValueScan;
    v.size += to - from;
    if (v.size > MAX_VALUE_BYTES) {
      this.#fail(
        out,
        `a single value at position ${v.at} is larger than ${MAX_VALUE_BYTES / 1024 / 1024} MB`,
      );
      return;
    }
    // A copy: the caller may reuse the chunk's memory.
    v.parts.push(Buffer.from(chunk.subarray(from, to)));
  }

  #finishValue(chunk: Buffer, from: number, to: number, out: JsonPiece[]): void {
    const v = this.#value as ValueScan;
    this.#value = undefined;
    const last = chunk.subarray(from, to);
    const bytes = v.parts.length > 0 ? Buffer.concat([...v.parts, last]) : last;
    let value: unknown;
    try {
      value = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      const reason = `not valid JSON: ${(error as Error).message} (in the value at position ${v.at})`;
      if (v.target === 'key') {
        this.#fail(out, reason);
        return;
      }
      if (v.target === 'member') {
        this.#broken ??= reason;
        this.#expect = 'key';
      } else out.push({ kind: 'error', reason });
      return;
    }
    switch (v.target) {
      case 'key':
        this.#key = value as string;
        this.#expect = 'colon';
        return;
      case 'member':
        this.#members[this.#key] = value;
        this.#expect = 'key';
        return;
      case 'streamed-element':
        out.push({ kind: 'value', value, member: { key: this.#key, siblings: this.#members } });
        return;
      case 'top-element':
        out.push({ kind: 'value', value });
    }
  }

  #fail(out: JsonPiece[], reason: string): number {
    this.#failed = true;
    out.push({ kind: 'error', reason: `not valid JSON: ${reason}` });
    return Number.MAX_SAFE_INTEGER;
  }
}

function shown(c: number): string {
  return c >= 0x20 && c < 0x7f
    ? JSON.stringify(String.fromCharCode(c))
    : `byte 0x${c.toString(16).padStart(2, '0')}`;
}
