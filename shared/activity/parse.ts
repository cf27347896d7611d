import { constants } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import { type JsonPiece, JsonSplitter } from './json-stream.js';
import type { ParsedRecords } from './record.js';
import { type Emit, elementOutcomes, ITEM_ARRAYS, type Outcome, valueOutcomes } from './shapes.js';
import { isGzip, sniffEncoding, utf8Transcoder } from './text-encoding.js';

/**
 * Every CloudTrail record in what a user hands over, whichever form it came in:
 * - a log file from S3, `{"Records": [...]}`, gzipped (as CloudTrail writes it) or not, several of
 *   them concatenated, or an array of them (`jq -s`);
 * - newline-delimited JSON (Firehose, Logstash, Elastic exports) of records or of any item below;
 * - LookupEvents results: the SDK or `aws cloudtrail lookup-events` output `{"Events": [...]}`, an
 *   array of such pages, or a bare array of its items, each carrying the record as the
 *   `CloudTrailEvent` JSON string;
 * - EventBridge events (`"detail-type": "AWS API Call via CloudTrail"`, record under `detail`), alone,
 *   in an array, or delivered through SQS (`Records[].body`);
 * - CloudWatch Logs subscription payloads: the Lambda event `{"awslogs": {"data": …}}` and the decoded
 *   DATA_MESSAGE with `logEvents[].message`;
 * - CloudTrail Lake `get-query-results` output (`QueryResultRows`);
 * - a single raw record, or a JSON array of raw records.
 * Text may be UTF-8 (with or without a byte order mark) or UTF-16 with one. The input may be text, bytes
 * (gzip is recognised by its magic bytes) or JSON already parsed. Nothing in the input makes this throw:
 * an item that yields no usable record is in `rejected`, with its position among the input's items.
 */
export function parseRecords(input: string | Buffer | unknown): ParsedRecords {
  const parsed: ParsedRecords = { records: [], rejected: [] };
  const emit = numbered((index, outcome) => {
    if ('record' in outcome) parsed.records.push(outcome.record);
    else parsed.rejected.push({ index, reason: outcome.reason });
  });
  if (input instanceof Uint8Array || typeof input === 'string') {
    // A byte order mark is what editors on Windows leave at the start of a saved file.
    const text =
      typeof input === 'string' ? Buffer.from(input.replace(/^\uFEFF/, ''), 'utf8') : utf8Text(input);
    if ('reason' in text) emit(text);
    else {
      const reader = new PieceReader(emit);
      reader.read(text);
      reader.end();
    }
  } else valueOutcomes(input, emit);
  return parsed;
}

/** Numbers outcomes in the order the input holds them. */
export function numbered(take: (index: number, outcome: Outcome) => void): Emit {
  let index = 0;
  return (outcome) => take(index++, outcome);
}

/** Turns the pieces of a JSON text, chunk by chunk, into outcomes. */
export class PieceReader {
  readonly #splitter = new JsonSplitter(ITEM_ARRAYS);
  #pieces = 0;

  constructor(private readonly emit: Emit) {}

  read(chunk: Buffer): void {
    for (const piece of this.#splitter.push(chunk)) this.#take(piece);
  }

  /** The input broke off: what it held so far stands, and this says why there is no more. */
  stop(reason: string): void {
    this.#pieces++;
    this.emit({ reason });
  }

  end(): void {
    for (const piece of this.#splitter.end()) this.#take(piece);
    if (this.#pieces === 0) this.emit({ reason: 'empty input' });
  }

  #take(piece: JsonPiece): void {
    this.#pieces++;
    if (piece.kind === 'error') this.emit({ reason: piece.reason });
    else if (piece.kind === 'object') {
      // With its items read one by one, the wrapper's other members are metadata (NextToken, messageType…).
      if (piece.streamed.length === 0) valueOutcomes(piece.members, this.emit);
    } else if (piece.member) elementOutcomes(piece.value, piece.member.key, piece.member.siblings, this.emit);
    else valueOutcomes(piece.value, this.emit);
  }
}

function utf8Text(input: Uint8Array): Buffer | { reason: string } {
  let bytes = input;
  if (isGzip(bytes)) {
    try {
      // Bounded, so a gzip bomb is a reason, not a crash.
      bytes = gunzipSync(bytes, { maxOutputLength: constants.MAX_STRING_LENGTH });
    } catch (error) {
      return { reason: `not a readable gzip file: ${(error as Error).message}` };
    }
  }
  const { encoding, bom } = sniffEncoding(bytes);
  const transcode = utf8Transcoder(encoding);
  const text = transcode(bytes.subarray(bom));
  const tail = transcode();
  return tail.length > 0 ? Buffer.concat([text, tail]) : text;
}
