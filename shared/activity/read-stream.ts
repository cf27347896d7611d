import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { numbered, PieceReader } from './parse.js';
import type { Outcome } from './shapes.js';
import { isGzip, sniffEncoding, utf8Transcoder } from './text-encoding.js';

export type NumberedOutcome = Outcome & { index: number };

/**
 * The records of a byte stream in any form `parseRecords` reads, read as they arrive: memory holds one
 * chunk and the item being read, never the whole input, whatever its size. Gzip is unpacked as it
 * streams (several gzip members one after another too). Yields the outcomes each chunk completes, in
 * order; an input that breaks off (a truncated gzip file) ends with a reason after what it did hold.
 */
export async function* readRecordStream(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<NumberedOutcome[]> {
  let batch: NumberedOutcome[] = [];
  const reader = new PieceReader(numbered((index, outcome) => batch.push({ ...outcome, index })));
  const take = () => {
    const done = batch;
    batch = [];
    return done;
  };
  try {
    const raw = await peek(source, 2);
    const bytes = isGzip(raw.head) ? gunzipped(raw.rest) : raw.rest;
    const text = await peek(bytes, 3);
    const { encoding, bom } = sniffEncoding(text.head);
    const transcode = utf8Transcoder(encoding);
    let skip = bom;
    for await (const chunk of text.rest) {
      const body = skip > 0 ? chunk.subarray(skip) : chunk;
      skip = 0;
      reader.read(transcode(body));
      if (batch.length > 0) yield take();
    }
    reader.read(transcode());
    reader.end();
  } catch (error) {
    // Errors of reading the source are the caller's to describe; those of gzip are the input's.
    if (!(error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw error;
    reader.stop(`not a readable gzip file: ${(error as Error).message}`);
  }
  if (batch.length > 0) yield take();
}

function gunzipped(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  // Large output chunks: fewer, longer runs of the splitter, and gunzip keeps ahead of it.
  const gunzip = createGunzip({ chunkSize: 1024 * 1024 });
  // Errors of either side end the iteration of `gunzip` with that error.
  pipeline(Readable.from(source), gunzip, () => undefined);
  return gunzip;
}

/**
 * The first `n` bytes of a stream (fewer if it is shorter), and the whole stream again, those included,
 * at least one chunk each so that a chunk boundary never splits a byte order mark.
 */
async function peek(
  source: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iterator = source[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    first.push(Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength));
    size += next.value.byteLength;
  }
  const head = Buffer.concat(first);
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    if (done) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    }
  }
  return { head, rest: rest() };
}
