/**
 * fast-check arbitraries for realistic-but-adversarial GitHub trust policies, mutations of them, and
 * tokens near them.
 *
 * Constructs never generated, because iam-simulate (the oracle) disagrees with DESIGN.md on them, or
 * DESIGN.md does not say what IAM does (each is pinned in iam-oracle.test.ts):
 * - `${*}` `${?}` `${$}` under StringEquals/StringNotEquals/...IgnoreCase: iam-simulate reads the
 *   4-character text. Escapes appear only under StringLike/StringNotLike (sanitizeValue enforces it).
 * - escapes under a Version other than 2012-10-17: iam-simulate interprets them anyway
 *   (renderPolicy forces 2012-10-17 when a value contains `${`).
 * - any other `${...}` policy variable (unresolvable ones make iam-simulate's negated operators false;
 *   resolvable ones like `${token.actions.githubusercontent.com:aud}` are not modelled by the engine).
 * - `ForAnyValue:` with `...IfExists`: iam-simulate is false on an absent key, DESIGN says true.
 * - line terminators and characters outside the BMP: iam-simulate's `*` stops at `\n`, its `?` is one
 *   UTF-16 unit. The alphabet is printable ASCII.
 * - ArnLike/ArnEquals on claim keys: iam-simulate never matches a non-ARN value.
 * - `AWS` principals of the oracle's own account (123456789012): iam-simulate matches them to the OIDC
 *   provider's ARN, which IAM does not; other accounts, roles, users, services and SAML providers are
 *   generated (principal-arbitraries.ts). A bare string Principal other than `*`, and NotPrincipal:
 *   DESIGN.md only speaks of Federated and `*`.
 * - a Federated ARN in other letter case: iam-simulate compares it exactly; DESIGN.md is silent.
 * - operator names in non-canonical case, empty value lists: unspecified.
 */
import fc from 'fast-check';
import { claimValueArb } from './github-arbitraries.js';
import { GITHUB_PROVIDER, providerArn } from './iam-oracle.js';
import { applyEdit, editArb, patternArb } from './patterns.js';
import {
  type ActionSpec,
  type ClauseSpec,
  claimOf,
  githubArn,
  isWildcardOperator,
  type PolicySpec,
  SLUG_PROVIDER,
  type StatementSpec,
  slugArn,
  VERSION,
} from './policy-spec.js';
import { CONTEXT_KEYS, contextValueArb, otherPrincipalArb } from './principal-arbitraries.js';

const weighted = <T>(pairs: [T, number][]) =>
  fc.oneof(...pairs.map(([value, weight]) => ({ weight, arbitrary: fc.constant(value) })));

/** Operators on string claims, weighted toward what trust policies really use. */
export const OPERATORS: [string, number][] = [
  ['StringLike', 8],
  ['StringEquals', 6],
  ['StringNotLike', 2],
  ['StringNotEquals', 1],
  ['StringEqualsIgnoreCase', 1],
  ['StringNotEqualsIgnoreCase', 1],
  ['StringLikeIfExists', 1],
  ['StringEqualsIfExists', 1],
  ['StringNotLikeIfExists', 1],
  ['ForAnyValue:StringLike', 1],
  ['ForAnyValue:StringEquals', 1],
  ['ForAnyValue:StringNotLike', 1],
  ['ForAllValues:StringLike', 1],
  ['ForAllValues:StringEquals', 1],
  ['ForAllValues:StringNotEquals', 1],
  ['ForAllValues:StringLikeIfExists', 1],
  ['Null', 1],
];
export const operatorArb = weighted(OPERATORS);

export const CLAIMS: [string, number][] = [
  ['sub', 8],
  ['aud', 3],
  ['repository', 1],
  ['job_workflow_ref', 1],
];

/** Key spellings: the GitHub prefix, the GHEC slug prefix, and mixed case (key names are case-insensitive). */
const claimKeyArb = fc
  .tuple(
    weighted(CLAIMS),
    weighted<string>([
      [GITHUB_PROVIDER, 8],
      [SLUG_PROVIDER, 1],
    ]),
    fc.nat(9),
  )
  .map(([claim, provider, spelling]) => {
    if (spelling === 0) return `${provider.toUpperCase()}:${claim}`;
    if (spelling === 1)
      return `Token.Actions.GitHubUserContent.com${provider.slice(GITHUB_PROVIDER.length)}:${claim.toUpperCase()}`;
    return `${provider}:${claim}`;
  });

/** Claim keys mostly; sometimes a request context key that restricts other principals. */
const keyArb = fc.oneof(
  { weight: 10, arbitrary: claimKeyArb },
  { weight: 2, arbitrary: fc.constantFrom(...CONTEXT_KEYS) },
);

export function valuesFor(operator: string, key: string): fc.Arbitrary<string[]> {
  if (operator === 'Null') return fc.constantFrom('true', 'false').map((v) => [v]);
  const text = CONTEXT_KEYS.includes(key) ? contextValueArb(key) : claimValueArb(claimOf(key));
  // Exact operators get exact values mostly, but sometimes a stray `*` (the literal-wildcard bug).
  const value = isWildcardOperator(operator)
    ? patternArb(text)
    : fc.oneof({ weight: 4, arbitrary: text }, patternArb(text));
  return fc.array(value, { minLength: 1, maxLength: 3 });
}

export const clauseArb: fc.Arbitrary<ClauseSpec> = fc
  .tuple(operatorArb, keyArb, fc.boolean())
  .chain(([operator, key, bare]) =>
    valuesFor(operator, key).map((values) => ({ operator, key, values, bare })),
  );

export const principalArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ Federated: githubArn }) },
  { weight: 1, arbitrary: fc.constant('*') },
  { weight: 1, arbitrary: fc.constant({ Federated: [providerArn('accounts.google.com'), githubArn] }) },
  { weight: 1, arbitrary: fc.constant({ Federated: slugArn }) },
  { weight: 1, arbitrary: fc.constant({ Federated: providerArn('accounts.google.com') }) },
  { weight: 1, arbitrary: fc.constant({ Service: 'ec2.amazonaws.com' }) },
  { weight: 3, arbitrary: otherPrincipalArb },
);

export const actionArb: fc.Arbitrary<ActionSpec> = weighted<ActionSpec>([
  [{ Action: 'sts:AssumeRoleWithWebIdentity' }, 8],
  [{ Action: ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession'] }, 1],
  [{ Action: 'sts:*' }, 1],
  [{ Action: '*' }, 1],
  [{ Action: 'sts:AssumeRoleWith*' }, 1],
  [{ Action: 'sts:assumerolewithwebidentity' }, 1],
  [{ Action: 'sts:AssumeRole' }, 2],
  [{ Action: ['sts:AssumeRole', 'sts:TagSession'] }, 1],
  [{ Action: 'sts:AssumeRoleWithSAML' }, 1],
  [{ Action: 'sts:TagSession' }, 1],
  [{ NotAction: 'sts:AssumeRole' }, 1],
  [{ NotAction: ['sts:TagSession'] }, 1],
  [{ NotAction: 'sts:*' }, 1],
]);

export const statementArb = (effect: fc.Arbitrary<'Allow' | 'Deny'>): fc.Arbitrary<StatementSpec> =>
  fc
    .record({
      sid: fc.option(fc.constantFrom('GitHub', 'Deploy'), { freq: 3, nil: undefined }),
      effect,
      principal: principalArb,
      action: actionArb,
      clauses: fc.array(clauseArb, { minLength: 0, maxLength: 3 }),
    })
    .map(({ sid, ...rest }) => (sid === undefined ? rest : { sid, ...rest }));

const effectArb = weighted<'Allow' | 'Deny'>([
  ['Allow', 3],
  ['Deny', 1],
]);

/** 1–3 statements, the first an Allow (a trust policy with only Denies admits nothing and teaches little). */
export const policySpecArb: fc.Arbitrary<PolicySpec> = fc
  .tuple(
    statementArb(fc.constant('Allow')),
    fc.array(statementArb(effectArb), { maxLength: 2 }),
    weighted<string | undefined>([
      [VERSION, 8],
      [undefined, 1],
      ['2008-10-17', 1],
    ]),
    fc.boolean(),
  )
  .map(([first, rest, version, bareStatement]) => ({
    ...(version === undefined ? {} : { version }),
    statements: [first, ...rest],
    bareStatement,
  }));

// --- Mutations, for compare: a policy next to a slightly different one -----------------------------

type Mutation = (spec: PolicySpec) => fc.Arbitrary<PolicySpec>;

const withStatement = (spec: PolicySpec, i: number, s: StatementSpec | undefined): PolicySpec => {
  const statements = [...spec.statements];
  if (s === undefined) statements.splice(i, 1);
  else statements[i] = s;
  return { ...spec, statements };
};

/** Picks a statement, then a clause in it, and replaces that clause with what `f` makes of it. */
function onClause(f: (c: ClauseSpec) => fc.Arbitrary<ClauseSpec | undefined>): Mutation {
  return (spec) =>
    fc.tuple(fc.nat(), fc.nat()).chain(([si, ci]) => {
      const i = si % spec.statements.length;
      const s = spec.statements[i] as StatementSpec;
      if (s.clauses.length === 0) return fc.constant(spec);
      const j = ci % s.clauses.length;
      return f(s.clauses[j] as ClauseSpec).map((c) => {
        const clauses = [...s.clauses];
        if (c === undefined) clauses.splice(j, 1);
        else clauses[j] = c;
        return withStatement(spec, i, { ...s, clauses });
      });
    });
}

/** Picks a value of a clause and edits it: wildcard in (wider), text for a wildcard (narrower), case... */
const editValue = onClause((c) =>
  c.operator === 'Null'
    ? fc.constant({ ...c, values: [c.values[0] === 'true' ? 'false' : 'true'] })
    : fc.tuple(fc.nat(), editArb).map(([k, edit]) => {
        const values = [...c.values];
        const j = k % values.length;
        values[j] = applyEdit(values[j] as string, edit);
        return { ...c, values };
      }),
);

/** Replaces the first `*` of a value by text: the typical narrowing. */
const fillStar = onClause((c) =>
  fc
    .constantFrom('acme', 'main', 'app', '')
    .map((text) => ({ ...c, values: c.values.map((v) => v.replace('*', text)) })),
);

const addValue = onClause((c) =>
  valuesFor(c.operator, c.key).map((more) => ({
    ...c,
    values: c.operator === 'Null' ? more : [...c.values, ...more],
  })),
);

const dropValue = onClause((c) =>
  fc
    .nat()
    .map((k) =>
      c.values.length < 2 ? c : { ...c, values: c.values.filter((_, j) => j !== k % c.values.length) },
    ),
);

const changeOperator = onClause((c) =>
  operatorArb.chain((operator) =>
    (operator === 'Null') === (c.operator === 'Null')
      ? fc.constant({ ...c, operator })
      : valuesFor(operator, c.key).map((values) => ({ ...c, operator, values })),
  ),
);

const dropClause = onClause(() => fc.constant(undefined));

const addClause: Mutation = (spec) =>
  fc.tuple(fc.nat(), clauseArb).map(([si, clause]) => {
    const i = si % spec.statements.length;
    const s = spec.statements[i] as StatementSpec;
    return withStatement(spec, i, { ...s, clauses: [...s.clauses, clause] });
  });

const addStatement: Mutation = (spec) =>
  statementArb(effectArb).map((s) => ({ ...spec, statements: [...spec.statements, s] }));

const dropStatement: Mutation = (spec) =>
  fc
    .nat()
    .map((k) =>
      spec.statements.length < 2 ? spec : withStatement(spec, k % spec.statements.length, undefined),
    );

const changeHead: Mutation = (spec) =>
  fc
    .tuple(fc.nat(), principalArb, actionArb, effectArb, fc.nat(2))
    .map(([si, principal, action, effect, what]) => {
      const i = si % spec.statements.length;
      const s = spec.statements[i] as StatementSpec;
      const changed = what === 0 ? { ...s, principal } : what === 1 ? { ...s, action } : { ...s, effect };
      return withStatement(spec, i, changed);
    });

const MUTATIONS: [Mutation, number][] = [
  [editValue, 6],
  [fillStar, 2],
  [addValue, 2],
  [dropValue, 2],
  [changeOperator, 3],
  [dropClause, 2],
  [addClause, 2],
  [addStatement, 1],
  [dropStatement, 1],
  [changeHead, 2],
];

/** One mutation of `spec`. */
export function mutationArb(spec: PolicySpec): fc.Arbitrary<PolicySpec> {
  return fc.oneof(...MUTATIONS.map(([m, weight]) => ({ weight, arbitrary: m(spec) })));
}

/** 1–2 mutations in a row. */
export function mutatedArb(spec: PolicySpec): fc.Arbitrary<PolicySpec> {
  return mutationArb(spec).chain((once) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(once) }, mutationArb(once)),
  );
}

/** Pairs of policies to compare: mostly a policy and a mutation of it (either way round), sometimes unrelated or identical. */
export const policyPairArb: fc.Arbitrary<[PolicySpec, PolicySpec]> = fc.oneof(
  {
    weight: 8,
    arbitrary: policySpecArb.chain((a) => mutatedArb(a).map((b): [PolicySpec, PolicySpec] => [a, b])),
  },
  { weight: 1, arbitrary: fc.tuple(policySpecArb, policySpecArb) },
  { weight: 1, arbitrary: policySpecArb.map((a): [PolicySpec, PolicySpec] => [a, a]) },
);
