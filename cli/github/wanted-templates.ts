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
  const keys = effectiveKeys(template, org);
  if (isDefault(keys)) return "GitHub's default subject";
  return template.keys.length > 0 ? keys.join(', ') : `the organization's template (${keys.join(', ')})`;
}

/** The claim keys a repository's tokens use: its own, the organization's (when it opted in), or none for the default. */
export function effectiveKeys(template: RepoTemplate, org: OrgTemplate | undefined): string[] {
  if (template.useDefault) return [];
  if (template.keys.length > 0) return template.keys;
  return org?.keys ?? [];
}

/**
 * The `github.subjectTemplates` entries of the repositories read. GitHub applies an organization's
 * template only to the repositories that opted in (`use_default: false`), never to the others nor to
 * repositories created later, so each repository gets an entry of its own and none is written for the
 * owner. A repository on GitHub's default subject needs no entry, unless the config declares a
 * template for its whole owner (`ownerEntry`): then it gets `repo, context`, which renders the
 * default subject, so that the owner's entry does not apply to it. Any other entry for these
 * repositories is stale and removed.
 */
export function wantedTemplates(
  owner: string,
  org: OrgTemplate | undefined,
  repos: RepoRead[],
  ownerEntry: boolean,
): Wanted[] {
  return repos.map(({ name, template }) => {
    const key = `${owner}/${name}`;
    const keys = effectiveKeys(template, org);
    if (!isDefault(keys)) return { key, value: checked(keys, `repository ${key}`) };
    return { key, value: ownerEntry ? DEFAULT_TEMPLATE : undefined };
  });
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
