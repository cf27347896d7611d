import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';

/**
 * Records an output format can only print after the results (the files that could not be read, for
 * markdown and SARIF). The first `inMemory` stay in memory; the rest go to a temporary file, so that
 * memory stays bounded however many there are.
 */
export class Spool<T> {
  #memory: T[] = [];
  #file: { dir: string; fd: number } | undefined;

  constructor(private readonly inMemory = 1000) {}

  push(item: T): void {
    if (!this.#file && this.#memory.length < this.inMemory) {
      this.#memory.push(item);
      return;
    }
    if (!this.#file) {
      const dir = mkdtempSync(join(tmpdir(), 'trustwatch-spool-'));
      this.#file = { dir, fd: openSync(join(dir, 'records.jsonl'), 'w+') };
    }
    writeSync(this.#file.fd, `${JSON.stringify(item)}\n`);
  }

  /** Every record in the order pushed, once; the temporary file is removed when they have been read. */
  *drain(): Generator<T> {
    yield* this.#memory;
    this.#memory = [];
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    try {
      const chunk = Buffer.alloc(64 * 1024);
      // A character may straddle two chunks: the decoder holds its first bytes back.
      const decoder = new StringDecoder('utf8');
      let position = 0;
      let rest = '';
      for (let read = 1; read > 0; position += read) {
        read = readSync(file.fd, chunk, 0, chunk.length, position);
        const lines = (rest + decoder.write(chunk.subarray(0, read))).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) yield JSON.parse(line) as T;
      }
    } finally {
      closeSync(file.fd);
      rmSync(file.dir, { recursive: true, force: true });
    }
  }
}
