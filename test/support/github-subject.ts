/**
 * Which tokens GitHub can issue, for the property tests only: a deliberately conservative reading of the
 * subject forms DESIGN.md documents ("GitHub subjects"). Conservative is the safe side: compare's
 * verdicts are about issuable tokens, so a token counted here as a counterexample must really be one.
 * Kept independent of shared/github so a grammar bug there cannot hide a bug in compare.
 */
import type { Token } from '../../shared/policy/model.js';

// GitHub user/org names: letters, digits, single inner hyphens.
const OWNER = '[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*';
// Repository names: letters, digits, `.`, `_`, `-` (`.` and `..` alone are excluded below).
const REPO = '[A-Za-z0-9._-]+';
const ID = '[1-9][0-9]*';
// A git ref name within the conservative character set: `/`-separated segments not starting with `.`;
// `..`, a trailing `.` and a trailing `.lock` are excluded below.
const REF_NAME = '[A-Za-z0-9_-][A-Za-z0-9._-]*(?:/[A-Za-z0-9_-][A-Za-z0-9._-]*)*';
// Environment names; a `:` in a value is sent as `%3A`.
const ENV = '(?:[A-Za-z0-9._-]|%3A)+';
const WORKFLOW = `${OWNER}/${REPO}/\\.github/workflows/[A-Za-z0-9._-]+\\.ya?ml@refs/(?:heads|tags)/${REF_NAME}`;

// Name form, or the immutable form with both ids: never one id without the other.
const REPO_PART = `(?:(?<owner>${OWNER})/(?<repo>${REPO})|(?<idOwner>${OWNER})@${ID}/(?<idRepo>${REPO})@${ID})`;
const CONTEXT = `(?:ref:refs/(?:heads|tags)/(?<ref>${REF_NAME})|environment:${ENV}|pull_request)`;
const SUBJECT = new RegExp(`^repo:${REPO_PART}:${CONTEXT}(?::job_workflow_ref:(?<jwr>${WORKFLOW}))?$`);
const WORKFLOW_REF = new RegExp(`^${WORKFLOW}$`);

const badRefName = (name: string) => name.includes('..') || name.endsWith('.') || name.endsWith('.lock');
const badRepo = (repo: string) => repo === '.' || repo === '..';

export interface SubjectParts {
  /** `OWNER/REPO` as the `repository` claim carries it (no immutable ids). */
  repository: string;
  /** The `job_workflow_ref` a customized subject embeds, if any. */
  jobWorkflowRef?: string;
}

/** The parts of a subject GitHub can issue (default, immutable-id or job_workflow_ref-customized form), else undefined. */
export function parseGithubSubject(sub: string): SubjectParts | undefined {
  const m = SUBJECT.exec(sub);
  const g = m?.groups;
  if (!g) return undefined;
  const owner = g.owner ?? g.idOwner;
  const repo = g.repo ?? g.idRepo;
  if (owner === undefined || repo === undefined || badRepo(repo)) return undefined;
  if (g.ref !== undefined && badRefName(g.ref)) return undefined;
  if (g.jwr !== undefined && !isJobWorkflowRef(g.jwr)) return undefined;
  return { repository: `${owner}/${repo}`, ...(g.jwr !== undefined ? { jobWorkflowRef: g.jwr } : {}) };
}

export const isGithubSubject = (sub: string): boolean => parseGithubSubject(sub) !== undefined;

export function isJobWorkflowRef(value: string): boolean {
  if (!WORKFLOW_REF.test(value)) return false;
  const [path = '', ref = ''] = value.split('@refs/');
  const repo = path.split('/')[1] ?? '';
  return !badRepo(repo) && !badRefName(ref.replace(/^(heads|tags)\//, ''));
}

/**
 * Owner names a policy may be said to name (lower case), read generously from its JSON text: `repo:NAME`,
 * `repository_owner:NAME` and any string value starting `NAME/`. Generous is conservative here: a customized
 * subject of a named owner is not counted as issuable (see isIssuableToken).
 */
export function namedOwners(...policies: object[]): Set<string> {
  const out = new Set<string>();
  for (const policy of policies) {
    const text = JSON.stringify(policy);
    for (const m of text.matchAll(/(?:repo|repository_owner):([A-Za-z0-9-]+)/gi))
      out.add((m[1] as string).toLowerCase());
    for (const m of text.matchAll(/"([A-Za-z0-9-]+)\//g)) out.add((m[1] as string).toLowerCase());
  }
  return out;
}

/**
 * A token GitHub can issue, as far as the properties may assume: it carries `sub` and `aud` (any
 * audience can be requested), and the `repository` and `job_workflow_ref` claims every GitHub token
 * carries, consistent with the subject. Requiring all of them is conservative whichever way the engine
 * models claim presence and correlation. A customized subject (with `job_workflow_ref`) is issuable only
 * to an owner that `named` does not hold: a named owner's template is known (none declared: the default).
 */
export function isIssuableToken(token: Token, named: ReadonlySet<string> = new Set()): boolean {
  const { sub, aud, repository, job_workflow_ref: jwr } = token.claims;
  if (sub === undefined || !aud || repository === undefined || jwr === undefined) return false;
  const parts = parseGithubSubject(sub);
  if (!parts || parts.repository !== repository || !isJobWorkflowRef(jwr)) return false;
  if (parts.jobWorkflowRef === undefined) return true;
  const owner = repository.split('/')[0]?.toLowerCase() ?? '';
  return parts.jobWorkflowRef === jwr && !named.has(owner);
}
