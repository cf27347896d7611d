import { type Document, isAlias, isMap, isScalar, isSeq, type Node, parseDocument, type Tags } from 'yaml';
import { IacParseError } from '../model.js';
import type { CfnNode } from './nodes.js';
import { positionsOf } from './nodes.js';

/** The short-form tags CloudFormation accepts in YAML; each stands for the one-key map of its long form. */
const SHORT_FORMS: Record<string, string> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  ...Object.fromEntries(
    [
      'And',
      'Base64',
      'Cidr',
      'Equals',
      'FindInMap',
      'GetAZs',
      'GetAtt',
      'If',
      'ImportValue',
      'Join',
      'Length',
      'Not',
      'Or',
      'Select',
      'Split',
      'Sub',
      'ToJsonString',
      'Transform',
    ].map((name) => [`!${name}`, `Fn::${name}`]),
  ),
};

// Tags resolve to their node unchanged: the walk below reads `node.tag` and builds the long form.
const customTags: Tags = Object.keys(SHORT_FORMS).flatMap((tag) => [
  { tag, resolve: (value: string) => value },
  { tag, collection: 'seq' as const, resolve: (value: unknown) => value },
  { tag, collection: 'map' as const, resolve: (value: unknown) => value },
]) as Tags;

export function parseYamlTemplate(file: string, text: string): CfnNode {
  // Keys are checked to be unique below, with a set: the library compares each key with every other.
  const doc = parseDocument(text, { customTags, uniqueKeys: false, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    const at = positionsOf(text)(first.pos[0]);
    throw new IacParseError(
      `${file}: invalid YAML at line ${at.line} column ${at.column}: ${first.message.split('\n')[0]}`,
      at,
    );
  }
  if (!doc.contents) throw new IacParseError(`${file}: the YAML document is empty`);
  return toNode(file, text, doc, doc.contents);
}

function toNode(file: string, text: string, doc: Document, node: Node): CfnNode {
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!target) throw new IacParseError(`${file}: unresolved alias *${node.source}`);
    return toNode(file, text, doc, target);
  }
  const [start, end] = node.range ?? [0, 0];
  const plain = plainNode(file, text, doc, node, start, end);
  const tag = node.tag;
  if (!tag || tag.startsWith('!!') || tag.startsWith('tag:yaml.org,2002:')) return plain;
  // The node's range starts after its tag; the long form spans the tag too, so that quoting it shows `!Ref X`.
  const tagStart = text.lastIndexOf(tag, start);
  const from = tagStart >= 0 ? tagStart : start;
  const name = SHORT_FORMS[tag];
  if (!name) {
    const at = positionsOf(text)(from);
    throw new IacParseError(`${file}: unknown tag ${tag} at line ${at.line} column ${at.column}`, at);
  }
  return { kind: 'map', entries: [{ key: name, keyStart: from, value: plain }], start: from, end };
}

function plainNode(
  file: string,
  text: string,
  doc: Document,
  node: Node,
  start: number,
  end: number,
): CfnNode {
  if (isMap(node)) {
    const seen = new Set<string>();
    const entries = node.items.map((pair) => {
      const key = pair.key as Node | null;
      const keyValue = isScalar(key) ? key.value : undefined;
      const keyStart = key?.range?.[0] ?? start;
      if (typeof keyValue !== 'string' && typeof keyValue !== 'number') {
        const at = positionsOf(text)(keyStart);
        throw new IacParseError(
          `${file}: a map key at line ${at.line} column ${at.column} is not a plain value`,
          at,
        );
      }
      const name = String(keyValue);
      if (seen.has(name)) {
        const at = positionsOf(text)(keyStart);
        throw new IacParseError(
          `${file}: key "${name}" appears twice in one map (line ${at.line} column ${at.column})`,
          at,
        );
      }
      seen.add(name);
      const value = pair.value as Node | null;
      const valueNode: CfnNode = value
        ? toNode(file, text, doc, value)
        : { kind: 'scalar', value: null, start: keyStart, end: keyStart };
      return { key: name, keyStart, value: valueNode };
    });
    return { kind: 'map', entries, start, end };
  }
  if (isSeq(node)) {
    const items = node.items.map((item) =>
      item
        ? toNode(file, text, doc, item as Node)
        : ({ kind: 'scalar', value: null, start, end: start } as const),
    );
    return { kind: 'seq', items, start, end };
  }
  if (isScalar(node)) {
    const v = node.value;
    // `012345678901` (an account id) must keep its leading zero: numbers whose text differs stay text.
    if (typeof v === 'number' || typeof v === 'bigint')
      return {
        kind: 'scalar',
        value: String(v) === node.source ? Number(v) : String(node.source),
        start,
        end,
      };
    if (typeof v === 'string' || typeof v === 'boolean' || v === null)
      return { kind: 'scalar', value: v, start, end };
    return { kind: 'scalar', value: String(node.source ?? v), start, end };
  }
  throw new IacParseError(`${file}: unsupported YAML node`);
}
