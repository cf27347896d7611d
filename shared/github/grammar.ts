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
  tierOf,
} from '../policy/regular.js';
import { type GitHubSettings, TEMPLATE_KEYS } from './templates.js';

/**
 * The strings GitHub can put in each token claim, as regular languages. A claim's domain comes in tiers
 * from most to least typical; the search for witnesses tries them in order so that a witness looks
 * like a real token (`repo:some-org/app:ref:refs/heads/main`) whenever one exists.
 */
export const OWNER_TAG = 1;
/** Marks the rest of the repository in a subject (`/REPO`): with the owner, what the `repository` claim carries. */
export const REPO_TAG = 3;
/** Marks the run's ref inside a `ref:` subject: what the `ref` claim carries. */
export const REF_TAG = 4;
/** Marks the environment's name inside an `environment:` subject: what the `environment` claim carries. */
export const ENV_TAG = 5;
/** Marks the `pull_request` context, so that a search can tell pull-request subjects apart. */
export const PULL_REQUEST_TAG = 2;

const isAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const NAME_CH = (c: string) => isAlnum(c) || c === '-';
const REPO_CH = (c: string) => isAlnum(c) || c === '-' || c === '.' || c === '_';
const DIGIT = (c: string) => c >= '0' && c <= '9';
const ANY = (_c: string) => true;
/** A `:` inside a claim value is sent as `%3A`, so values never contain a raw colon. */
const VALUE_CH = (c: string) => c !== ':';
/**
 * What `git check-ref-format` allows in one component of a ref name: no control characters, space,
 * `~ ^ : ? * [ \\` (nor `/`, which separates components, so `//` and a leading or trailing `/` are out).
 */
const REF_CH = (c: string) => c > ' ' && c !== '\u007f' && !'~^:?*[\\/'.includes(c);

const owner = plus(tagged(OWNER_TAG, NAME_CH));
const name = plus(chars(NAME_CH));
const repo = plus(chars(REPO_CH));
/** A repository name where the subject names the token's repository. */
const repoName = plus(tagged(REPO_TAG, REPO_CH));
const repoSlash = tagged(REPO_TAG, (c) => c === '/');
const digits = plus(chars(DIGIT));
const value = plus(chars(VALUE_CH));
const anything = plus(chars(ANY));
/** `/`-separated ref name components, read as `set` makes them (plain or tagged). */
const refPath = (set: (test: (c: string) => boolean) => Re) =>
  seq(
    plus(set(REF_CH)),
    star(
      seq(
        set((c) => c === '/'),
        plus(set(REF_CH)),
      ),
    ),
  );
const refName = refPath(chars);

/** `OWNER/REPO` or the immutable `OWNER@ID/REPO@ID` (default for repositories created after 15 July 2026). */
const repoPath = (ownerRe: Re, repoRe: Re) =>
  alt(seq(ownerRe, repoSlash, repoRe), seq(ownerRe, lit('@'), digits, repoSlash, repoRe, lit('@'), digits));
/** The ref of a pull_request run. */
const pullRequestRef = seq(lit('refs/pull/'), digits, lit('/merge'));
const ref = alt(seq(lit('refs/heads/'), refName), seq(lit('refs/tags/'), refName), pullRequestRef);
const pullRequest = seq(
  tagged(PULL_REQUEST_TAG, (c) => c === 'p'),
  lit('ull_request'),
);
/**
 * The default subject's tail; GitHub picks environment over pull_request over ref. A pull_request run's
 * ref is `refs/pull/N/merge`, which never shows in `ref:` form: that run's subject is `pull_request`.
 */
const taggedLit = (tag: number, text: string) => seq(...[...text].map((ch) => tagged(tag, (c) => c === ch)));
/** A branch or tag ref inside a subject, tagged as the `ref` claim. */
const subjectRef = (kind: 'heads' | 'tags') =>
  seq(
    taggedLit(REF_TAG, `refs/${kind}/`),
    refPath((test) => tagged(REF_TAG, test)),
  );
const context = alt(
  seq(lit('environment:'), plus(tagged(ENV_TAG, VALUE_CH))),
  pullRequest,
  seq(lit('ref:'), subjectRef('heads')),
  seq(lit('ref:'), subjectRef('tags')),
);
/** `OWNER/REPO/PATH@REF` of the workflow file; its owner is the workflow's, not the caller's. */
const workflowRef = seq(
  name,
  lit('/'),
  repo,
  lit('/'),
  plus(chars((c) => c !== '@' && c !== ':')),
  lit('@'),
  ref,
);

const words = (...w: string[]) => alt(...w.map(lit));
const DIGIT_KEYS = [
  'repository_id',
  'repository_owner_id',
  'actor_id',
  'enterprise_id',
  'run_id',
  'run_number',
  'run_attempt',
  'check_run_id',
];
const ENUM_VALUES: Record<string, string[]> = {
  ref_type: ['branch', 'tag'],
  repository_visibility: ['public', 'private', 'internal'],
  runner_environment: ['github-hosted', 'self-hosted'],
  ref_protected: ['true', 'false'],
};

/**
 * One `key:value` element of a customized subject (`include_claim_keys`), for the repository of
 * `ownerRe`/`repoRe`: `repo` renders `repo:OWNER/REPO` (immutable ids where they apply) and `context`
 * the default tail with no prefix.
 */
function subjectPair(key: string, ownerRe: Re, repoRe: Re): Re {
  if (key === 'repo') return seq(lit('repo:'), repoPath(ownerRe, repoRe));
  if (key === 'context') return context;
  if (key === 'repository') return seq(lit('repository:'), ownerRe, repoSlash, repoRe);
  if (key === 'repository_owner') return seq(lit('repository_owner:'), ownerRe);
  // The same tags as in the context, so that one string reads the same whichever key rendered it.
  if (key === 'ref')
    return seq(
      lit('ref:'),
      alt(
        subjectRef('heads'),
        subjectRef('tags'),
        seq(taggedLit(REF_TAG, 'refs/pull/'), plus(tagged(REF_TAG, DIGIT)), taggedLit(REF_TAG, '/merge')),
      ),
    );
  if (key === 'environment') return seq(lit('environment:'), plus(tagged(ENV_TAG, VALUE_CH)));
  if (key === 'job_workflow_ref' || key === 'workflow_ref') return seq(lit(`${key}:`), workflowRef);
  if (DIGIT_KEYS.includes(key)) return seq(lit(`${key}:`), digits);
  const values = ENUM_VALUES[key];
  if (values) return seq(lit(`${key}:`), words(...values));
  return seq(lit(`${key}:`), value);
}

/** Any customized subject: an owner nobody listed may set any template for their own repositories. */
const anyPair = alt(...TEMPLATE_KEYS.map((k) => subjectPair(k, owner, repoName)));
const anyTemplate = seq(anyPair, star(seq(lit(':'), anyPair)));

/** A subject rendered with one declared template, for a literal owner and optionally a literal repository. */
function declaredSubject(scope: string, keys: string[]): Re {
  const [ownerName = '', literalRepo] = scope.split('/');
  const ownerRe = seq(...[...ownerName].map((ch) => tagged(OWNER_TAG, (c) => c === ch)));
  const repoRe =
    literalRepo === undefined
      ? repoName
      : seq(...[...literalRepo].map((ch) => tagged(REPO_TAG, (c) => c === ch)));
  const pairs = keys.map((k) => subjectPair(k, ownerRe, repoRe));
  return seq(...pairs.flatMap((p, i) => (i === 0 ? [p] : [lit(':'), p])));
}

/** Which kind of subject a tier of the `sub` domain holds (see `subjectDomain`). */
export type SubjectForm = 'declared' | 'default' | 'custom';

const DEFAULT_TIERS: Re[] = [
  seq(lit('repo:'), owner, repoSlash, repoName, lit(':ref:'), subjectRef('heads')),
  seq(lit('repo:'), repoPath(owner, repoName), lit(':'), context),
];

const CLAIM_TIERS: Record<string, Re[]> = {
  aud: [lit('sts.amazonaws.com'), anything],
  repository: [seq(owner, lit('/'), repo)],
  repository_id: [digits],
  actor: [name],
  actor_id: [digits],
  enterprise_id: [digits],
  job_workflow_ref: [workflowRef],
  ref: [seq(lit('refs/heads/'), refName), ref],
  // The claim carries the name as it is; only the subject escapes a `:` as `%3A`.
  environment: [anything],
  workflow: [anything],
};

/** Every literal character of the grammars gets a class of its own; the rest fall into five classes. */
const GRAMMAR_TEXT =
  'repo:/@refs/heads/tags/pull/merge environment:pull_request repository repository_owner repository_id ' +
  'repository_owner_id actor_id enterprise_id run_id run_number run_attempt check_run_id job_workflow_ref ' +
  'workflow_ref ref_type branch tag repository_visibility public private internal runner_environment ' +
  'github-hosted self-hosted actor workflow event_name head_ref base_ref sha workflow_sha job_workflow_sha ' +
  'enterprise ref_protected sts.amazonaws.com true false % ~^?*[\\';
export const GRAMMAR_CHARS: ReadonlySet<string> = new Set([...GRAMMAR_TEXT.replaceAll(' ', ''), ' ']);

/** The category of a character no grammar literal mentions. */
export function restCategory(c: string): 'lower' | 'upper' | 'digit' | 'control' | 'rest' {
  if (c >= 'a' && c <= 'z') return 'lower';
  if (c >= 'A' && c <= 'Z') return 'upper';
  if (DIGIT(c)) return 'digit';
  if (c < ' ' || c === '\u007f') return 'control';
  return 'rest';
}

export const REST_CANDIDATES: Record<ReturnType<typeof restCategory>, string> = {
  lower: 'xzqkjvwybgfhmdlucntpsoarie',
  upper: 'XZQKJVWYBGFHMDLUCNTPSOARIE',
  digit: '7391824650',
  control: '\u0007\u0001\u001f\u007f\t\n',
  rest: '+~!#,=;$&()[]{}\'"`^|\\<>',
};

/** Character classes: one per grammar literal (and per literal of declared templates), one per other category. */
function grammarClasses(literals: ReadonlySet<string>) {
  const reps = [...new Set([...GRAMMAR_CHARS, ...literals])];
  const index = new Map(reps.map((c, i) => [c, i]));
  const restIndex: Record<string, number> = {};
  for (const [category, pool] of Object.entries(REST_CANDIDATES)) {
    const rep = [...pool].find((c) => !index.has(c));
    if (rep !== undefined) {
      restIndex[category] = reps.length;
      reps.push(rep);
    }
  }
  const classOf = (c: string) => index.get(c) ?? (restIndex[restCategory(c)] as number);
  return { reps, classOf };
}

export interface Domain {
  /** States' `tier` says which layer accepts: below `realisticTiers` a GitHub token can carry the value. */
  dfa: Dfa;
  realisticTiers: number;
  /** For `sub`: the kind of subject of each realistic tier. */
  forms?: SubjectForm[];
  /** For `sub`: owners (lower case) whose declared template replaces the default subject for all their repositories. */
  customizedOwners?: string[];
  /** Characters the domain tells apart beyond the grammar's own (names in declared templates). */
  literals?: string[];
}

const cache = new Map<string, Domain>();

const baseClasses = grammarClasses(new Set());
const compileHere = (re: Re, classes = baseClasses) => compile(re, classes.reps, classes.classOf);

/**
 * The values a GitHub token can carry in `claim`, most typical tier first, with any other string as a
 * last, unrealistic tier. Claims not modelled get the plain string domain.
 */
export function claimDomain(claim: string | undefined, github: GitHubSettings = {}): Domain {
  if (claim === 'sub') return subjectDomain(github);
  const key = claim !== undefined && CLAIM_TIERS[claim] ? claim : '';
  let domain = cache.get(key);
  if (!domain) {
    const tiers = CLAIM_TIERS[key];
    domain = tiers
      ? { dfa: layer([...tiers, anything].map((t) => compileHere(t))), realisticTiers: tiers.length }
      : { dfa: compileHere(anything), realisticTiers: 1 };
    cache.set(key, domain);
  }
  return domain;
}

let pullRequestRefDfa: Dfa | undefined;

/** The refs a pull_request run carries (`refs/pull/N/merge`): where a pull_request subject's `ref` lies. */
export function pullRequestRefDomain(): Dfa {
  pullRequestRefDfa ??= compileHere(pullRequestRef);
  return pullRequestRefDfa;
}

/**
 * The subjects GitHub can issue: first those of the declared templates (`github.subjectTemplates`),
 * then the default and immutable forms, then any customized form. Which of them a token of a given
 * owner can carry is the search's to decide (see `subjectFormAllowed`).
 */
function subjectDomain(github: GitHubSettings): Domain {
  const templates = sortedTemplates(github);
  const key = `sub\u0000${JSON.stringify(templates)}`;
  let domain = cache.get(key);
  if (!domain) {
    const declared = templates.map(([scope, keys]) => declaredSubject(scope, keys));
    const tiers = [...declared, ...DEFAULT_TIERS, anyTemplate];
    const literals = new Set(templates.flatMap(([scope]) => [...scope]));
    const classes = grammarClasses(literals);
    domain = {
      dfa: layer([...tiers, anything].map((t) => compileHere(t, classes))),
      realisticTiers: tiers.length,
      forms: [...declared.map(() => 'declared' as const), 'default', 'default', 'custom'],
      customizedOwners: templates.filter(([scope]) => !scope.includes('/')).map(([s]) => s.toLowerCase()),
      literals: [...literals],
    };
    if (cache.size > 64) cache.delete(cache.keys().next().value as string);
    cache.set(key, domain);
  }
  return domain;
}

/**
 * Whether a token of this owner can carry a subject of this form. GitHub issues the default and
 * immutable forms unless the owner declared a template; a customized form only as declared for an owner
 * the policy names (their templates are known), while an owner nobody named may use any template.
 * `owner` is undefined for an owner nobody listed (or a subject that names none).
 */
export function subjectFormAllowed(domain: Domain, tier: number, owner: string | undefined): boolean {
  const form = domain.forms?.[tier];
  if (form === 'custom') return owner === undefined;
  if (form === 'default') return owner === undefined || !domain.customizedOwners?.includes(owner);
  return true;
}

/** Declared templates in the order of their tiers in the `sub` domain. */
function sortedTemplates(github: GitHubSettings): [string, string[]][] {
  return Object.entries(github.subjectTemplates ?? {}).sort(([a], [b]) => a.localeCompare(b));
}

/** The declared template (scope and keys) a subject is rendered with, when it is one of theirs only. */
export function declaredTemplateOf(
  sub: string,
  github: GitHubSettings,
): { scope: string; keys: string[] } | undefined {
  const domain = subjectDomain(github);
  const tier = tierOf(domain.dfa, sub);
  if (domain.forms?.[tier] !== 'declared') return undefined;
  const [scope, keys] = sortedTemplates(github)[tier] as [string, string[]];
  return { scope, keys };
}

/** Whether GitHub issues `sub` for a pull-request run (default or customized subject). */
export function isPullRequestSubject(sub: string, github: GitHubSettings = {}): boolean {
  return tagsAlong(claimDomain('sub', github).dfa, sub)?.has(PULL_REQUEST_TAG) === true;
}
