import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Config } from '../../shared/config/config.js';
import { immutableSubject, namedSubject } from '../../shared/github/immutable.js';
import type { GitHubIds } from '../../shared/github/templates.js';
import { trustsGitHub } from '../../shared/inventory/github-trust.js';
import { ComplexityError } from '../../shared/policy/cells.js';
import type { ParsedPolicy } from '../../shared/policy/model.js';
import { parsePolicy } from '../../shared/policy/parse.js';
import { visibleText } from '../../shared/report/visible-text.js';
import { lintPolicy } from '../../shared/rules/lint.js';
import { UsageError } from '../exit.js';
import { accessNote, githubAccess } from '../github/access.js';
import {
  type Change,
  type ConfigUpdate,
  planConfigUpdate,
  writeConfigUpdate,
} from '../github/config-update.js';
import type { GitHubReader } from '../github/read.js';
import { type RepoRead, repoTemplateText, wantedTemplates } from '../github/wanted-templates.js';
import { readPolicies } from '../input.js';
import { collect, collectList } from '../options.js';
import { type AccountOptions, loadConfig, loadSnapshot } from './audit.js';

const DEFAULT_CONFIG_FILE = 'trustwatch.config.json';
const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const REPO_NAME = /^[A-Za-z0-9._-]+$/;

interface CommonOptions {
  config?: string;
  apiUrl?: string;
  dryRun?: boolean;
}

export function registerGitHub(program: Command, version: string): void {
  const github = program
    .command('github')
    .description(
      "read GitHub's side of the trust (subject templates, owner and repository ids) into the config",
    );

  github
    .command('templates')
    .description(
      'read the OIDC subject templates of an organization and its repositories into github.subjectTemplates',
    )
    .requiredOption('--owner <org>', 'the organization (or user) whose template to read')
    .option(
      '--repo <name>',
      'a repository of the owner whose template to read (repeatable, or a,b)',
      collectList,
      [],
    )
    .option('--all-repos', 'read every repository of the owner that the token can see')
    .option('--config <file>', 'the config file to update', DEFAULT_CONFIG_FILE)
    .option(
      '--api-url <url>',
      'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3; default $GITHUB_API_URL)',
    )
    .option('--dry-run', 'show what would change, write nothing')
    .action(async (options: CommonOptions & { owner: string; repo: string[]; allRepos?: boolean }) => {
      const owner = login(options.owner, '--owner');
      const named = options.repo.map((r) => repoOf(r, owner));
      const access = githubAccess(options.apiUrl);
      // A config file that cannot be updated is reported before GitHub is asked anything.
      const config = loadConfigIfPresent(options.config as string);
      process.stderr.write(`${accessNote(access)}\n`);
      const reader = (await import('../github/read.js')).openGitHub(access, version);
      const org = await reader.orgTemplate(owner);
      const listed = options.allRepos ? await reader.repositories(owner, org !== undefined) : [];
      // Each repository once, as first written: GitHub's names are case-insensitive.
      const repos: string[] = [];
      for (const name of [...named, ...listed])
        if (!repos.some((r) => r.toLowerCase() === name.toLowerCase())) repos.push(name);
      const read: RepoRead[] = [];
      for (const name of repos) read.push({ name, template: await reader.repoTemplate(owner, name) });

      const ownerEntry = Object.keys(config.github.subjectTemplates).find(
        (k) => k.toLowerCase() === owner.toLowerCase(),
      );
      const lines = [
        org === undefined
          ? `${owner}: a personal account, no organization template`
          : `organization ${owner}: ${org.keys.length > 0 ? `${org.keys.join(', ')}, for the repositories that opted in` : "GitHub's default subject"}${immutableNote(org.useImmutableSubject)}`,
        ...read.map(
          ({ name, template }) =>
            `repository ${owner}/${name}: ${repoTemplateText(template, org)}${immutableNote(template.useImmutableSubject)}${template.subClaimPrefix ? ` (subject prefix ${template.subClaimPrefix})` : ''}`,
        ),
        ...(read.length === 0
          ? ['no repository read: name them with --repo, or read them all with --all-repos']
          : []),
        ...(ownerEntry === undefined
          ? []
          : [
              `note: the config declares subjectTemplates["${ownerEntry}"] for every repository of ${owner} without an entry of its own; GitHub applies an organization's template only to the repositories that opted in`,
            ]),
      ];
      const update = planConfigUpdate(
        options.config as string,
        'subjectTemplates',
        wantedTemplates(owner, org, read, ownerEntry !== undefined),
      );
      finish(update, 'subjectTemplates', lines, options.dryRun, (v) => (v as string[]).join(', '));
    });

  github
    .command('ids')
    .description(
      'resolve the ids of the owners and repositories that trust policies name, into github.ids (oidc.mutable-subject then names the exact immutable subject)',
    )
    .option('--snapshot <file>', 'read the roles from a snapshot file instead of the live account')
    .option('--profile <name>', 'AWS profile of the live account')
    .option('--region <region>', 'AWS region for the API endpoints (IAM is global)')
    .option('--config <file>', 'the config file to read and update', DEFAULT_CONFIG_FILE)
    .option(
      '--role <name>',
      'a role (from --snapshot or the live account) whose subjects to resolve (repeatable)',
      collect,
      [],
    )
    .option(
      '--policy <file>',
      'a trust policy file (policy JSON or aws iam output) instead of roles (repeatable)',
      collect,
      [],
    )
    .option(
      '--api-url <url>',
      'GitHub API base URL (GitHub Enterprise: https://HOST/api/v3; default $GITHUB_API_URL)',
    )
    .option('--dry-run', 'show what would change, write nothing')
    .action(async (options: AccountOptions & CommonOptions & { role: string[]; policy: string[] }) => {
      const configFile = options.config as string;
      const config = loadConfigIfPresent(configFile);
      const policies = await policiesToResolve(options, config);
      const values = [...new Set(policies.flatMap(({ parsed }) => nameBasedValues(parsed, config)))];
      const access = githubAccess(options.apiUrl);
      process.stderr.write(`${accessNote(access)}\n`);
      if (values.length === 0) {
        process.stdout.write(
          `No name-based subject in ${policies.length} trust polic${policies.length === 1 ? 'y' : 'ies'}: nothing to resolve.\n`,
        );
        return;
      }
      const reader = (await import('../github/read.js')).openGitHub(access, version);
      const { ids, notes } = await resolveIds(reader, values);
      const known: GitHubIds = { ...config.github.ids, ...ids };
      const lines = [
        ...notes,
        ...values.map((value) => {
          const immutable = immutableSubject(value, known);
          return immutable === undefined ? `${value}\n  (ids not known)` : `${value}\n  → ${immutable}`;
        }),
      ];
      const update = planConfigUpdate(
        configFile,
        'ids',
        Object.entries(ids).map(([key, value]) => ({ key, value })),
      );
      finish(update, 'ids', lines, options.dryRun, String);
    });
}

function login(text: string, option: string): string {
  if (!LOGIN.test(text)) throw new UsageError(`${option} "${text}": not a GitHub owner name`);
  return text;
}

/** `app` or `OWNER/app` for the owner given with --owner. */
function repoOf(text: string, owner: string): string {
  const [first, second, ...more] = text.split('/');
  const name = second === undefined ? first : second;
  if (more.length > 0 || name === undefined || !REPO_NAME.test(name))
    throw new UsageError(`--repo "${text}": not a repository name`);
  if (second !== undefined && first?.toLowerCase() !== owner.toLowerCase())
    throw new UsageError(`--repo "${text}": not a repository of --owner ${owner}`);
  return name;
}

function immutableNote(flag: boolean | undefined): string {
  return flag === undefined ? '' : flag ? ' (immutable subjects: on)' : ' (immutable subjects: off)';
}

/** A config file that does not exist yet is created by the update. */
function loadConfigIfPresent(path: string): Config {
  return loadConfig(existsSync(path) ? path : undefined);
}

/** The trust policies whose subjects to resolve: the files given, the roles named, or every GitHub-trusted role. */
async function policiesToResolve(
  options: AccountOptions & { role: string[]; policy: string[] },
  config: Config,
): Promise<{ name: string; parsed: ParsedPolicy }[]> {
  if (options.policy.length > 0 && options.role.length > 0)
    throw new UsageError('give --role NAME or --policy FILE, not both');
  if (options.policy.length > 0)
    return options.policy.flatMap((file) =>
      readPolicies(file).map((p) => ({ name: p.file, parsed: p.parsed })),
    );
  const snapshot = await loadSnapshot(options, config);
  const where = options.snapshot ?? 'the account';
  const roles =
    options.role.length > 0
      ? options.role.map((name) => {
          const role = snapshot.roles.find((r) => r.name === name);
          if (!role) throw new UsageError(`${where}: no role named "${name}"`);
          return role;
        })
      : snapshot.roles.filter((r) => trustsGitHub(r.trustPolicy));
  return roles.map((role) => ({ name: role.name, parsed: parsePolicy(role.trustPolicy) }));
}

/** The name-based subject values oidc.mutable-subject finds in a policy: exactly the ones ids would pin. */
function nameBasedValues(parsed: ParsedPolicy, config: Config): string[] {
  try {
    return lintPolicy(parsed, { github: config.github })
      .filter((f) => f.ruleId === 'oidc.mutable-subject')
      .map((f) => f.evidence.value as string);
  } catch (error) {
    if (error instanceof ComplexityError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The ids of the owners and repositories the values name, keyed as GitHub spells the names. A
 * repository GitHub now knows under another name (renamed or transferred: the API follows the move)
 * gets no id: the value names the old place, which is what must change.
 */
async function resolveIds(
  reader: GitHubReader,
  values: string[],
): Promise<{ ids: GitHubIds; notes: string[] }> {
  const owners = new Map<string, string>();
  const repos = new Map<string, { owner: string; name: string }>();
  for (const value of values) {
    const named = namedSubject(value);
    if (!named) continue;
    owners.set(named.owner.toLowerCase(), named.owner);
    if (named.repoName !== undefined)
      repos.set(`${named.owner}/${named.repoName}`.toLowerCase(), {
        owner: named.owner,
        name: named.repoName,
      });
  }
  const ids: GitHubIds = {};
  const notes: string[] = [];
  const resolvedOwners = new Set<string>();
  for (const { owner, name } of repos.values()) {
    const repo = await reader.repository(owner, name);
    if (repo.owner.login.toLowerCase() === owner.toLowerCase()) {
      ids[repo.owner.login] = repo.owner.id;
      resolvedOwners.add(owner.toLowerCase());
    }
    if (repo.fullName.toLowerCase() !== `${owner}/${name}`.toLowerCase()) {
      notes.push(
        `${owner}/${name} is now ${repo.fullName} (renamed or transferred): a subject naming ${owner}/${name} matches none of its tokens, and whoever creates ${owner}/${name} would match; no id stored for it`,
      );
      continue;
    }
    ids[repo.fullName] = repo.id;
  }
  for (const [lower, owner] of owners) {
    if (resolvedOwners.has(lower)) continue;
    const account = await reader.account(owner);
    ids[account.login] = account.id;
  }
  return { ids, notes };
}

function finish(
  update: ConfigUpdate,
  section: string,
  lines: string[],
  dryRun: boolean | undefined,
  show: (value: unknown) => string,
): void {
  const changes = update.changes.map((c) => changeLine(c, show));
  const verdict = !update.changed
    ? `${update.path}: github.${section} already up to date`
    : dryRun
      ? `${update.path}: --dry-run, nothing written`
      : `${update.path}: github.${section} ${update.created ? 'written (new file)' : 'updated'}`;
  if (update.changed && !dryRun) writeConfigUpdate(update);
  // Subject values come from policies and names from GitHub: their controls are made visible, never obeyed.
  const text = [
    ...lines,
    '',
    `github.${section}:`,
    ...(changes.length > 0 ? changes : ['  (no entries)']),
    '',
    verdict,
  ];
  process.stdout.write(
    `${text
      .flatMap((line) => line.split('\n'))
      .map(visibleText)
      .join('\n')}\n`,
  );
}

function changeLine(change: Change, show: (value: unknown) => string): string {
  switch (change.kind) {
    case 'added':
      return `  + ${change.key}: ${show(change.after)}`;
    case 'changed':
      return `  ~ ${change.key}${change.was ? ` (was ${change.was})` : ''}: ${show(change.before)} → ${show(change.after)}`;
    case 'removed':
      return `  - ${change.key}: ${show(change.before)} (GitHub's default subject now)`;
    default:
      return `    ${change.key}: ${show(change.before)} (unchanged)`;
  }
}
