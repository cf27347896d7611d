import { IacParseError } from '../model.js';

/**
 * HCL parsed by HashiCorp's own parser (the Go hcl library compiled to WebAssembly, `@cdktf/hcl2json`).
 * Loaded on first use: it starts a WebAssembly runtime that reading policy JSON never needs.
 */
let parser: Promise<(name: string, text: string) => Promise<unknown>> | undefined;

function loadParser() {
  parser ??= import('@cdktf/hcl2json').then((module) => module.parse);
  return parser;
}

// The parser names the file in its messages; a name of ours keeps the caller's path out of its syntax.
const NAME = 'input.tf';
const LOCATION = /input\.tf:(\d+),(\d+)(?:-\d+(?:,\d+)?)?: /;

/** The file's blocks and attributes as JSON; unevaluated expressions come back as `${…}` strings. */
export async function parseHcl(file: string, text: string): Promise<Record<string, unknown>> {
  const parse = await loadParser();
  try {
    return (await parse(NAME, text)) as Record<string, unknown>;
  } catch (error) {
    const message = (error as Error).message.replace(/^parse config: \[/, '').replace(/\]$/, '');
    const at = LOCATION.exec(message);
    // The parser lists every problem; the first one is where reading stopped.
    const rest = at ? message.slice(at.index + at[0].length) : message;
    const next = rest.search(/input\.tf:\d+,\d+/);
    const first = next >= 0 ? rest.slice(0, next) : rest;
    const position = at ? { line: Number(at[1]), column: Number(at[2]) } : undefined;
    const where = position ? `${file}:${position.line}:${position.column}` : file;
    throw new IacParseError(`${where}: ${first.trim()}`, position);
  }
}
