import { type CfnNode, entry } from './nodes.js';
import type { Resolver } from './resolve.js';

/**
 * Evaluates a template's named conditions from parameter defaults and literals. `undefined` when a
 * condition depends on something only the deployment knows; such a condition is then read both ways.
 */
export function conditionValues(resolver: Resolver): (name: string, at: CfnNode) => boolean | undefined {
  const values = new Map<string, boolean | undefined>();
  const evaluating = new Set<string>();
  const plain = resolver.withDecide((name, at) => {
    throw resolver.error(at, `\`Fn::If\` ${name} inside a condition`);
  });

  const named = (name: string, at: CfnNode): boolean | undefined => {
    if (values.has(name)) return values.get(name);
    const definition = entry(resolver.template.conditions, name);
    if (!definition) throw resolver.error(at, `condition ${name} is not defined in Conditions`);
    if (evaluating.has(name)) throw resolver.error(definition, `condition ${name} refers to itself`);
    evaluating.add(name);
    const value = evaluate(definition);
    evaluating.delete(name);
    values.set(name, value);
    return value;
  };

  const evaluate = (node: CfnNode): boolean | undefined => {
    const only = node.kind === 'map' && node.entries.length === 1 ? node.entries[0] : undefined;
    if (!only)
      throw resolver.error(node, 'a condition is one of Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition');
    const args = only.value.kind === 'seq' ? only.value.items : [];
    switch (only.key) {
      case 'Condition':
        if (only.value.kind !== 'scalar') throw resolver.error(only.value, '`Condition` needs a name');
        return named(String(only.value.value), only.value);
      case 'Fn::Not':
        return invert(evaluate(single(node, args)));
      case 'Fn::And':
        return combine(args.map(evaluate), false);
      case 'Fn::Or':
        return combine(args.map(evaluate), true);
      case 'Fn::Equals': {
        if (args.length !== 2) throw resolver.error(node, '`Fn::Equals` needs two values');
        const [a, b] = args.map((v) => plain.value(v));
        if (a?.kind !== 'known' || b?.kind !== 'known') return undefined;
        return String(a.value) === String(b.value);
      }
      default:
        throw resolver.error(node, `\`${only.key}\` is not a condition function`);
    }
  };

  const single = (node: CfnNode, args: CfnNode[]): CfnNode => {
    const [only] = args;
    if (args.length !== 1 || !only) throw resolver.error(node, '`Fn::Not` needs one condition');
    return only;
  };

  return named;
}

function invert(v: boolean | undefined): boolean | undefined {
  return v === undefined ? undefined : !v;
}

/** `Fn::And` (decisive value false) or `Fn::Or` (true): one decisive operand decides, even beside unknowns. */
function combine(values: (boolean | undefined)[], decisive: boolean): boolean | undefined {
  if (values.includes(decisive)) return decisive;
  return values.includes(undefined) ? undefined : !decisive;
}
