import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planConfigUpdate, writeConfigUpdate } from '../../cli/github/config-update.js';
import { wantedTemplates } from '../../cli/github/wanted-templates.js';
import { tempFiles } from './run.js';

const ORG = { keys: ['repo', 'context', 'job_workflow_ref'] };
const custom = (keys: string[]) => ({ useDefault: false, keys });

describe('the subject-template entries GitHub settings call for', () => {
  it('writes an entry only where the subject is not the default one', () => {
    expect(
      wantedTemplates('acme', ORG, [
        { name: 'same-as-org', template: custom(['repo', 'context', 'job_workflow_ref']) },
        { name: 'follows-org', template: custom([]) },
        { name: 'own', template: custom(['repo', 'environment']) },
        { name: 'default', template: { useDefault: true, keys: ['repository_owner', 'repository', 'ref'] } },
      ]),
    ).toEqual([
      { key: 'acme', value: ['repo', 'context', 'job_workflow_ref'] },
      { key: 'acme/same-as-org', value: undefined },
      { key: 'acme/follows-org', value: undefined },
      { key: 'acme/own', value: ['repo', 'environment'] },
      // GitHub ignores include_claim_keys when use_default is true.
      { key: 'acme/default', value: ['repo', 'context'] },
    ]);
  });

  it('under an owner with no template, the default subject needs no entry however it is written', () => {
    expect(
      wantedTemplates('acme', { keys: ['repo', 'context'] }, [
        { name: 'default', template: { useDefault: true, keys: [] } },
        { name: 'spelled-out', template: custom(['repo', 'context']) },
        { name: 'own', template: custom(['context', 'repo']) },
      ]),
    ).toEqual([
      { key: 'acme', value: undefined },
      { key: 'acme/default', value: undefined },
      { key: 'acme/spelled-out', value: undefined },
      { key: 'acme/own', value: ['context', 'repo'] },
    ]);
    expect(wantedTemplates('octocat', undefined, [])).toEqual([{ key: 'octocat', value: undefined }]);
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
