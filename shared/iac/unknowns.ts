import type { ConditionClause, ParsedPolicy, Statement } from '../policy/model.js';
import { operatorInfo } from '../policy/operators.js';
import { parsePolicy } from '../policy/parse.js';
import { type IacRole, UNKNOWN_MARK, type UnknownValue } from './model.js';

/**
 * What static reading tells about a role's trust policy: the policy itself when every value is known;
 * when some are not, two concrete policies bounding every way they could be resolved (`narrowest`
 * admits no more than any resolution, `widest` no less); nothing when the whole document is unknown.
 */
export type PolicyBounds =
  | { kind: 'known'; parsed: ParsedPolicy }
  | { kind: 'bounded'; narrowest: ParsedPolicy; widest: ParsedPolicy; unknowns: UnknownValue[] }
  | { kind: 'unknown'; unknowns: UnknownValue[] };

const MARK = new RegExp(`${UNKNOWN_MARK}(\\d+)`, 'g');

/** Indices of the unknowns a string holds (a value built from an unknown part is unknown as a whole). */
function marksIn(text: string): number[] {
  return [...text.matchAll(MARK)].map((m) => Number(m[1]));
}

const hasMark = (value: unknown): value is string =>
  typeof value === 'string' && value.includes(UNKNOWN_MARK);

/**
 * A Federated OIDC provider ARN whose unknown part is only the account (`arn:aws:iam::${AWS::AccountId}:
 * oidc-provider/HOST`) still names its provider: the engine reads only the host, and a token can only come
 * through the provider of the role's own account. Such a value is as good as known.
 */
function knownProvider(value: string): boolean {
  const at = value.indexOf(':oidc-provider/');
  return at >= 0 && !value.slice(at).includes(UNKNOWN_MARK);
}

/** What could not be read of one statement, beyond unknown values in lists. */
interface StatementUnknowns {
  /** The Effect is unknown (or the whole statement is). */
  effect: boolean;
  /** Principal or NotPrincipal as a whole. */
  principal: boolean;
  notPrincipal: boolean;
  /** A condition block, operator or key that is unknown: its clauses cannot be rebuilt. */
  conditions: boolean;
}

type Mode = 'least' | 'most';

interface Resolve {
  /** Records that an unknown was resolved (it decides the bounds). */
  note: (text: string) => void;
  keepPlaceholders: boolean;
}

export interface BoundsOptions {
  /**
   * Keep the placeholder of an unknown value of a positive string condition in the narrowest bound (it
   * holds a NUL, so no GitHub token carries it) instead of dropping it: the clause then still has a value,
   * so a rule asking whether the values scope the key is not misled. For the rules; the exact engine
   * (compare) wants the dropped form, since a context key could in principle carry any string.
   */
  keepPlaceholders?: boolean;
}

export function policyBounds(role: IacRole, options: BoundsOptions = {}): PolicyBounds {
  const used = new Set<number>();
  const raw = role.document;
  const statementsRaw = isObject(raw) ? raw.Statement : undefined;
  if (
    raw === undefined ||
    hasMark(raw) ||
    hasMark(statementsRaw) ||
    role.unknowns.some((u) => u.pointer === '')
  ) {
    return { kind: 'unknown', unknowns: role.unknowns };
  }
  if (!containsMark(raw)) return { kind: 'known', parsed: parsePolicy(raw) };
  const note = (text: string) => {
    for (const i of marksIn(text)) used.add(i);
  };
  const list = Array.isArray(statementsRaw) ? statementsRaw : [statementsRaw];
  const facts: StatementUnknowns[] = [];
  const cleaned = list.map((s) => {
    const fact: StatementUnknowns = {
      effect: false,
      principal: false,
      notPrincipal: false,
      conditions: false,
    };
    facts.push(fact);
    if (hasMark(s)) {
      note(s);
      fact.effect = true;
      return { Effect: 'Allow', Principal: '*', Action: '*' };
    }
    if (!isObject(s)) return s;
    const out: Record<string, unknown> = { ...s };
    if (hasMark(out.Effect)) {
      note(out.Effect);
      fact.effect = true;
      out.Effect = 'Allow';
    }
    for (const field of ['Principal', 'NotPrincipal'] as const) {
      if (hasMark(out[field])) {
        note(out[field] as string);
        fact[field === 'Principal' ? 'principal' : 'notPrincipal'] = true;
        out[field] = {};
      }
    }
    if (hasMark(out.Condition)) {
      note(out.Condition);
      fact.conditions = true;
      delete out.Condition;
    } else if (isObject(out.Condition)) {
      const condition: Record<string, unknown> = {};
      for (const [operator, block] of Object.entries(out.Condition)) {
        if (hasMark(operator) || hasMark(block)) {
          note(operator);
          if (typeof block === 'string') note(block);
          fact.conditions = true;
          continue;
        }
        if (!isObject(block)) {
          condition[operator] = block;
          continue;
        }
        const kept: Record<string, unknown> = {};
        for (const [key, values] of Object.entries(block)) {
          if (hasMark(key)) {
            note(key);
            fact.conditions = true;
          } else kept[key] = values;
        }
        condition[operator] = kept;
      }
      out.Condition = condition;
    }
    return out;
  });
  const parsed = parsePolicy({ ...raw, Statement: cleaned });
  const resolve = { note, keepPlaceholders: options.keepPlaceholders === true };
  const bound = (side: 'narrowest' | 'widest'): ParsedPolicy => ({
    issues: parsed.issues,
    document: {
      ...parsed.document,
      statements: parsed.document.statements.map((statement, i) => {
        const fact = facts[i] as StatementUnknowns;
        if (fact.effect) {
          // Either effect is possible: as a Deny that matches most it narrows most, as an Allow it widens most.
          const effect = side === 'narrowest' ? 'Deny' : 'Allow';
          return resolveStatement({ ...statement, effect }, fact, 'most', resolve);
        }
        const admitsMore = (statement.effect === 'Allow') === (side === 'widest');
        return resolveStatement(statement, fact, admitsMore ? 'most' : 'least', resolve);
      }),
    },
  });
  const narrowest = bound('narrowest');
  const widest = bound('widest');
  const unknowns = role.unknowns.filter((_, i) => used.has(i));
  return unknowns.length === 0
    ? { kind: 'known', parsed: narrowest }
    : { kind: 'bounded', narrowest, widest, unknowns };
}

/**
 * The statement with its unknowns resolved so it matches the fewest requests (`least`) or the most
 * (`most`). A statement matches when its principal, action and every condition do, and each of those is
 * monotone in its values: more values in a positive list (Principal, Action, StringLike…) match more,
 * more values in a negative one (NotPrincipal, NotAction, StringNotEquals…) match less.
 */
function resolveStatement(
  statement: Statement,
  fact: StatementUnknowns,
  mode: Mode,
  resolve: Resolve,
): Statement {
  const { note } = resolve;
  const never: Statement = { ...statement, principal: {} };
  delete never.notPrincipal;
  if (mode === 'least' && (fact.principal || fact.conditions)) return never;
  const out: Statement = { ...statement };
  if (fact.principal && mode === 'most') out.principal = '*';
  if (fact.notPrincipal) {
    if (mode === 'least') return never;
    delete out.notPrincipal;
  }
  if (out.principal && out.principal !== '*') {
    const entries = Object.entries(out.principal);
    const unknown = entries.some(([type, values]) =>
      values.some((v) => hasMark(v) && !(type === 'Federated' && knownProvider(v))),
    );
    if (unknown) {
      for (const [, values] of entries) for (const v of values) if (hasMark(v)) note(v);
      out.principal =
        mode === 'most'
          ? '*'
          : Object.fromEntries(
              entries.map(([type, values]) => [
                type,
                values.filter((v) => !hasMark(v) || (type === 'Federated' && knownProvider(v))),
              ]),
            );
    }
  }
  if (out.notPrincipal && out.notPrincipal !== '*' && Object.values(out.notPrincipal).flat().some(hasMark)) {
    for (const v of Object.values(out.notPrincipal).flat()) if (hasMark(v)) note(v);
    if (mode === 'least') return never;
    out.notPrincipal = Object.fromEntries(
      Object.entries(out.notPrincipal).map(([type, values]) => [type, values.filter((v) => !hasMark(v))]),
    );
  }
  if (out.action?.some(hasMark)) {
    for (const v of out.action) if (hasMark(v)) note(v);
    out.action = mode === 'most' ? ['*'] : out.action.filter((v) => !hasMark(v));
  }
  if (out.notAction?.some(hasMark)) {
    for (const v of out.notAction) if (hasMark(v)) note(v);
    if (mode === 'least') return never;
    out.notAction = out.notAction.filter((v) => !hasMark(v));
  }
  out.conditions = statement.conditions.map((clause) => resolveClause(clause, mode, resolve));
  return out;
}

/**
 * A condition with its unknown values resolved. Dropping a value (or keeping its placeholder, which
 * matches nothing) is the least a positive operator can match and the most a negative one can; the other way, a positive operator is bounded by matching any
 * value (`StringLike "*"`, `Null` either way) and a negative one by matching none but an absent key
 * (`StringNotLike "*"`), with the set qualifier and IfExists kept.
 */
function resolveClause(clause: ConditionClause, mode: Mode, resolve: Resolve): ConditionClause {
  if (!clause.values.some(hasMark)) return clause;
  for (const v of clause.values) if (hasMark(v)) resolve.note(v);
  const info = operatorInfo(clause.base);
  // IAM refuses an operator it does not know: the clause never holds, whatever its values.
  if (!info) return clause;
  const drop = (mode === 'least') !== info.negated;
  if (drop && resolve.keepPlaceholders && info.kind === 'string' && !info.negated) return clause;
  if (drop) return { ...clause, values: clause.values.filter((v) => !hasMark(v)) };
  if (info.kind === 'null') return { ...clause, values: ['true', 'false'] };
  const known = clause.values.filter((v) => !hasMark(v));
  // A wildcard operator keeps what is written next to the `*` (a rule may judge those values); others become one.
  if (info.kind === 'string' && info.wildcards) return { ...clause, values: [...known, '*'] };
  const base = info.negated ? 'StringNotLike' : 'StringLike';
  const operator = `${clause.setQualifier ? `${clause.setQualifier}:` : ''}${base}${clause.ifExists ? 'IfExists' : ''}`;
  return { ...clause, operator, base, values: ['*'] };
}

function containsMark(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(UNKNOWN_MARK);
  if (Array.isArray(value)) return value.some(containsMark);
  return isObject(value) && Object.entries(value).some(([k, v]) => hasMark(k) || containsMark(v));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
