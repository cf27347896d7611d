import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deployedConfig } from '../../infra/deployed-files.js';
import { ConfigSchema, DEFAULT_CONFIG } from '../../shared/config/config.js';
import { FileFormatError, readWithSchema } from '../../shared/schema-file.js';

const read = (value: unknown) => () => readWithSchema(ConfigSchema, value, 'trustwatch.config.json');

describe('the configuration file', () => {
  it('still takes {} and every documented key', () => {
    expect(read({})()).toEqual(DEFAULT_CONFIG);
    expect(
      read({
        maxKeyAgeDays: 30,
        maxUnusedDays: 10,
        neverUsedGraceDays: 1,
        maxSessionSeconds: 7200,
        allowedOwners: ['acme'],
        ciUsers: { pathPrefix: '/build/', tag: { key: 'ci', value: 'yes' }, namePatterns: ['^(ci|deploy)-'] },
        alerts: { email: 'critical', slack: 'low' },
        failOn: 'medium',
      })().ciUsers.namePatterns,
    ).toEqual(['^(ci|deploy)-']);
  });

  it('refuses a key nobody knows, suggesting the one it misspells', () => {
    expect(read({ maxKeyAgeDay: 30 })).toThrow(
      'trustwatch.config.json: (top level): unknown key "maxKeyAgeDay" (did you mean "maxKeyAgeDays"?)',
    );
    expect(read({ alerts: { emial: 'high' } })).toThrow(
      'alerts: unknown key "emial" (did you mean "email"?)',
    );
    expect(read({ ciUsers: { namepatterns: [] } })).toThrow('did you mean "namePatterns"?');
    expect(read({ ciUsers: { tag: { key: 'a', value: 'b', vaule: 'c' } } })).toThrow(
      'ciUsers.tag: unknown key "vaule"',
    );
  });

  it('names an unknown key without a far-fetched suggestion', () => {
    const attempt = read({ slackWebhook: 'https://hooks.example' });
    expect(attempt).toThrow(FileFormatError);
    expect(attempt).toThrow(/unknown key "slackWebhook"$/);
  });

  it('refuses a name pattern that is not a regular expression, naming it', () => {
    expect(read({ ciUsers: { namePatterns: ['^ci-', '(deploy'] } })).toThrow(
      /ciUsers\.namePatterns\.1: "\(deploy" is not a valid regular expression/,
    );
  });

  it('fails cdk synth on the same mistakes, before anything is bundled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trustwatch-config-'));
    try {
      const file = join(dir, 'trustwatch.config.json');
      writeFileSync(file, JSON.stringify({ ciUsers: { namePatterns: ['[ci'] } }));
      expect(() => deployedConfig(file)).toThrow(/"\[ci" is not a valid regular expression/);
      writeFileSync(file, JSON.stringify({ maxUnusedDay: 3 }));
      expect(() => deployedConfig(file)).toThrow(/did you mean "maxUnusedDays"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
