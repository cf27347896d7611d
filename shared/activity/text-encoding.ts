/** How a file's text is encoded, from its byte order mark: UTF-16 is what PowerShell's `>` writes. */
export interface TextEncoding {
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be';
  /** Bytes of the byte order mark, which is not part of the text. */
  bom: number;
}

export const GZIP_MAGIC = [0x1f, 0x8b] as const;

export function isGzip(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

export function sniffEncoding(head: Uint8Array): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  return { encoding: 'utf-8', bom: 0 };
}

/**
 * Turns chunks of text in `encoding` (the byte order mark already removed) into UTF-8 chunks; a
 * character split between two chunks is carried over. Call with no chunk at the end.
 */
export function utf8Transcoder(encoding: TextEncoding['encoding']): (chunk?: Uint8Array) => Buffer {
  if (encoding === 'utf-8')
    return (chunk) =>
      chunk ? Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength) : Buffer.alloc(0);
  const decoder = new TextDecoder(encoding);
  return (chunk) => Buffer.from(chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode(), 'utf8');
}
