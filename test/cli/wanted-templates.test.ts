import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planConfigUpdate, writeConfigUpdate } from '../../cli/github/config-update.js';
import { wantedTemplates } from '../../cli/github/wanted-templates.js';
import { tempFiles } from './run.js';

const ORG = { keys: ['repo', 'context', 'job_workflow_ref'] };
const custom = (keys: string[]) => ({ useDefault: false, keys });

describe('the subject-template entries GitHub settings call for', () => {
  const repos = [
    { name: 'opted-in', template: custom([]) },
    { name: 'own', template: custom(['repo', 'environment']) },
    { name: 'spelled-out-default', template: custom(['repo', 'context']) },
    // GitHub ignores include_claim_keys when use_default is true.
    { name: 'default', template: { useDefault: true, keys: ['repository_owner', 'repository', 'ref'] } },
  ];

  it("gives each repository its own entry, the organization's template only where it opted in", () => {
    expect(wantedTemplates('acme', ORG, repos, false)).toEqual([
      { key: 'acme/opted-in', value: ['repo', 'context', 'job_workflow_ref'] },
      { key: 'acme/own', value: ['repo', 'environment'] },
      { key: 'acme/spelled-out-default', value: undefined },
      { key: 'acme/default', value: undefined },
    ]);
  });

  it('writes the default subject out where an entry for the whole owner would apply instead', () => {
    expect(wantedTemplates('acme', ORG, repos, true)).toEqual([
      { key: 'acme/opted-in', value: ['repo', 'context', 'job_workflow_ref'] },
      { key: 'acme/own', value: ['repo', 'environment'] },
      { key: 'acme/spelled-out-default', value: ['repo', 'context'] },
      { key: 'acme/default', value: ['repo', 'context'] },
    ]);
  });

  it('under an owner with no template, or a personal account, opting in changes nothing', () => {
    expect(wantedTemplates('acme', { keys: [] }, repos.slice(0, 1), false)).toEqual([
      { key: 'acme/opted-in', value: undefined },
    ]);
    expect(wantedTemplates('octocat', undefined, repos.slice(0, 2), false)).toEqual([
      { key: 'octocat/opted-in', value: undefined },
      { key: 'octocat/own', value: ['repo', 'environment'] },
    ]);
  });
});

describe('updating the config file', () => {
  const files = tempFiles({});
  afterAll(files.cleanup);

  it('matches names case-insensitively and writes the name as GitHub gave it', () => {
    const path = join(files.dir, 'case.json');
    writeFileSync(path, '{\n  "github": { "ids": { "ACME": 1, "other": 7 } }\n}\n');
    const update = planConfigUpdate(path, 'ids', [
      { key: 'acme', value: 1 },
      { key: 'acme/app', value: 2 },
    ]);
    expect(update.changes).toEqual([
      { kind: 'changed', key: 'acme', was: 'ACME', before: 1, after: 1 },
      { kind: 'added', key: 'acme/app', after: 2 },
    ]);
    writeConfigUpdate(update);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      github: { ids: { other: 7, acme: 1, 'acme/app': 2 } },
    });
  });

  it('leaves the file byte for byte as it was when nothing changes', () => {
    const path = join(files.dir, 'same.json');
    const text = '{"github":{"ids":{"acme":1}},   "failOn": "medium"}';
    writeFileSync(path, text);
    const update = planConfigUpdate(path, 'ids', [{ key: 'acme', value: 1 }]);
    expect(update.changed).toBe(false);
    expect(update.text).toBe(text);
  });
});
