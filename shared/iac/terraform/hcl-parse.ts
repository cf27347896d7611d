import { IacParseError } from '../model.js';

/**
 * HCL parsed by HashiCorp's own parser: the Go hcl library compiled to WebAssembly, as `@cdktn/hcl2json`
 * (CDK Terrain's, the maintained continuation of CDKTF's hcl2json, which HashiCorp stopped maintaining
 * in December 2025). Loaded on first use: it starts a WebAssembly runtime that policy JSON never needs.
 */
type Parse = typeof import('@cdktn/hcl2json').parse;
let parser: Promise<Parse> | undefined;

// The package reads its WebAssembly from its own directory, so it must load from node_modules: a
// specifier held in a variable is one a bundler leaves as it is, whatever its configuration.
const PACKAGE = '@cdktn/hcl2json';

function loadParser(): Promise<Parse> {
  parser ??= (import(PACKAGE) as Promise<{ parse: Parse }>).then((module) => module.parse);
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
    const where = position ? ` at line ${position.line} column ${position.column}` : '';
    throw new IacParseError(`${file}: invalid HCL${where}: ${first.trim()}`, position);
  }
}
