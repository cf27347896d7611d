/**
 * fast-check arbitraries for GitHub OIDC claim values over a small, deliberately confusable alphabet:
 * mixed-case owners, an owner that is a prefix of another, `/` inside a branch, `%3A` inside an
 * environment. A small alphabet makes generated patterns and generated tokens collide often.
 */
import fc from 'fast-check';

export const OWNERS = ['acme', 'Acme', 'acme-x', 'other', 'ACME'];
export const REPOS = ['app', 'App', 'infra', 'app-2', 'x.y'];
export const BRANCHES = ['main', 'Main', 'dev', 'release/v1'];
export const TAGS = ['v1', 'v1.2.0'];
export const ENVIRONMENTS = ['prod', 'Prod', 'staging', 'prod%3Aeu'];
export const IDS = ['123', '4567'];
export const WORKFLOW_FILES = ['deploy.yml', 'ci.yaml'];
export const AUDIENCES = [
  'sts.amazonaws.com',
  'STS.amazonaws.com',
  'sts.amazonaws.com.cn',
  'https://github.com/acme',
];

const pick = <T>(xs: T[]) => fc.constantFrom(...xs);

export const repositoryArb = fc.tuple(pick(OWNERS), pick(REPOS)).map(([o, r]) => `${o}/${r}`);

/** `OWNER/REPO` or the immutable `OWNER@ID/REPO@ID`. */
const repoPartArb = fc.oneof(
  { weight: 3, arbitrary: repositoryArb },
  {
    weight: 1,
    arbitrary: fc
      .tuple(pick(OWNERS), pick(IDS), pick(REPOS), pick(IDS))
      .map(([o, oid, r, rid]) => `${o}@${oid}/${r}@${rid}`),
  },
);

const contextArb = fc.oneof(
  pick(BRANCHES).map((b) => `ref:refs/heads/${b}`),
  pick(TAGS).map((t) => `ref:refs/tags/${t}`),
  pick(ENVIRONMENTS).map((e) => `environment:${e}`),
  fc.constant('pull_request'),
);

/** The `ref` claim: a branch, a tag or a pull request's merge ref. */
export const refArb = fc.oneof(
  pick(BRANCHES).map((b) => `refs/heads/${b}`),
  pick(TAGS).map((t) => `refs/tags/${t}`),
  pick(['7', '42']).map((n) => `refs/pull/${n}/merge`),
);

export const jobWorkflowRefArb = fc
  .tuple(
    repositoryArb,
    pick(WORKFLOW_FILES),
    fc.oneof(
      pick(BRANCHES).map((b) => `heads/${b}`),
      pick(TAGS).map((t) => `tags/${t}`),
    ),
  )
  .map(([repo, file, ref]) => `${repo}/.github/workflows/${file}@refs/${ref}`);

/** Every documented subject form: default, immutable-id, and customized with job_workflow_ref. */
export const subjectArb = fc
  .tuple(repoPartArb, contextArb, fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, jobWorkflowRefArb))
  .map(([repo, context, jwr]) => `repo:${repo}:${context}${jwr === null ? '' : `:job_workflow_ref:${jwr}`}`);

export const audienceArb = pick(AUDIENCES);

/** A realistic value for a claim, by claim name. */
export function claimValueArb(claim: string): fc.Arbitrary<string> {
  switch (claim) {
    case 'sub':
      return subjectArb;
    case 'aud':
      return audienceArb;
    case 'repository':
      return repositoryArb;
    case 'ref':
      return refArb;
    case 'environment':
      return pick(ENVIRONMENTS).map((e) => e.replaceAll('%3A', ':'));
    default:
      return jobWorkflowRefArb;
  }
}
