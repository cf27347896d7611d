import { isGitHubProvider, isStsGitHubClaim } from '../github/claims.js';
import { contextKind, formatSubject, parseSubject, type SubjectParts } from '../github/subject.js';
import { type GitHubSettings, templateFor } from '../github/templates.js';
import { admits, clauseHoldsFor, requestValue } from './admits.js';
import { keyTarget, statementApplies } from './applies.js';
import type { ConditionClause, PolicyDocument, Statement, Token } from './model.js';
import { clausePatterns, operatorInfo } from './operators.js';
import { compilePattern, matchPattern } from './pattern.js';

export interface ConditionExplanation {
  operator: string;
  key: string;
  values: string[];
  /** The token's value for the key, or null when the request does not carry it. */
  requestValue: string | null;
  holds: boolean;
  /** Why it failed, in the words of someone debugging a failing configure-aws-credentials step. */
  diagnosis?: string[];
}

export interface StatementExplanation {
  index: number;
  sid?: string;
  effect: Statement['effect'];
  applies: boolean;
  /** Why the statement does not apply to this token at all (principal or action). */
  notApplicable?: string;
  matched: boolean;
  conditions: ConditionExplanation[];
}

export interface Explanation {
  admitted: boolean;
  reasons: string[];
  statements: StatementExplanation[];
  /** What else the answer means, such as other runs that get in the same way; absent when there is nothing to add. */
  notes?: string[];
}

export interface ExplainOptions {
  /** Declared customized subjects (config `github.subjectTemplates`), named when a subject does not match. */
  github?: GitHubSettings;
}

function label(s: Statement): string {
  return `statement ${s.index}${s.sid ? ` (${s.sid})` : ''}`;
}

/** Why IAM would admit or refuse this token, statement by statement and condition by condition. */
export function explain(policy: PolicyDocument, token: Token, options: ExplainOptions = {}): Explanation {
  const provider = token.provider.toLowerCase();
  const statements = policy.statements.map((s): StatementExplanation => {
    const applies = statementApplies(s, provider);
    const conditions = s.conditions.map((c) => explainClause(c, token, policy.version, options));
    const base: StatementExplanation = {
      index: s.index,
      effect: s.effect,
      applies,
      matched: applies && conditions.every((c) => c.holds),
      conditions,
      ...(s.sid ? { sid: s.sid } : {}),
    };
    if (!applies) base.notApplicable = whyNotApplicable(s, provider);
    return base;
  });
  const denied = statements.filter((s) => s.matched && s.effect === 'Deny');
  const allowed = statements.filter((s) => s.matched && s.effect === 'Allow');
  const reasons: string[] = [];
  const byIndex = (e: StatementExplanation) => policy.statements[e.index] as Statement;
  if (denied.length > 0) {
    for (const d of denied)
      reasons.push(`${label(byIndex(d))} denies this token, and an explicit Deny always wins`);
  } else if (allowed.length > 0) {
    for (const a of allowed) reasons.push(`${label(byIndex(a))} allows this token: every condition holds`);
  } else {
    const candidates = statements.filter((s) => s.effect === 'Allow');
    if (candidates.length === 0) reasons.push('the policy has no Allow statement');
    for (const s of candidates) {
      if (!s.applies) {
        reasons.push(`${label(byIndex(s))} does not apply: ${s.notApplicable}`);
        continue;
      }
      for (const c of s.conditions.filter((x) => !x.holds)) {
        const detail = c.diagnosis?.length ? c.diagnosis.join('; ') : 'the value does not match';
        reasons.push(`${label(byIndex(s))}: ${c.operator} on ${c.key} fails — ${detail}`);
      }
    }
  }
  const admitted = denied.length === 0 && allowed.length > 0;
  const notes = admitted ? forkTriggeredRuns(policy, token) : [];
  return { admitted, reasons, statements, ...(notes.length > 0 ? { notes } : {}) };
}

/**
 * pull_request_target and workflow_run runs use the base repository's workflow and privileges even when
 * a pull request from a fork triggers them, and GitHub does not document their subject: it may be
 * `…:pull_request` or the default branch's ref form. A role reachable with either is reachable from them.
 */
function forkTriggeredRuns(policy: PolicyDocument, token: Token): string[] {
  if (!isGitHubProvider(token.provider)) return [];
  const parts = parseSubject(token.claims.sub ?? '');
  if (!parts) return [];
  const kind = contextKind(parts.context);
  const runs =
    "pull_request_target and workflow_run runs, which a pull request from a fork can trigger, run with the base repository's privileges, and GitHub does not document their subject";
  const pullRequest = formatSubject({ ...parts, context: 'pull_request' });
  if (kind === 'pull_request') {
    return [
      `${runs}: it may be this "${pullRequest}" (or the default branch's ref form), so such runs can assume this role`,
    ];
  }
  if (kind !== 'branch') return [];
  // Git ref names never contain ':', so the branch ends at the first one (a customized subject goes on).
  const branch = parts.context.slice('ref:refs/heads/'.length).split(':')[0];
  const alsoPullRequest = admits(policy, { ...token, claims: { ...token.claims, sub: pullRequest } })
    ? `; this policy admits "${pullRequest}" as well`
    : '';
  return [
    `${runs}: it may be "${pullRequest}" or the default branch's ref form, so if ${branch} is the default branch of ${parts.owner}/${parts.repo}, such runs can assume this role${alsoPullRequest}`,
  ];
}

function whyNotApplicable(s: Statement, provider: string): string {
  const federated = s.principal && s.principal !== '*' ? (s.principal.Federated ?? []) : [];
  if (
    s.principal &&
    s.principal !== '*' &&
    !statementApplies({ ...s, action: ['*'], notAction: undefined }, provider)
  ) {
    return federated.length > 0
      ? `its principal trusts ${federated.join(', ')}, not the provider ${provider}`
      : `its principal (${Object.keys(s.principal).join(', ')}) is not a web identity provider`;
  }
  return 'its Action does not include sts:AssumeRoleWithWebIdentity';
}

function explainClause(
  clause: ConditionClause,
  token: Token,
  version: string | undefined,
  options: ExplainOptions,
): ConditionExplanation {
  const value = requestValue(token, clause.key);
  const holds = clauseHoldsFor(clause, token, version);
  const out: ConditionExplanation = {
    operator: clause.operator,
    key: clause.key,
    values: clause.values,
    requestValue: value ?? null,
    holds,
  };
  if (!holds) out.diagnosis = diagnose(clause, token, value, version, options);
  return out;
}

function diagnose(
  clause: ConditionClause,
  token: Token,
  value: string | undefined,
  version: string | undefined,
  options: ExplainOptions,
): string[] {
  const notes: string[] = [];
  const target = keyTarget(clause.key, token.provider.toLowerCase());
  const info = operatorInfo(clause.base);
  if (!info) return [`"${clause.operator}" is not an IAM condition operator`];
  if (value === undefined) {
    if (target.kind === 'claim' && isGitHubProvider(token.provider) && !isStsGitHubClaim(target.claim)) {
      notes.push(
        `STS does not pass the claim "${target.claim}" as a condition key, so the key is always absent`,
      );
    } else if (target.kind === 'foreign') {
      notes.push(
        `the key belongs to another identity provider than ${token.provider}, so it is absent from this request`,
      );
    } else notes.push(`the token carries no "${clause.key}" value`);
    if (clause.setQualifier === 'ForAnyValue') notes.push('ForAnyValue is false when the key is absent');
    return notes;
  }
  if (info.negated) {
    const hit = clause.values.find((_, i) =>
      matchPattern(clausePatterns(clause, version)[i] as never, value),
    );
    return [`${clause.base} refuses "${value}" because it matches "${hit}"`];
  }
  const patterns = clausePatterns(clause, version);
  for (const [i, pattern] of patterns.entries()) {
    const written = clause.values[i] as string;
    const folded = compilePattern(written, {
      wildcards: info.wildcards,
      ignoreCase: true,
      variables: version === '2012-10-17',
    });
    if (!info.ignoreCase && matchPattern(folded, value)) {
      notes.push(
        `"${value}" differs from "${written}" only in letter case — ${clause.base} is case-sensitive`,
      );
      continue;
    }
    if (!info.wildcards && /[*?]/.test(written)) {
      const glob = compilePattern(written, {
        wildcards: true,
        ignoreCase: info.ignoreCase,
        variables: false,
      });
      if (matchPattern(glob, value)) {
        notes.push(`"${written}" would match with StringLike, but ${clause.base} compares * and ? literally`);
        continue;
      }
    }
    if (!pattern.satisfiable) {
      const missing = pattern.variables.filter((key) => requestValue(token, key) === undefined);
      notes.push(
        missing.length > 0
          ? `"${written}" uses the policy variable \${${missing[0]}}, which this request does not carry, so AWS ignores the statement`
          : `"${written}" uses policy variables; with their values filled in it still does not match`,
      );
    }
  }
  if (target.kind === 'claim' && target.claim === 'sub')
    notes.push(...subjectDiagnosis(clause.values, value, options));
  if (target.kind === 'claim' && target.claim === 'aud') {
    notes.push(
      `the token's audience is "${value}", the policy expects ${clause.values.map((v) => `"${v}"`).join(' or ')} — configure-aws-credentials requests "sts.amazonaws.com" unless its audience input says otherwise`,
    );
  }
  return notes.length > 0
    ? notes
    : [`"${value}" matches none of ${clause.values.map((v) => `"${v}"`).join(', ')}`];
}

/** Explains the usual ways a GitHub subject differs from what a trust policy expects. */
function subjectDiagnosis(values: string[], sub: string, options: ExplainOptions): string[] {
  const notes: string[] = [];
  const actual = parseSubject(sub);
  if (!actual)
    return [`"${sub}" is a customized subject (include_claim_keys); the policy values expect another shape`];
  const template = templateFor(options.github?.subjectTemplates, actual.owner, actual.repo);
  if (template && template.join() !== 'repo,context') {
    notes.push(
      `${actual.owner}/${actual.repo} is declared with the customized subject template ${template.join(', ')} (github.subjectTemplates): its tokens carry a sub of that shape, not "${sub}"`,
    );
  }
  const kind = contextKind(actual.context);
  const expectedKinds = values.map((written) =>
    parseSubject(written.replace(/\*/g, 'x'))
      ? contextKind(written.slice(written.indexOf(':', written.indexOf('/')) + 1))
      : undefined,
  );
  // When the policy names environments, the fix is the right environment, never leaving the environment.
  const wantsEnvironment = expectedKinds.includes('environment');
  const otherEnvironments: string[] = [];
  for (const [i, written] of values.entries()) {
    const expectedKind = expectedKinds[i];
    if (expectedKind === undefined) continue;
    if (kind === 'environment' && expectedKind === 'environment') {
      const expected = parseSubject(written.replace(/\*/g, 'x')) as SubjectParts;
      if (sameRepository(expected, actual)) otherEnvironments.push(`"${written}"`);
    } else if (kind === 'environment' && expectedKind !== 'other' && !wantsEnvironment) {
      notes.push(
        `the job runs in environment "${environmentOf(actual)}", so the token's sub is "${sub}", not a ref:… subject — allow "repo:${actual.owner}/${actual.repo}:${actual.context}" or drop the job's environment`,
      );
    } else if (kind === 'pull_request' && expectedKind === 'branch') {
      notes.push(`pull_request runs get the sub "…:pull_request", never "…:ref:refs/heads/…"`);
    } else if (kind === 'branch' && expectedKind === 'environment') {
      notes.push(
        `the job has no environment, so the token's sub is "${sub}"; add "environment:" to the job or allow the ref`,
      );
    }
    const actualImmutable = actual.ownerId !== undefined;
    const expectedImmutable = /^repo:[^/]*@/.test(written);
    if (actualImmutable && !expectedImmutable) {
      notes.push(
        `the repository uses immutable subjects ("${actual.owner}@${actual.ownerId}/${actual.repo}@${actual.repoId}"); name-only patterns like "${written}" no longer match`,
      );
    } else if (!actualImmutable && expectedImmutable) {
      notes.push(
        `the policy expects the immutable OWNER@ID/REPO@ID form, but this repository sends "${sub}"`,
      );
    }
  }
  if (otherEnvironments.length > 0) {
    notes.unshift(
      `the job runs in environment "${environmentOf(actual)}", and the policy's environment subjects for this repository are ${otherEnvironments.join(', ')} — run the job in one of those environments, or allow "${sub}"`,
    );
  }
  return [...new Set(notes)];
}

function environmentOf(parts: SubjectParts): string {
  return parts.context.slice('environment:'.length);
}

function sameRepository(a: SubjectParts, b: SubjectParts): boolean {
  return `${a.owner}/${a.repo}`.toLowerCase() === `${b.owner}/${b.repo}`.toLowerCase();
}
