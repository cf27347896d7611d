import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Answer, type FakeGitHub, fakeGitHub, trustwatchAsync } from '../support/github-api.js';
import { ensureBuilt, json, ROOT, SAMPLE, tempFiles, trustPolicy } from './run.js';

// Hand-written answers in the shapes of GitHub's REST reference (OIDC customization, users, repositories).
// The OIDC customization endpoints answer only an authenticated caller.
const ORG = (keys: string[], extra: object = {}): Answer => ({
  body: { include_claim_keys: keys, ...extra },
  authenticated: true,
});
const REPO_TEMPLATE = (body: object): Answer => ({ body, authenticated: true });
const ACCOUNT = (login: string, id: number, type = 'Organization'): Answer => ({
  body: { login, id, node_id: 'O_kgDOAAAAAQ', type, site_admin: false },
});
const REPOSITORY = (owner: string, ownerId: number, name: string, id: number): Answer => ({
  body: {
    id,
    node_id: 'R_kgDOAAAAAQ',
    name,
    full_name: `${owner}/${name}`,
    private: false,
    owner: { login: owner, id: ownerId, type: 'Organization' },
  },
});

const CONFIG = `{
  "maxKeyAgeDays": 60,
  "allowedOwners": ["acme-corp"],
  "github": {
    "subjectTemplates": {
      "acme-corp/api": ["repo", "environment"],
      "other-org": ["repo", "context", "actor"]
    }
  }
}
`;

let fake: FakeGitHub | undefined;
const serve = async (routes: Record<string, Answer>, remaining?: number) => {
  fake = await fakeGitHub(routes, remaining);
  return fake;
};
const files = tempFiles({});
const configPath = join(files.dir, 'trustwatch.config.json');
const config = () => readFileSync(configPath, 'utf8');
const github = (args: string[], env: Record<string, string> = {}) =>
  trustwatchAsync(['github', ...args, '--config', configPath], { env });
const TOKEN = { GITHUB_TOKEN: 'ghp_exampletoken' };

beforeAll(ensureBuilt);
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});
afterAll(files.cleanup);

const TEMPLATE_ROUTES: Record<string, Answer> = {
  'GET /orgs/acme-corp/actions/oidc/customization/sub': ORG(['repo', 'context', 'job_workflow_ref']),
  'GET /repos/acme-corp/app/actions/oidc/customization/sub': REPO_TEMPLATE({
    use_default: false,
    include_claim_keys: ['repo', 'environment'],
    use_immutable_subject: true,
    sub_claim_prefix: 'repo:acme-corp@1111/app@2222',
  }),
  'GET /repos/acme-corp/api/actions/oidc/customization/sub': REPO_TEMPLATE({ use_default: true }),
  'GET /repos/acme-corp/web/actions/oidc/customization/sub': REPO_TEMPLATE({ use_default: false }),
};

describe('trustwatch github templates', () => {
  it("writes the organization's and repositories' templates, keeping the rest of the file as it was", async () => {
    writeFileSync(configPath, CONFIG);
    const api = await serve(TEMPLATE_ROUTES);
    const run = await github(
      [
        'templates',
        '--owner',
        'acme-corp',
        '--repo',
        'app,api',
        '--repo',
        'acme-corp/web',
        '--api-url',
        api.url,
      ],
      TOKEN,
    );
    expect(run.stderr).toBe(`${api.url}: authenticated with GITHUB_TOKEN\n`);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'organization acme-corp: repo, context, job_workflow_ref, for the repositories that opted in',
        'repository acme-corp/app: repo, environment (immutable subjects: on) (subject prefix repo:acme-corp@1111/app@2222)',
        "repository acme-corp/api: GitHub's default subject",
        "repository acme-corp/web: the organization's template (repo, context, job_workflow_ref)",
        '',
        'github.subjectTemplates:',
        '  + acme-corp/app: repo, environment',
        "  - acme-corp/api: repo, environment (GitHub's default subject now)",
        '  + acme-corp/web: repo, context, job_workflow_ref',
        '',
        `${configPath}: github.subjectTemplates updated`,
        '',
      ].join('\n'),
    );
    const written = JSON.parse(config());
    expect(written.github.subjectTemplates).toEqual({
      // Not read in this run: kept.
      'other-org': ['repo', 'context', 'actor'],
      'acme-corp/app': ['repo', 'environment'],
      // It opted in to the organization's template; an owner entry would also cover repositories that did not.
      'acme-corp/web': ['repo', 'context', 'job_workflow_ref'],
    });
    // Other keys keep their values and their layout.
    expect(config()).toContain('  "maxKeyAgeDays": 60,\n  "allowedOwners": ["acme-corp"],\n');
    expect(api.requests.map((r) => r.path)).toEqual([
      '/orgs/acme-corp/actions/oidc/customization/sub',
      '/repos/acme-corp/app/actions/oidc/customization/sub',
      '/repos/acme-corp/api/actions/oidc/customization/sub',
      '/repos/acme-corp/web/actions/oidc/customization/sub',
    ]);
    expect(api.requests.every((r) => r.authorization === 'token ghp_exampletoken')).toBe(true);

    // A second run finds nothing to change and leaves the file alone.
    const before = config();
    const again = await github(
      ['templates', '--owner', 'acme-corp', '--repo', 'app,api,web,APP', '--api-url', api.url],
      TOKEN,
    );
    expect(again.status).toBe(0);
    expect(again.stdout).toContain(`${configPath}: github.subjectTemplates already up to date`);
    expect(again.stdout).toContain('    acme-corp/web: repo, context, job_workflow_ref (unchanged)');
    expect(config()).toBe(before);
    // Asked once per repository, however often it is named.
    expect(api.requests.filter((r) => r.path.startsWith('/repos/acme-corp/app/'))).toHaveLength(2);
  });

  it('keeps an entry declared for the whole owner, writing the default subject out under it, and says so', async () => {
    writeFileSync(
      configPath,
      json({ github: { subjectTemplates: { 'acme-corp': ['repo', 'context', 'actor'] } } }),
    );
    const api = await serve(TEMPLATE_ROUTES);
    const run = await github(
      ['templates', '--owner', 'acme-corp', '--repo', 'api,web', '--api-url', api.url],
      TOKEN,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'note: the config declares subjectTemplates["acme-corp"] for every repository of acme-corp without an entry of its own; GitHub applies an organization\'s template only to the repositories that opted in',
    );
    expect(JSON.parse(config()).github.subjectTemplates).toEqual({
      'acme-corp': ['repo', 'context', 'actor'],
      'acme-corp/api': ['repo', 'context'],
      'acme-corp/web': ['repo', 'context', 'job_workflow_ref'],
    });
  });

  it('reads every repository of the owner with --all-repos, page by page', async () => {
    writeFileSync(configPath, '{}\n');
    const many = Array.from({ length: 100 }, (_, i) => `svc-${i}`);
    const listing = (names: string[]): Answer => ({
      body: names.map((name, i) => ({ id: 9000 + i, name, full_name: `acme-corp/${name}`, private: false })),
    });
    const api = await serve(
      {
        ...TEMPLATE_ROUTES,
        'GET /orgs/acme-corp/repos?type=all&per_page=100&page=1': listing(many),
        'GET /orgs/acme-corp/repos?type=all&per_page=100&page=2': listing(['app', 'web']),
        ...Object.fromEntries(
          many.map((name) => [
            `GET /repos/acme-corp/${name}/actions/oidc/customization/sub`,
            REPO_TEMPLATE({ use_default: true }),
          ]),
        ),
      },
      5000,
    );
    const run = await github(
      ['templates', '--owner', 'acme-corp', '--all-repos', '--api-url', api.url],
      TOKEN,
    );
    expect(run.status).toBe(0);
    expect(api.requests.filter((r) => r.path.endsWith('/actions/oidc/customization/sub'))).toHaveLength(103);
    expect(JSON.parse(config()).github.subjectTemplates).toEqual({
      'acme-corp/app': ['repo', 'environment'],
      'acme-corp/web': ['repo', 'context', 'job_workflow_ref'],
    });
  });

  it('says so when no repository was named, and writes nothing', async () => {
    writeFileSync(configPath, CONFIG);
    const api = await serve(TEMPLATE_ROUTES);
    const run = await github(['templates', '--owner', 'acme-corp', '--api-url', api.url], TOKEN);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'no repository read: name them with --repo, or read them all with --all-repos',
    );
    expect(config()).toBe(CONFIG);
  });

  it('with --dry-run shows the change and writes nothing', async () => {
    writeFileSync(configPath, CONFIG);
    const api = await serve(TEMPLATE_ROUTES);
    const run = await github(
      ['templates', '--owner', 'acme-corp', '--repo', 'web', '--api-url', api.url, '--dry-run'],
      TOKEN,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  + acme-corp/web: repo, context, job_workflow_ref');
    expect(run.stdout).toContain(`${configPath}: --dry-run, nothing written`);
    expect(config()).toBe(CONFIG);
  });

  it('creates the config file when there is none', async () => {
    const fresh = join(files.dir, 'fresh.config.json');
    const api = await serve(TEMPLATE_ROUTES);
    const run = await trustwatchAsync(
      [
        'github',
        'templates',
        '--owner',
        'acme-corp',
        '--repo',
        'web',
        '--config',
        fresh,
        '--api-url',
        api.url,
      ],
      { env: TOKEN },
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${fresh}: github.subjectTemplates written (new file)`);
    expect(JSON.parse(readFileSync(fresh, 'utf8'))).toEqual({
      github: { subjectTemplates: { 'acme-corp/web': ['repo', 'context', 'job_workflow_ref'] } },
    });
  });

  it('reads a personal account, which has no organization template, and its repositories', async () => {
    writeFileSync(configPath, '{}\n');
    const api = await serve({
      'GET /users/octocat': ACCOUNT('octocat', 583231, 'User'),
      'GET /repos/octocat/hello/actions/oidc/customization/sub': REPO_TEMPLATE({
        use_default: false,
        include_claim_keys: ['repository_owner_id', 'context'],
      }),
    });
    const run = await github(
      ['templates', '--owner', 'octocat', '--repo', 'hello', '--api-url', api.url],
      TOKEN,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('octocat: a personal account, no organization template');
    expect(JSON.parse(config()).github.subjectTemplates).toEqual({
      'octocat/hello': ['repository_owner_id', 'context'],
    });
  });

  it('uses GITHUB_API_URL for GitHub Enterprise Server (https://HOST/api/v3)', async () => {
    writeFileSync(configPath, '{}\n');
    const api = await serve({
      'GET /api/v3/orgs/acme-corp/actions/oidc/customization/sub': ORG(['repo', 'context', 'environment']),
      'GET /api/v3/repos/acme-corp/web/actions/oidc/customization/sub': REPO_TEMPLATE({ use_default: false }),
    });
    const run = await github(['templates', '--owner', 'acme-corp', '--repo', 'web'], {
      ...TOKEN,
      GITHUB_API_URL: `${api.url}/api/v3/`,
    });
    expect(run.stderr).toBe(`${api.url}/api/v3: authenticated with GITHUB_TOKEN\n`);
    expect(run.status).toBe(0);
    expect(JSON.parse(config()).github.subjectTemplates).toEqual({
      'acme-corp/web': ['repo', 'context', 'environment'],
    });
  });

  describe('fails with exit 2 and writes nothing', () => {
    it('without a token, where GitHub answers only an authenticated caller', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve(TEMPLATE_ROUTES);
      const run = await github(['templates', '--owner', 'acme-corp', '--api-url', api.url]);
      expect(run.status).toBe(2);
      expect(run.stderr).toBe(
        `${api.url}: no GITHUB_TOKEN, anonymous: public owners and repositories only, 60 requests an hour\n` +
          'trustwatch: organization acme-corp: GitHub answers this only to an authenticated caller: set GITHUB_TOKEN (read:org, or the "Administration" organization permission (read))\n',
      );
      expect(api.requests[0]?.authorization).toBeUndefined();
      expect(config()).toBe(CONFIG);
    });

    it('when a repository is not found, even though the organization was read', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve(TEMPLATE_ROUTES);
      const run = await github(
        ['templates', '--owner', 'acme-corp', '--repo', 'app,gone', '--api-url', api.url],
        TOKEN,
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'trustwatch: repository acme-corp/gone: not found, or not visible to this token (needs repo, or the "Actions" repository permission (read))\n',
      );
      expect(run.stdout).toBe('');
      expect(config()).toBe(CONFIG);
    });

    it('when the owner does not exist, or the rate limit runs out while finding out', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve({});
      const run = await github(['templates', '--owner', 'gone-org', '--api-url', api.url], TOKEN);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'trustwatch: organization gone-org: not found, or not visible to this token (needs read:org, or the "Administration" organization permission (read))\n',
      );
      expect(api.requests.map((r) => r.path)).toEqual([
        '/orgs/gone-org/actions/oidc/customization/sub',
        '/users/gone-org',
      ]);
      await api.close();
      const limited = await serve({}, 1);
      const late = await github(['templates', '--owner', 'gone-org', '--api-url', limited.url], TOKEN);
      expect(late.status).toBe(2);
      expect(late.stderr).toContain(
        "trustwatch: organization gone-org: GitHub's rate limit of 5000 requests an hour for this token is exhausted",
      );
      expect(config()).toBe(CONFIG);
    });

    it('when the token is refused', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve({
        'GET /orgs/acme-corp/actions/oidc/customization/sub': {
          status: 401,
          body: { message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest' },
        },
      });
      const run = await github(['templates', '--owner', 'acme-corp', '--api-url', api.url], TOKEN);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'trustwatch: organization acme-corp: GitHub refused the token in GITHUB_TOKEN (401 Bad credentials)\n',
      );
      expect(config()).toBe(CONFIG);
    });

    it('when the token lacks the permission', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve({
        'GET /orgs/acme-corp/actions/oidc/customization/sub': {
          status: 403,
          body: {
            message: 'Resource not accessible by personal access token',
            documentation_url: 'https://docs.github.com/rest',
          },
        },
      });
      const run = await github(['templates', '--owner', 'acme-corp', '--api-url', api.url], TOKEN);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'trustwatch: organization acme-corp: forbidden (403 Resource not accessible by personal access token): the token needs read:org, or the "Administration" organization permission (read)\n',
      );
      expect(config()).toBe(CONFIG);
    });

    it('when the rate limit is exhausted, saying when it resets', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve(TEMPLATE_ROUTES, 2);
      const run = await github(
        ['templates', '--owner', 'acme-corp', '--repo', 'app,api', '--api-url', api.url],
        TOKEN,
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        "trustwatch: repository acme-corp/api: GitHub's rate limit of 5000 requests an hour for this token is exhausted; it resets at 2026-12-07T08:00:00.000Z\n",
      );
      // Reported, not retried.
      expect(api.requests).toHaveLength(3);
      expect(config()).toBe(CONFIG);
    });

    it('when GitHub cannot be reached', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve({});
      const url = api.url;
      await api.close();
      fake = undefined;
      const run = await github(['templates', '--owner', 'acme-corp', '--api-url', url], TOKEN);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        new RegExp(`trustwatch: organization acme-corp: cannot reach ${url} \\(.*ECONNREFUSED.*\\)\\n$`),
      );
      expect(config()).toBe(CONFIG);
    }, 30_000);

    it('when GitHub returns a claim key trustwatch does not know', async () => {
      writeFileSync(configPath, CONFIG);
      const api = await serve({
        ...TEMPLATE_ROUTES,
        'GET /orgs/acme-corp/actions/oidc/customization/sub': ORG(['repo', 'new_claim']),
      });
      const run = await github(
        ['templates', '--owner', 'acme-corp', '--repo', 'web', '--api-url', api.url],
        TOKEN,
      );
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        `trustwatch: repository acme-corp/web: GitHub's subject template has claim key "new_claim" that trustwatch does not know; nothing written\n`,
      );
      expect(config()).toBe(CONFIG);
    });

    it('when the config file is not a valid configuration, before asking GitHub', async () => {
      writeFileSync(configPath, '{"github": {"subjectTemplate": {}}}\n');
      const api = await serve(TEMPLATE_ROUTES);
      const run = await github(['templates', '--owner', 'acme-corp', '--api-url', api.url], TOKEN);
      expect(run.status).toBe(2);
      expect(run.stderr).toContain(
        'github: unknown key "subjectTemplate" (did you mean "subjectTemplates"?)',
      );
      expect(config()).toBe('{"github": {"subjectTemplate": {}}}\n');
      expect(api.requests).toEqual([]);
    });

    it('for bad usage', async () => {
      writeFileSync(configPath, CONFIG);
      const bad = await github(['templates', '--owner', 'acme corp']);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('--owner "acme corp": not a GitHub owner name');
      const other = await github(['templates', '--owner', 'acme-corp', '--repo', 'other/app']);
      expect(other.status).toBe(2);
      expect(other.stderr).toContain('--repo "other/app": not a repository of --owner acme-corp');
      const url = await github(['templates', '--owner', 'acme-corp', '--api-url', 'ftp://example']);
      expect(url.status).toBe(2);
      expect(url.stderr).toContain('--api-url "ftp://example": not an http(s) URL');
    });
  });
});

describe('trustwatch github ids', () => {
  const policyFile = join(files.dir, 'deploy.json');
  const IDS_ROUTES: Record<string, Answer> = {
    'GET /repos/acme-corp/app': REPOSITORY('acme-corp', 1111, 'app', 2222),
    'GET /users/beta-org': ACCOUNT('Beta-Org', 3333),
  };

  it('resolves the ids the subjects name, and the rule then names the exact immutable subject', async () => {
    writeFileSync(configPath, CONFIG);
    writeFileSync(
      policyFile,
      json(
        trustPolicy(
          [
            'repo:acme-corp/app:environment:production',
            'repo:beta-org/*:ref:refs/heads/main',
            'repo:acme-corp@1111/x@9:pull_request',
          ],
          'StringLike',
        ),
      ),
    );
    const lint = () =>
      trustwatchAsync(['lint', policyFile, '--config', configPath, '--format', 'json']).then((run) =>
        JSON.parse(run.stdout)
          .results[0].findings.filter((f: { ruleId: string }) => f.ruleId === 'oidc.mutable-subject')
          .map((f: { evidence: object }) => f.evidence),
      );
    expect(await lint()).toEqual([
      { statement: 0, value: 'repo:acme-corp/app:environment:production' },
      { statement: 0, value: 'repo:beta-org/*:ref:refs/heads/main' },
    ]);

    const api = await serve(IDS_ROUTES);
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url]);
    expect(run.stderr).toBe(
      `${api.url}: no GITHUB_TOKEN, anonymous: public owners and repositories only, 60 requests an hour\n`,
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toBe(
      [
        'repo:acme-corp/app:environment:production',
        '  → repo:acme-corp@1111/app@2222:environment:production',
        'repo:beta-org/*:ref:refs/heads/main',
        '  → repo:Beta-Org@3333/*:ref:refs/heads/main',
        '',
        'github.ids:',
        '  + acme-corp: 1111',
        '  + acme-corp/app: 2222',
        '  + Beta-Org: 3333',
        '',
        `${configPath}: github.ids updated`,
        '',
      ].join('\n'),
    );
    // The owner of a resolved repository needs no request of its own.
    expect(api.requests.map((r) => r.path)).toEqual(['/repos/acme-corp/app', '/users/beta-org']);
    const written = JSON.parse(config());
    expect(written.github).toEqual({
      subjectTemplates: {
        'acme-corp/api': ['repo', 'environment'],
        'other-org': ['repo', 'context', 'actor'],
      },
      ids: { 'acme-corp/app': 2222, 'acme-corp': 1111, 'Beta-Org': 3333 },
    });
    expect(await lint()).toEqual([
      {
        statement: 0,
        value: 'repo:acme-corp/app:environment:production',
        immutable: 'repo:acme-corp@1111/app@2222:environment:production',
      },
      {
        statement: 0,
        value: 'repo:beta-org/*:ref:refs/heads/main',
        immutable: 'repo:Beta-Org@3333/*:ref:refs/heads/main',
      },
    ]);
  });

  it('stores no id for a repository GitHub now knows under another name, and says why', async () => {
    writeFileSync(configPath, '{}\n');
    writeFileSync(policyFile, json(trustPolicy('repo:acme-corp/old-name:ref:refs/heads/main')));
    // GitHub follows a rename or transfer: the old name answers with the repository's new full name.
    const api = await serve({
      'GET /repos/acme-corp/old-name': REPOSITORY('acme-corp', 1111, 'new-name', 2222),
    });
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url], TOKEN);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'acme-corp/old-name is now acme-corp/new-name (renamed or transferred): a subject naming acme-corp/old-name matches none of its tokens, and whoever creates acme-corp/old-name would match; no id stored for it',
    );
    expect(run.stdout).toContain('repo:acme-corp/old-name:ref:refs/heads/main\n  (ids not known)');
    // The owner did not change: its id is known all the same.
    expect(JSON.parse(config())).toEqual({ github: { ids: { 'acme-corp': 1111 } } });
  });

  it('reads the subjects of the named roles of a snapshot, or of every GitHub-trusted role', async () => {
    writeFileSync(configPath, '{}\n');
    const snapshot = join(ROOT, SAMPLE, 'snapshot.json');
    const api = await serve({
      'GET /repos/acme-corp/web': REPOSITORY('acme-corp', 4410021, 'web', 501),
    });
    const run = await github(
      [
        'ids',
        '--snapshot',
        snapshot,
        '--role',
        'gh-preview-envs',
        '--role',
        'gh-deploy-web-prod',
        '--api-url',
        api.url,
      ],
      TOKEN,
    );
    expect(run.status).toBe(0);
    expect(api.requests.map((r) => r.path)).toEqual(['/repos/acme-corp/web']);
    expect(JSON.parse(config()).github.ids).toEqual({ 'acme-corp/web': 501, 'acme-corp': 4410021 });
    expect(run.stdout).toContain('repo:acme-corp/*\n  → repo:acme-corp@4410021/*\n');

    await fake?.close();
    const repos = ['infrastructure', 'web', 'docs', 'platform', 'legacy', 'api'];
    const all = await serve({
      ...Object.fromEntries(
        repos.map((name, i) => [
          `GET /repos/acme-corp/${name}`,
          REPOSITORY('acme-corp', 4410021, name, name === 'web' ? 501 : 600 + i),
        ]),
      ),
      'GET /repos/contractor-co/acme-migrations': REPOSITORY('contractor-co', 77, 'acme-migrations', 78),
    });
    const every = await github(['ids', '--snapshot', snapshot, '--api-url', all.url, '--dry-run'], TOKEN);
    expect(every.status).toBe(0);
    // Each repository once, however many roles name it; `repo:*` names no owner to resolve.
    expect(all.requests.map((r) => r.path).sort()).toEqual(
      [...repos.map((name) => `/repos/acme-corp/${name}`), '/repos/contractor-co/acme-migrations'].sort(),
    );
    expect(every.stdout).toContain('  + contractor-co/acme-migrations: 78');
    expect(every.stdout).toContain('    acme-corp/web: 501 (unchanged)');
    expect(every.stdout).toContain(`${configPath}: --dry-run, nothing written`);
    expect(JSON.parse(config()).github.ids).toEqual({ 'acme-corp/web': 501, 'acme-corp': 4410021 });
  });

  it('says so when no subject needs an id, asking GitHub nothing', async () => {
    writeFileSync(policyFile, json(trustPolicy('repo:acme-corp@1111/app@2222:ref:refs/heads/main')));
    const api = await serve({});
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('No name-based subject in 1 trust policy: nothing to resolve.\n');
    expect(api.requests).toEqual([]);
  });

  it('prints a hostile subject value with its controls made visible, and asks nothing about it', async () => {
    writeFileSync(configPath, '{}\n');
    writeFileSync(policyFile, json(trustPolicy('repo:acme\u001b[2J/app:ref:refs/heads/main')));
    const api = await serve({});
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('repo:acme\\x1b[2J/app:ref:refs/heads/main\n  (ids not known)');
    expect(run.stdout).not.toContain('\u001b');
    expect(api.requests).toEqual([]);
    expect(config()).toBe('{}\n');
  });

  it('fails with exit 2 and writes nothing when the anonymous rate limit is exhausted', async () => {
    writeFileSync(configPath, CONFIG);
    writeFileSync(
      policyFile,
      json(trustPolicy(['repo:acme-corp/app:ref:refs/heads/main', 'repo:beta-org/*'], 'StringLike')),
    );
    const api = await serve(IDS_ROUTES, 1);
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      "trustwatch: owner beta-org: GitHub's rate limit of 60 requests an hour without a token (set GITHUB_TOKEN for a higher one) is exhausted; it resets at 2026-12-07T08:00:00.000Z\n",
    );
    expect(config()).toBe(CONFIG);
  });

  it('fails with exit 2 and writes nothing when an owner is not found', async () => {
    writeFileSync(configPath, CONFIG);
    writeFileSync(
      policyFile,
      json(trustPolicy(['repo:acme-corp/app:ref:refs/heads/main', 'repo:gone-org/*'], 'StringLike')),
    );
    const api = await serve(IDS_ROUTES);
    const run = await github(['ids', '--policy', policyFile, '--api-url', api.url]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'trustwatch: owner gone-org: not found, or not visible without a token (set GITHUB_TOKEN)\n',
    );
    expect(config()).toBe(CONFIG);
  });
});
