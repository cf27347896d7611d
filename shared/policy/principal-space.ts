import { statementApplies } from './applies.js';
import { OWNER_NONE } from './cells.js';
import type { ConditionClause, PolicyDocument, Principal, Statement, Token } from './model.js';
import { compareOpaque } from './opaque.js';
import { hasVariables, operatorInfo } from './operators.js';
import { matchPattern } from './pattern.js';
import { awsCaller, type Caller, callerValue, isSamlProvider } from './principals.js';
import {
  buildSpace,
  decide,
  globProbe,
  type KeyOption,
  type Space,
  type SpaceOptions,
  searchChoices,
  tokenOf,
} from './space.js';

/**
 * The principals other than web identities that two or more policies can tell apart. An account caller
 * without an ARN stands for every role and user of that account that no session principal names: which
 * one is the value of aws:PrincipalArn, a key of its space. Fresh callers stand for every account,
 * service and SAML provider nobody named, when a wildcard principal (or NotPrincipal) lets them in.
 */
export function principalCallers(policies: PolicyDocument[]): Caller[] {
  const statements = policies.flatMap((p) => p.statements);
  const text = JSON.stringify(policies);
  const partition = partitionOf(text);
  const accounts = new Map<string, string>();
  const out = new Map<string, Caller>();
  const add = (caller: Caller) => out.set(JSON.stringify(caller), caller);
  let anyone = false;
  let anySaml = false;
  for (const s of statements) {
    if (s.notPrincipal) anyone = true;
    for (const principal of [s.principal, s.notPrincipal]) {
      if (principal === '*') anyone = true;
      if (!principal || principal === '*') continue;
      for (const v of principal.AWS ?? []) {
        if (v === '*') {
          anyone = true;
          continue;
        }
        const caller = awsCaller(v);
        if (caller.kind !== 'aws') continue;
        if (caller.account !== undefined) accounts.set(caller.account, caller.partition);
        if (caller.session !== undefined || caller.opaque !== undefined) add(caller);
      }
      for (const v of principal.Service ?? []) if (v !== '*') add({ kind: 'service', name: v });
      for (const v of principal.Federated ?? []) {
        if (v === '*') anySaml = true;
        else if (isSamlProvider(v)) add({ kind: 'saml', arn: v });
      }
    }
  }
  if (anyone) {
    // Accounts only conditions mention matter when a wildcard lets them in.
    for (const m of text.matchAll(/(?<!\d)\d{12}(?!\d)/g))
      if (!accounts.has(m[0])) accounts.set(m[0], partition);
    const account = freshAccount(text);
    accounts.set(account, partition);
    add({ kind: 'service', name: freshLabel(text, 'service', (n) => `${n}.amazonaws.com`) });
  }
  if (anyone || anySaml) {
    // Identity providers live in the role's account: an account that already names one is the role's.
    const home = /:iam::(\d{12}):(?:oidc|saml)-provider\//.exec(text)?.[1] ?? freshAccount(text);
    const name = freshLabel(text, 'idp', (n) => n);
    add({ kind: 'saml', arn: `arn:${partition}:iam::${home}:saml-provider/${name}` });
  }
  for (const [account, p] of accounts) add({ kind: 'aws', account, partition: p });
  return [...out.values()];
}

/** The partition the policies' ARNs are in (`aws`, `aws-cn`, `aws-us-gov`). */
export function partitionOf(text: string): string {
  return /arn:(aws[a-z-]*):/.exec(text)?.[1] ?? 'aws';
}

/** An account id no policy mentions; the AWS documentation's example ids read as "some other account". */
export function freshAccount(text: string): string {
  for (const id of ['111122223333', '444455556666', '777788889999']) if (!text.includes(id)) return id;
  for (let n = 100000000000; ; n += 7919) if (!text.includes(String(n))) return String(n);
}

function freshLabel(text: string, base: string, form: (name: string) => string): string {
  for (let n = 0; ; n++) {
    const name = `some-other-${base}${n === 0 ? '' : n}`;
    if (!text.includes(form(name))) return form(name);
  }
}

const PRINCIPAL_ARN = 'aws:principalarn';

/**
 * For an account caller, a statement naming roles or users of the account applies when
 * aws:PrincipalArn is one of them (what IAM compares for a role's sessions too): the principal becomes
 * a condition on that key. Other statements are left as they are.
 */
function asAccountCondition(statement: Statement, caller: Caller & { kind: 'aws' }): Statement {
  const arnsOf = (p: Principal | undefined) =>
    p && p !== '*'
      ? (p.AWS ?? []).filter((v) => {
          const named = awsCaller(v);
          return (
            named.kind === 'aws' &&
            named.account === caller.account &&
            named.arn !== undefined &&
            named.session === undefined
          );
        })
      : [];
  const named = arnsOf(statement.principal);
  const excluded = arnsOf(statement.notPrincipal);
  if (named.length === 0 && excluded.length === 0) return statement;
  if (statement.principal && statementApplies(statement, '', caller)) return statement;
  const clause = (operator: string, values: string[]): ConditionClause => ({
    operator,
    base: operator,
    ifExists: false,
    key: PRINCIPAL_ARN,
    values,
  });
  const root: Principal = { AWS: [`arn:${caller.partition}:iam::${caller.account}:root`] };
  return {
    ...statement,
    ...(statement.principal ? { principal: named.length > 0 ? root : statement.principal } : {}),
    ...(statement.notPrincipal
      ? { notPrincipal: dropValues(statement.notPrincipal, new Set(excluded)) }
      : {}),
    conditions: [
      ...(named.length > 0 ? [clause('StringEquals', named)] : []),
      ...(excluded.length > 0 ? [clause('StringNotEquals', excluded)] : []),
      ...statement.conditions,
    ],
  };
}

function dropValues(principal: Principal, drop: Set<string>): Principal {
  if (principal === '*') return principal;
  return Object.fromEntries(
    Object.entries(principal).map(([type, vs]) => [type, vs.filter((v) => !drop.has(v))]),
  );
}

export interface CallerSpaceOptions extends SpaceOptions {
  /** Values a key may take beyond what the caller fixes (null: absent), e.g. a fresh organization. */
  pins?: Record<string, (string | null)[]>;
}

/**
 * ARN operators on aws:PrincipalArn as the string patterns they are on the role and user ARNs it takes
 * (whose parts hold no `:`), so they are decided with the principal rather than as independent yes/no.
 */
function arnAsPattern(clause: ConditionClause): ConditionClause {
  if (clause.key.toLowerCase() !== PRINCIPAL_ARN || !clause.base.startsWith('Arn')) return clause;
  const base = clause.base.startsWith('ArnNot') ? 'StringNotLike' : 'StringLike';
  const qualifier = clause.setQualifier ? `${clause.setQualifier}:` : '';
  return { ...clause, base, operator: `${qualifier}${base}${clause.ifExists ? 'IfExists' : ''}` };
}

/** The space of one caller: its statements, with the request context keys the caller fixes pinned. */
export function callerSpace(
  policies: PolicyDocument[],
  caller: Caller,
  options: CallerSpaceOptions = {},
): Space {
  const account = caller.kind === 'aws' && caller.arn === undefined && caller.opaque === undefined;
  const documents = policies.map((p) => ({
    ...p,
    statements: p.statements.map((s) => {
      const statement = account ? asAccountCondition(s, caller) : s;
      return { ...statement, conditions: statement.conditions.map(arnAsPattern) };
    }),
  }));
  const mentionsArn = documents.some((p) =>
    p.statements.some((s) => s.conditions.some((c) => c.key.toLowerCase() === PRINCIPAL_ARN)),
  );
  // The roles and users of the account, as the values aws:PrincipalArn can take (the root user cannot
  // call AssumeRole, and federated users cannot call STS).
  const ownArns =
    account && mentionsArn
      ? globProbe(PRINCIPAL_ARN, [
          `arn:${caller.partition}:iam::${caller.account}:role/?*`,
          `arn:${caller.partition}:iam::${caller.account}:user/?*`,
        ])
      : undefined;
  const probes = [...(options.probes ?? []), ...(ownArns ? [ownArns] : [])];
  const space = buildSpace(documents, '', { ...options, probes, caller });
  const ownAtom = ownArns ? space.probes[probes.length - 1] : undefined;
  for (const key of space.keys) {
    const fixed = callerValue(caller, key.name);
    const pinned = options.pins?.[key.name] ?? (fixed === undefined ? undefined : [fixed]);
    if (pinned) key.options = pinned.flatMap((value) => optionsFor(key, value));
    else if (ownAtom && space.keys[ownAtom.key] === key)
      key.options = key.options.filter((o) => !o.absent && o.cell.bits[ownAtom.atom] === true);
  }
  return space;
}

/** The options of a key held to one value (null: absent); opaque clauses are decided on it where they can be. */
function optionsFor(key: Space['keys'][number], value: string | null): KeyOption[] {
  if (value === null) return [{ absent: true, realistic: true }];
  const cell = {
    bits: key.atoms.map((atom) => atom.some((p) => matchPattern(p, value))),
    value,
    tier: 0,
    owner: OWNER_NONE,
    marked: false,
  };
  let rows: boolean[][] = [[]];
  for (const clause of key.opaque) {
    const known = operatorInfo(clause.base)?.kind === 'opaque' && !hasVariables(clause, '2012-10-17');
    const truths = known ? [clause.values.some((v) => compareOpaque(clause.base, value, v))] : [false, true];
    rows = rows.flatMap((row) => truths.map((t) => [...row, t]));
  }
  return rows.map((opaqueTruth) => ({ absent: false, cell, realistic: true, opaqueTruth }));
}

/** The most typical request the policy (index `policy` of the space) admits, if any. */
export function firstAdmitted(space: Space, policy = 0): Token | undefined {
  let found: Token | undefined;
  searchChoices(
    space,
    (choice) => decide(space, policy, choice),
    (choice) => {
      found = tokenOf(space, choice);
      return false;
    },
  );
  return found;
}
