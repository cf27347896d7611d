import * as z from '../zod.js';

/**
 * The claim keys an owner (`acme`) or one repository (`acme/app`) customized its subject with
 * (GitHub's `include_claim_keys`), in template order. A repository's entry overrides its owner's.
 */
export type SubjectTemplates = Record<string, string[]>;

/**
 * GitHub's numeric ids of owners (`acme`) and repositories (`acme/app`), keyed as GitHub spells the
 * names: what an immutable subject (`repo:acme@123/app@456:…`) pins.
 */
export type GitHubIds = Record<string, number>;

/** What trustwatch is told about the GitHub side of the trust that it cannot see in AWS. */
export interface GitHubSettings {
  subjectTemplates?: SubjectTemplates;
  ids?: GitHubIds;
}

/** Claim keys GitHub accepts in `include_claim_keys` (plus `context`, the default tail). */
export const TEMPLATE_KEYS = [
  'repo',
  'context',
  'repository',
  'repository_owner',
  'repository_id',
  'repository_owner_id',
  'repository_visibility',
  'actor',
  'actor_id',
  'workflow',
  'workflow_ref',
  'workflow_sha',
  'job_workflow_ref',
  'job_workflow_sha',
  'environment',
  'event_name',
  'ref',
  'ref_type',
  'ref_protected',
  'head_ref',
  'base_ref',
  'sha',
  'run_id',
  'run_number',
  'run_attempt',
  'runner_environment',
  'enterprise',
  'enterprise_id',
  'check_run_id',
] as const;

const OWNER_OR_REPO = /^[A-Za-z0-9-]+(\/[A-Za-z0-9._-]+)?$/;

export const SubjectTemplatesSchema = z.record(
  z.string().check(z.regex(OWNER_OR_REPO, 'an owner or OWNER/REPO')),
  z.array(z.enum(TEMPLATE_KEYS)).check(z.minLength(1)),
);

export const GitHubIdsSchema = z.record(
  z.string().check(z.regex(OWNER_OR_REPO, 'an owner or OWNER/REPO')),
  z.int().check(z.positive()),
);

/** The template a repository's tokens use, or undefined for GitHub's default subject. */
export function templateFor(
  templates: SubjectTemplates | undefined,
  owner: string,
  repo?: string,
): string[] | undefined {
  if (!templates) return undefined;
  const lower = Object.fromEntries(Object.entries(templates).map(([k, v]) => [k.toLowerCase(), v]));
  return (
    (repo !== undefined ? lower[`${owner}/${repo}`.toLowerCase()] : undefined) ?? lower[owner.toLowerCase()]
  );
}
