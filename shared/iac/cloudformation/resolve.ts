import { IacParseError } from '../model.js';
import { ownAccountProviderArn, partitionDnsSuffix, providerArnWithOwnAccount } from '../oidc-provider.js';
import { type CfnNode, entry, scalarText } from './nodes.js';
import { NO_VALUE, type Resolved, type Unknown, unknown, unknownFrom } from './resolved.js';
import type { Template } from './template.js';

export interface ResolveOptions {
  /** `AWS::Partition` and what follows from it (`AWS::URLSuffix`); `aws` unless told. */
  partition: string;
}

/** Resource types whose `Ref` (or `Arn` attribute) is an IAM OIDC provider ARN built from their `Url`. */
const OIDC_PROVIDER_TYPES = new Set(['AWS::IAM::OIDCProvider', 'Custom::AWSCDKOpenIdConnectProvider']);

/** Which branch a `Fn::If` takes: the condition's value, fixed or chosen per variant. */
export type Decide = (condition: string, at: CfnNode) => boolean;

/** Resolves intrinsic functions statically; what needs the deployment stays unknown. */
export class Resolver {
  constructor(
    readonly template: Template,
    readonly options: ResolveOptions,
    private readonly decide: Decide,
  ) {}

  withDecide(decide: Decide): Resolver {
    return new Resolver(this.template, this.options, decide);
  }

  resolve(node: CfnNode): Resolved | typeof NO_VALUE {
    if (node.kind === 'scalar') return { kind: 'known', value: node.value, at: node.start };
    if (node.kind === 'seq') {
      const items = node.items.map((i) => this.resolve(i)).filter((i): i is Resolved => i !== NO_VALUE);
      return { kind: 'list', items, at: node.start };
    }
    const only = node.entries.length === 1 ? node.entries[0] : undefined;
    if (only && (only.key === 'Ref' || only.key.startsWith('Fn::')))
      return this.intrinsic(node, only.key, only.value);
    const entries: [string, Resolved][] = [];
    for (const e of node.entries) {
      const v = this.resolve(e.value);
      if (v !== NO_VALUE) entries.push([e.key, v]);
    }
    return { kind: 'object', entries, at: node.start };
  }

  /** A value that must be present (`AWS::NoValue` is not allowed here). */
  value(node: CfnNode): Resolved {
    const v = this.resolve(node);
    if (v === NO_VALUE) throw this.error(node, '`AWS::NoValue` where a value is required');
    return v;
  }

  source(node: CfnNode): string {
    const text = this.template.text.slice(node.start, node.end).replace(/\s+/g, ' ').trim();
    return text.length > 120 ? `${text.slice(0, 119)}…` : text;
  }

  error(node: CfnNode, message: string): IacParseError {
    const at = this.template.positionOf(node.start);
    return new IacParseError(`${this.template.file}: line ${at.line} column ${at.column}: ${message}`, at);
  }

  private intrinsic(node: CfnNode, name: string, arg: CfnNode): Resolved | typeof NO_VALUE {
    const src = this.source(node);
    switch (name) {
      case 'Ref':
        return this.ref(node, this.name(arg, 'Ref'), src);
      case 'Fn::GetAtt':
        return this.getAtt(node, arg);
      case 'Fn::Sub':
        return this.sub(node, arg);
      case 'Fn::Join':
        return this.join(node, arg);
      case 'Fn::Select':
        return this.select(node, arg);
      case 'Fn::Split':
        return this.split(node, arg);
      case 'Fn::FindInMap':
        return this.findInMap(node, arg);
      case 'Fn::If': {
        const [condition, whenTrue, whenFalse] = this.args(arg, 3, 'Fn::If') as [CfnNode, CfnNode, CfnNode];
        return this.resolve(this.decide(this.name(condition, 'Fn::If'), condition) ? whenTrue : whenFalse);
      }
      case 'Fn::Base64': {
        const v = this.value(arg);
        if (v.kind === 'unknown') return unknownFrom(src, [v], node.start);
        return {
          kind: 'known',
          value: Buffer.from(this.text(arg, v), 'utf8').toString('base64'),
          at: node.start,
        };
      }
      case 'Fn::ImportValue':
        return unknown(src, 'an export of another stack', node.start);
      case 'Fn::GetAZs':
        return unknown(src, "a region's Availability Zones, known at deploy time", node.start);
      default:
        return unknown(src, `\`${name}\`, which trustwatch does not evaluate`, node.start);
    }
  }

  /** `Ref` of a pseudo parameter, parameter or resource; `src` is how the reference is written. */
  private ref(node: CfnNode, name: string, src: string): Resolved | typeof NO_VALUE {
    const at = node.start;
    switch (name) {
      case 'AWS::NoValue':
        return NO_VALUE;
      case 'AWS::Partition':
        return { kind: 'known', value: this.options.partition, at };
      case 'AWS::URLSuffix':
        return { kind: 'known', value: partitionDnsSuffix(this.options.partition), at };
      case 'AWS::AccountId':
        return unknown(src, "the stack's account, known at deploy time", at);
    }
    if (name.startsWith('AWS::')) return unknown(src, 'known at deploy time', at);
    const parameter = this.template.parameterNamed.get(name);
    if (parameter) return this.parameter(node, name, parameter, src);
    const resource = this.template.resourceNamed.get(name);
    if (!resource) throw this.error(node, `\`Ref\` to ${name}, which is neither a parameter nor a resource`);
    const type = scalarText(entry(resource, 'Type'));
    if (type && OIDC_PROVIDER_TYPES.has(type)) return this.providerArn(node, name, resource, src);
    return unknown(src, `the id of resource ${name} (${type ?? 'no Type'}), known at deploy time`, at);
  }

  private parameter(node: CfnNode, name: string, parameter: CfnNode, src: string): Resolved {
    const at = node.start;
    const type = scalarText(entry(parameter, 'Type')) ?? 'String';
    const fallback = entry(parameter, 'Default');
    if (type.startsWith('AWS::SSM::Parameter::Value'))
      return unknown(src, `parameter ${name}: an SSM parameter's value, known at deploy time`, at);
    if (!fallback) return unknown(src, 'a parameter with no default', at);
    const text = scalarText(fallback);
    if (text === undefined)
      throw this.error(fallback, `the Default of parameter ${name} is not a plain value`);
    // CloudFormation trims each member of a list parameter.
    if (type === 'CommaDelimitedList' || type.startsWith('List<'))
      return {
        kind: 'list',
        items: text.split(',').map((v) => ({ kind: 'known', value: v.trim(), at })),
        at,
      };
    return { kind: 'known', value: text, at };
  }

  private providerArn(node: CfnNode, name: string, resource: CfnNode, src: string): Resolved {
    const url = entry(entry(resource, 'Properties'), 'Url');
    const resolved = url ? this.value(url) : undefined;
    if (!url || !resolved || resolved.kind === 'unknown') {
      const why = unknown(src, `the ARN of OIDC provider ${name}, whose Url is not known`, node.start);
      return resolved?.kind === 'unknown' ? unknownFrom(src, [why, resolved], node.start) : why;
    }
    return {
      kind: 'known',
      value: ownAccountProviderArn(this.options.partition, this.text(url, resolved)),
      at: node.start,
    };
  }

  private getAtt(node: CfnNode, arg: CfnNode): Resolved {
    if (arg.kind === 'scalar') {
      const text = this.name(arg, 'Fn::GetAtt');
      const dot = text.indexOf('.');
      if (dot <= 0) throw this.error(arg, `\`Fn::GetAtt\` needs Resource.Attribute, got ${text}`);
      return this.attribute(node, text.slice(0, dot), text.slice(dot + 1), this.source(node));
    }
    const [r, a] = this.args(arg, 2, 'Fn::GetAtt');
    const attribute = this.value(a);
    if (attribute.kind === 'unknown') return unknownFrom(this.source(node), [attribute], node.start);
    return this.attribute(node, this.name(r, 'Fn::GetAtt'), this.text(a, attribute), this.source(node));
  }

  private attribute(node: CfnNode, name: string, attribute: string, src: string): Resolved {
    const resource = this.template.resourceNamed.get(name);
    if (!resource) throw this.error(node, `\`Fn::GetAtt\` of ${name}, which is not a resource`);
    if (scalarText(entry(resource, 'Type')) === 'AWS::IAM::OIDCProvider' && attribute === 'Arn')
      return this.providerArn(node, name, resource, src);
    return unknown(src, `an attribute of resource ${name}, known at deploy time`, node.start);
  }

  private sub(node: CfnNode, arg: CfnNode): Resolved {
    let body = arg;
    let variables: CfnNode | undefined;
    if (arg.kind === 'seq') [body, variables] = this.args(arg, 2, 'Fn::Sub');
    const format = body.kind === 'scalar' && typeof body.value === 'string' ? body.value : undefined;
    if (format === undefined) throw this.error(body, '`Fn::Sub` needs a string');
    const pieces: (string | Unknown)[] = [];
    let last = 0;
    for (const m of format.matchAll(/\$\{([^}]*)\}/g)) {
      pieces.push(format.slice(last, m.index));
      last = m.index + m[0].length;
      const inner = (m[1] ?? '').trim();
      // `${!Literal}` is written out as `${Literal}`.
      if (inner.startsWith('!')) {
        pieces.push(`\${${inner.slice(1)}}`);
        continue;
      }
      const given = entry(variables, inner);
      const v = given ? this.value(given) : this.implicit(node, inner);
      pieces.push(v.kind === 'unknown' ? v : this.text(given ?? node, v));
    }
    pieces.push(format.slice(last));
    return this.assemble(node, pieces);
  }

  /** A `${Name}` of `Fn::Sub` without a variable: a `Ref`, or `Fn::GetAtt` when it has a dot. */
  private implicit(node: CfnNode, inner: string): Resolved {
    const src = `\${${inner}}`;
    const dot = inner.indexOf('.');
    if (dot > 0 && !inner.startsWith('AWS::') && !this.template.parameterNamed.has(inner))
      return this.attribute(node, inner.slice(0, dot), inner.slice(dot + 1), src);
    const v = this.ref(node, inner, src);
    if (v === NO_VALUE) throw this.error(node, `\`${src}\` is AWS::NoValue`);
    return v;
  }

  private join(node: CfnNode, arg: CfnNode): Resolved {
    const [delimiterNode, listNode] = this.args(arg, 2, 'Fn::Join');
    const delimiter = this.value(delimiterNode);
    const list = this.value(listNode);
    if (delimiter.kind === 'unknown' || list.kind === 'unknown')
      return unknownFrom(this.source(node), [delimiter, list].filter(isUnknown), node.start);
    if (list.kind !== 'list') throw this.error(listNode, '`Fn::Join` needs a list');
    const separator = this.text(delimiterNode, delimiter);
    const pieces: (string | Unknown)[] = [];
    list.items.forEach((item, i) => {
      if (i > 0) pieces.push(separator);
      pieces.push(item.kind === 'unknown' ? item : this.text(listNode, item));
    });
    return this.assemble(node, pieces);
  }

  private select(node: CfnNode, arg: CfnNode): Resolved {
    const [indexNode, listNode] = this.args(arg, 2, 'Fn::Select');
    const index = this.value(indexNode);
    const list = this.value(listNode);
    if (index.kind === 'unknown' || list.kind === 'unknown')
      return unknownFrom(this.source(node), [index, list].filter(isUnknown), node.start);
    const i = Number(this.text(indexNode, index));
    if (list.kind !== 'list') throw this.error(listNode, '`Fn::Select` needs a list');
    const item = list.items[i];
    if (!Number.isInteger(i) || !item)
      throw this.error(indexNode, `\`Fn::Select\` index ${i} is out of the list`);
    return item;
  }

  private split(node: CfnNode, arg: CfnNode): Resolved {
    const [delimiterNode, stringNode] = this.args(arg, 2, 'Fn::Split');
    const delimiter = this.value(delimiterNode);
    const text = this.value(stringNode);
    if (delimiter.kind === 'unknown' || text.kind === 'unknown')
      return unknownFrom(this.source(node), [delimiter, text].filter(isUnknown), node.start);
    const parts = this.text(stringNode, text).split(this.text(delimiterNode, delimiter));
    return {
      kind: 'list',
      items: parts.map((value) => ({ kind: 'known', value, at: text.at })),
      at: node.start,
    };
  }

  private findInMap(node: CfnNode, arg: CfnNode): Resolved {
    const [mapNode, topNode, secondNode, fallback] = this.args(arg, 3, 'Fn::FindInMap', 4) as [
      CfnNode,
      CfnNode,
      CfnNode,
      CfnNode?,
    ];
    const keys = [mapNode, topNode, secondNode].map((k) => this.value(k));
    const unknowns = keys.filter(isUnknown);
    if (unknowns.length) return unknownFrom(this.source(node), unknowns, node.start);
    const [mapName, top, second] = keys.map((k, i) =>
      this.text([mapNode, topNode, secondNode][i] ?? node, k),
    );
    // `DefaultValue` (AWS::LanguageExtensions) applies when the keys are not in the mapping.
    const value =
      entry(entry(entry(this.template.mappings, mapName ?? ''), top ?? ''), second ?? '') ??
      entry(fallback, 'DefaultValue');
    // The value is written in Mappings; the role shows it where it looks it up.
    if (value) return relocate(this.value(value), node.start);
    return unknown(this.source(node), `no entry ${top}/${second} in mapping ${mapName}`, node.start);
  }

  /** Joins pieces into a string, or an unknown that quotes the whole expression. */
  private assemble(node: CfnNode, pieces: (string | Unknown)[]): Resolved {
    const unknowns = pieces.filter(isUnknown);
    if (!unknowns.length) return { kind: 'known', value: pieces.join(''), at: node.start };
    const arn = providerArnWithOwnAccount(pieces.map((p) => (typeof p === 'string' ? p : undefined)));
    if (arn !== undefined) return { kind: 'known', value: arn, at: node.start };
    return unknownFrom(this.source(node), unknowns, node.start);
  }

  /** A known scalar as text, as CloudFormation joins it. */
  private text(node: CfnNode, v: Resolved): string {
    if (v.kind !== 'known' || v.value === null) throw this.error(node, 'a string is needed here');
    return String(v.value);
  }

  private name(node: CfnNode, fn: string): string {
    const text = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
    if (text === undefined) throw this.error(node, `\`${fn}\` needs a name`);
    return text;
  }

  /** The arguments of a function, checked to be `count` (to `most`) of them: at least two. */
  private args(node: CfnNode, count: number, fn: string, most = count): [CfnNode, CfnNode, ...CfnNode[]] {
    if (node.kind !== 'seq' || node.items.length < count || node.items.length > most)
      throw this.error(
        node,
        `\`${fn}\` needs a list of ${count === most ? count : `${count} to ${most}`} values`,
      );
    return node.items as [CfnNode, CfnNode, ...CfnNode[]];
  }
}

function relocate(v: Resolved, at: number): Resolved {
  if (v.kind === 'list') return { ...v, at, items: v.items.map((i) => relocate(i, at)) };
  if (v.kind === 'object') return { ...v, at, entries: v.entries.map(([k, i]) => [k, relocate(i, at)]) };
  return { ...v, at };
}

function isUnknown(v: Resolved | string): v is Unknown {
  return typeof v !== 'string' && v.kind === 'unknown';
}
