import { type Node, type ParseError, parseTree, printParseErrorCode } from 'jsonc-parser';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../policy/limits.js';
import { IacParseError } from '../model.js';
import { type CfnEntry, type CfnNode, positionsOf } from './nodes.js';

export function parseJsonTemplate(file: string, text: string): CfnNode {
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw new IacParseError(`${file}: nested more than ${MAX_JSON_DEPTH} levels deep`);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  const first = errors[0];
  if (first || !root) {
    const at = positionsOf(text)(first?.offset ?? 0);
    const why = first ? printParseErrorCode(first.error) : 'no value';
    throw new IacParseError(`${file}: invalid JSON at line ${at.line} column ${at.column}: ${why}`, at);
  }
  return toNode(file, text, root);
}

function toNode(file: string, text: string, node: Node): CfnNode {
  const start = node.offset;
  const end = node.offset + node.length;
  switch (node.type) {
    case 'object': {
      const entries: CfnEntry[] = [];
      const seen = new Set<string>();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (!key || !value) continue;
        const name = String(key.value);
        // JSON.parse would keep the last of two equal keys: a trust condition can vanish that way.
        if (seen.has(name)) {
          const at = positionsOf(text)(key.offset);
          throw new IacParseError(
            `${file}: key "${name}" appears twice in one object (line ${at.line} column ${at.column})`,
            at,
          );
        }
        seen.add(name);
        entries.push({ key: name, keyStart: key.offset, value: toNode(file, text, value) });
      }
      return { kind: 'map', entries, start, end };
    }
    case 'array':
      return { kind: 'seq', items: (node.children ?? []).map((c) => toNode(file, text, c)), start, end };
    default:
      return { kind: 'scalar', value: node.value as string | number | boolean | null, start, end };
  }
}
