import {
  alt,
  chars,
  compile,
  type Dfa,
  layer,
  lit,
  plus,
  type Re,
  seq,
  star,
  tagged,
  tagsAlong,
} from '../policy/regular.js';

/**
 * The strings GitHub can put in each token claim, as regular languages. A claim's domain comes in tiers
 * from most to least typical; the search for witnesses tries them in order so that a witness looks
 * like a real token (`repo:some-org/app:ref:refs/heads/main`) whenever one exists.
 */
export const OWNER_TAG = 1;
/** Marks the `pull_request` context, so that a search can tell pull-request subjects apart. */
export const PULL_REQUEST_TAG = 2;

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const NAME_CH = (c: string) => isAlnum(c) || c === '-';
const REPO_CH = (c: string) => isAlnum(c) || c === '-' || c === '.' || c === '_';
const DIGIT = (c: string) => c >= '0' && c <= '9';
const ANY = (_c: string) => true;
/** A `:` inside a claim value is sent as `%3A`, so values never contain a raw colon. */
const VALUE_CH = (c: string) => c !== ':';

const owner = plus(tagged(OWNER_TAG, NAME_CH));
const name = plus(chars(NAME_CH));
const repo = plus(chars(REPO_CH));
const digits = plus(chars(DIGIT));
const value = plus(chars(VALUE_CH));
const anything = plus(chars(ANY));

const repoId = alt(
  seq(owner, lit('/'), repo),
  seq(owner, lit('@'), digits, lit('/'), repo, lit('@'), digits),
);
const ref = alt(
  seq(lit('refs/heads/'), value),
  seq(lit('refs/tags/'), value),
  seq(lit('refs/pull/'), digits, lit('/merge')),
);
const pullRequest = seq(
  tagged(PULL_REQUEST_TAG, (c) => c === 'p'),
  lit('ull_request'),
);
const context = alt(seq(lit('environment:'), value), pullRequest, seq(lit('ref:'), ref));
/** `OWNER/REPO/PATH@REF` of the workflow file; its owner is the workflow's, not the caller's. */
const workflowRef = seq(
  name,
  lit('/'),
  repo,
  lit('/'),
  plus(chars((c) => c !== '@' && c !== ':')),
  lit('@'),
  value,
);

const words = (...w: string[]) => alt(...w.map(lit));
/** One `claim:value` element of a customized subject (`include_claim_keys`). */
const subjectPair = alt(
  seq(lit('repo:'), repoId),
  context,
  seq(lit('repository:'), owner, lit('/'), repo),
  seq(lit('repository_owner:'), owner),
  seq(
    words(
      'repository_id',
      'repository_owner_id',
      'actor_id',
      'enterprise_id',
      'run_id',
      'run_number',
      'run_attempt',
      'check_run_id',
    ),
    lit(':'),
    digits,
  ),
  seq(words('job_workflow_ref', 'workflow_ref'), lit(':'), workflowRef),
  seq(lit('ref_type:'), words('branch', 'tag')),
  seq(lit('repository_visibility:'), words('public', 'private', 'internal')),
  seq(lit('runner_environment:'), words('github-hosted', 'self-hosted')),
  seq(
    words(
      'actor',
      'workflow',
      'event_name',
      'head_ref',
      'base_ref',
      'sha',
      'workflow_sha',
      'job_workflow_sha',
      'enterprise',
      'ref_protected',
    ),
    lit(':'),
    value,
  ),
);

const SUBJECT_TIERS: Re[] = [
  seq(lit('repo:'), owner, lit('/'), repo, lit(':ref:refs/heads/'), value),
  seq(lit('repo:'), repoId, lit(':'), context),
  seq(subjectPair, star(seq(lit(':'), subjectPair))),
];

const CLAIM_TIERS: Record<string, Re[]> = {
  sub: SUBJECT_TIERS,
  aud: [lit('sts.amazonaws.com'), anything],
  repository: [seq(owner, lit('/'), repo)],
  repository_id: [digits],
  actor: [name],
  actor_id: [digits],
  enterprise_id: [digits],
  job_workflow_ref: [workflowRef],
  ref: [seq(lit('refs/heads/'), value), ref],
  environment: [value],
  workflow: [anything],
};

/** Every literal character of the grammars gets a class of its own; the rest fall into four classes. */
const GRAMMAR_TEXT =
  'repo:/@refs/heads/tags/pull/merge environment:pull_request repository repository_owner repository_id ' +
  'repository_owner_id actor_id enterprise_id run_id run_number run_attempt check_run_id job_workflow_ref ' +
  'workflow_ref ref_type branch tag repository_visibility public private internal runner_environment ' +
  'github-hosted self-hosted actor workflow event_name head_ref base_ref sha workflow_sha job_workflow_sha ' +
  'enterprise ref_protected sts.amazonaws.com %';
export const GRAMMAR_CHARS: ReadonlySet<string> = new Set([...GRAMMAR_TEXT].filter((c) => c !== ' '));

/** The category of a character no grammar literal mentions. */
export function restCategory(c: string): 'lower' | 'upper' | 'digit' | 'rest' {
  if (c >= 'a' && c <= 'z') return 'lower';
  if (c >= 'A' && c <= 'Z') return 'upper';
  if (DIGIT(c)) return 'digit';
  return 'rest';
}

export const REST_CANDIDATES: Record<ReturnType<typeof restCategory>, string> = {
  lower: 'xzqkjvwybgfhmdlucntpsoarie',
  upper: 'XZQKJVWYBGFHMDLUCNTPSOARIE',
  digit: '7391824650',
  rest: '+~!#,=;$&()[]{}\'"`^|\\<> \t',
};

const grammarClasses = (() => {
  const reps = [...GRAMMAR_CHARS];
  const index = new Map(reps.map((c, i) => [c, i]));
  const restIndex: Record<string, number> = {};
  for (const [category, pool] of Object.entries(REST_CANDIDATES)) {
    const rep = [...pool].find((c) => !GRAMMAR_CHARS.has(c));
    if (rep !== undefined) {
      restIndex[category] = reps.length;
      reps.push(rep);
    }
  }
  const classOf = (c: string) => index.get(c) ?? (restIndex[restCategory(c)] as number);
  return { reps, classOf };
})();

export interface Domain {
  /** States' `tier` says which layer accepts: below `realisticTiers` a GitHub token can carry the value. */
  dfa: Dfa;
  realisticTiers: number;
}

const cache = new Map<string, Domain>();

const compileHere = (re: Re) => compile(re, grammarClasses.reps, grammarClasses.classOf);

/**
 * The values a GitHub token can carry in `claim`, most typical tier first, with any other string as a
 * last, unrealistic tier. Claims not modelled get the plain string domain.
 */
export function claimDomain(claim: string | undefined): Domain {
  const key = claim !== undefined && CLAIM_TIERS[claim] ? claim : '';
  let domain = cache.get(key);
  if (!domain) {
    const tiers = CLAIM_TIERS[key];
    domain = tiers
      ? { dfa: layer([...tiers, anything].map(compileHere)), realisticTiers: tiers.length }
      : { dfa: compileHere(anything), realisticTiers: 1 };
    cache.set(key, domain);
  }
  return domain;
}

/** Whether GitHub issues `sub` for a pull-request run (default or customized subject). */
export function isPullRequestSubject(sub: string): boolean {
  return tagsAlong(claimDomain('sub').dfa, sub)?.has(PULL_REQUEST_TAG) === true;
}
