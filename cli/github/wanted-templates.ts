import { isDeepStrictEqual } from 'node:util';
import { TEMPLATE_KEYS } from '../../shared/github/templates.js';
import { UsageError } from '../exit.js';
import type { Wanted } from './config-update.js';
import type { OrgTemplate, RepoTemplate } from './read.js';

/** `repo` then `context` renders exactly GitHub's default subject (`repo:OWNER/REPO:ref:…`). */
export const DEFAULT_TEMPLATE = ['repo', 'context'];

const isDefault = (keys: string[]) => keys.length === 0 || isDeepStrictEqual(keys, DEFAULT_TEMPLATE);

export interface RepoRead {
  name: string;
  template: RepoTemplate;
}

/** In words, which subject a repository's tokens carry. */
export function repoTemplateText(template: RepoTemplate, org: OrgTemplate | undefined): string {
  if (template.useDefault) return "GitHub's default subject";
  if (template.keys.length > 0) return template.keys.join(', ');
  return org && !isDefault(org.keys)
    ? `the organization's template (${org.keys.join(', ')})`
    : "GitHub's default subject";
}

/**
 * The `github.subjectTemplates` entries GitHub's settings call for. An entry exists only where the
 * subject is not GitHub's default: the owner's when it customized one; a repository's when it has keys
 * of its own, or when it keeps the default under an owner that customized (written `repo, context`,
 * which renders the default subject, so that the owner's entry does not apply to it). Any other entry
 * for these names is stale and removed.
 */
export function wantedTemplates(owner: string, org: OrgTemplate | undefined, repos: RepoRead[]): Wanted[] {
  const ownerKeys = org && !isDefault(org.keys) ? org.keys : undefined;
  const wanted: Wanted[] = [{ key: owner, value: ownerKeys && checked(ownerKeys, `organization ${owner}`) }];
  for (const { name, template } of repos) {
    const key = `${owner}/${name}`;
    let value: string[] | undefined;
    if (template.useDefault) value = ownerKeys ? DEFAULT_TEMPLATE : undefined;
    else if (template.keys.length === 0 || isDeepStrictEqual(template.keys, ownerKeys)) value = undefined;
    else
      value =
        isDefault(template.keys) && !ownerKeys ? undefined : checked(template.keys, `repository ${key}`);
    wanted.push({ key, value });
  }
  return wanted;
}

/** Claim keys trustwatch cannot render would make it judge subjects it cannot model: refused, naming them. */
function checked(keys: string[], what: string): string[] {
  const unknown = keys.filter((k) => !(TEMPLATE_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new UsageError(
      `${what}: GitHub's subject template has claim key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')} that trustwatch does not know; nothing written`,
    );
  return keys;
}
