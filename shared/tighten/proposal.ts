import { DEFAULT_AUDIENCE, isGitHubProvider } from '../github/claims.js';
import { clauseHoldsFor } from '../policy/admits.js';
import { actionCovers, federatedProvider, keyTarget, WEB_IDENTITY_ACTION } from '../policy/applies.js';
import type { ConditionClause, PolicyDocument, Statement } from '../policy/model.js';
import { hasVariables } from '../policy/operators.js';
import { subjectWorkflow } from './token.js';

/** A statement of the current policy copied into the proposal as it was, and why it was not narrowed. */
export interface KeptStatement {
  index: number;
  sid?: string;
  reason: string;
}

export interface Proposal {
  /** The proposed trust policy, as IAM takes it. */
  document: Record<string, unknown>;
  /** Statements (or the non-GitHub principals of one) copied as they were. */
  kept: KeptStatement[];
  /** GitHub statements left out because no observed subject gets in through them. */
  dropped: KeptStatement[];
}

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The provider path a Federated value names, with its letter case: the condition keys' prefix. */
function providerPath(federated: string): string {
  const marker = ':oidc-provider/';
  const at = federated.indexOf(marker);
  return at >= 0 ? federated.slice(at + marker.length) : federated;
}

const onClaim = (clause: ConditionClause, provider: string, claim: string) => {
  const target = keyTarget(clause.key, provider);
  return target.kind === 'claim' && target.claim === claim;
};

const label = (s: Statement) => `statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;

/**
 * The current trust policy with every GitHub Allow statement narrowed to the subjects that used it:
 * its conditions on `sub` replaced by `StringEquals` on exactly those subjects, an `aud` condition
 * added where there was none, and a `job_workflow_ref` condition where every subject names the same
 * reusable workflow. Every other condition stays, so each new statement admits a subset of what its
 * original admitted. Deny statements and statements of other principals are copied untouched.
 *
 * `subjects` are those the current policy admits (a subject it refuses must not be let in).
 * `stsAdmitted` says whether the current policy admits a token with the subject from the provider and
 * the audience configure-aws-credentials asks for: `aud` is pinned to it only where every subject's is.
 */
export function proposeTrust(
  raw: Json,
  current: PolicyDocument,
  subjects: readonly string[],
  stsAdmitted: (sub: string, provider: string) => boolean,
): Proposal {
  const rawStatements = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  const statements: unknown[] = [];
  const kept: KeptStatement[] = [];
  const dropped: KeptStatement[] = [];
  const keep = (s: Statement, reason: string) => {
    statements.push(rawStatements[s.index]);
    kept.push({ index: s.index, ...(s.sid ? { sid: s.sid } : {}), reason });
  };
  for (const s of current.statements) {
    const original = rawStatements[s.index] as Json;
    const why = notNarrowable(s, current.version);
    if (why) {
      keep(s, why);
      continue;
    }
    const principal = s.principal as Record<string, string[]>;
    const github = (principal.Federated ?? []).filter((v) => isGitHubProvider(federatedProvider(v)));
    let copies = 0;
    for (const federated of github) {
      const provider = federatedProvider(federated);
      const condition = narrowedCondition(
        original.Condition,
        s,
        provider,
        providerPath(federated),
        subjects,
        current.version,
        stsAdmitted,
      );
      if (!condition) {
        dropped.push({
          index: s.index,
          ...(s.sid ? { sid: s.sid } : {}),
          reason: `${label(s)} lets in none of the observed subjects through ${provider}: left out`,
        });
        continue;
      }
      const sid =
        typeof original.Sid === 'string' && copies > 0 ? { Sid: `${original.Sid}${copies + 1}` } : {};
      statements.push({ ...original, ...sid, Principal: { Federated: federated }, Condition: condition });
      copies++;
    }
    const others = otherPrincipals(principal, github);
    if (others) {
      const sid = typeof original.Sid === 'string' && copies > 0 ? { Sid: `${original.Sid}Others` } : {};
      statements.push({ ...original, ...sid, Principal: others });
      kept.push({
        index: s.index,
        ...(s.sid ? { sid: s.sid } : {}),
        reason: `the principals of ${label(s)} other than GitHub, kept as they were`,
      });
    }
  }
  return { document: { ...raw, Statement: statements }, kept, dropped };
}

/**
 * Whether some GitHub Allow statement this can narrow has `sub` conditions the subject passes: what
 * decides whether a subject goes into the proposal.
 */
export function passesSubjectConditions(current: PolicyDocument, sub: string): boolean {
  return current.statements.some((s) => {
    if (notNarrowable(s, current.version)) return false;
    const federated = (s.principal as Record<string, string[]>).Federated ?? [];
    return federated
      .map(federatedProvider)
      .filter(isGitHubProvider)
      .some((provider) =>
        s.conditions
          .filter((c) => onClaim(c, provider, 'sub'))
          .every((c) => clauseHoldsFor(c, { provider, claims: { sub } }, current.version)),
      );
  });
}

/** Why a statement is copied as it is; undefined for a GitHub Allow statement this can narrow. */
function notNarrowable(s: Statement, version: string | undefined): string | undefined {
  if (s.effect === 'Deny') return 'a Deny statement: it only takes away';
  if (!actionCovers(s, WEB_IDENTITY_ACTION)) return 'not a web identity statement';
  if (s.notPrincipal) return 'NotPrincipal admits every principal but those named: narrow it by hand';
  const principal = s.principal;
  if (principal === undefined) return 'names no principal';
  const everyone =
    principal === '*' ||
    Object.entries(principal).some(
      ([type, values]) => (type === 'AWS' || type === 'Federated') && values.includes('*'),
    );
  if (everyone)
    return 'names every principal ("*"): narrowing it would change what other principals get; narrow it by hand';
  const github = (principal.Federated ?? []).filter((v) => isGitHubProvider(federatedProvider(v)));
  if (github.length === 0) return 'not a GitHub statement';
  const variables = s.conditions.some(
    (c) => github.some((v) => onClaim(c, federatedProvider(v), 'sub')) && hasVariables(c, version),
  );
  if (variables) return 'its sub condition uses policy variables: narrow it by hand';
  return undefined;
}

/** The principal without the GitHub providers, or undefined when nothing else is named. */
function otherPrincipals(principal: Record<string, string[]>, github: string[]): Json | undefined {
  const rest: Json = {};
  for (const [type, values] of Object.entries(principal)) {
    const left = type === 'Federated' ? values.filter((v) => !github.includes(v)) : values;
    if (left.length > 0) rest[type] = left.length === 1 ? left[0] : left;
  }
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The statement's condition block for one GitHub provider: its `sub` conditions replaced by the
 * observed subjects they let in, `aud` pinned when nothing restricted it. Undefined when no observed
 * subject passes the statement's `sub` conditions.
 */
function narrowedCondition(
  rawCondition: unknown,
  s: Statement,
  provider: string,
  prefix: string,
  subjects: readonly string[],
  version: string | undefined,
  stsAdmitted: (sub: string, provider: string) => boolean,
): Json | undefined {
  const subClauses = s.conditions.filter((c) => onClaim(c, provider, 'sub'));
  const admitted = [...new Set(subjects)]
    .filter((sub) => subClauses.every((c) => clauseHoldsFor(c, { provider, claims: { sub } }, version)))
    .sort(bySubject);
  if (admitted.length === 0) return undefined;
  const condition: Json = {};
  for (const [operator, block] of Object.entries(isObject(rawCondition) ? rawCondition : {})) {
    if (!isObject(block)) {
      condition[operator] = block;
      continue;
    }
    const rest = Object.fromEntries(
      Object.entries(block).filter(([key]) => {
        const target = keyTarget(key, provider);
        return !(target.kind === 'claim' && target.claim === 'sub');
      }),
    );
    if (Object.keys(rest).length > 0) condition[operator] = rest;
  }
  const equals: Json = isObject(condition.StringEquals) ? { ...condition.StringEquals } : {};
  const unrestricted = !s.conditions.some((c) => onClaim(c, provider, 'aud'));
  if (unrestricted && admitted.every((sub) => stsAdmitted(sub, provider)))
    equals[`${prefix}:aud`] = DEFAULT_AUDIENCE;
  equals[`${prefix}:sub`] = admitted.length === 1 ? admitted[0] : admitted;
  const workflows = new Set(admitted.map(subjectWorkflow));
  const [workflow] = workflows;
  if (
    workflows.size === 1 &&
    workflow !== undefined &&
    !s.conditions.some((c) => onClaim(c, provider, 'job_workflow_ref'))
  )
    equals[`${prefix}:job_workflow_ref`] = workflow;
  condition.StringEquals = equals;
  return condition;
}

/** Subjects of one repository together, in name order. */
function bySubject(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}
