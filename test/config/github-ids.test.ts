import { describe, expect, it } from 'vitest';
import { ConfigSchema, DEFAULT_CONFIG } from '../../shared/config/config.js';
import { readWithSchema } from '../../shared/schema-file.js';

const read = (value: unknown) => () => readWithSchema(ConfigSchema, value, 'trustwatch.config.json');

describe('github.ids in the configuration file', () => {
  it('is optional and takes owners and OWNER/REPO with their numeric ids', () => {
    expect(DEFAULT_CONFIG.github.ids).toBeUndefined();
    expect(read({ github: { ids: { 'acme-corp': 1111, 'acme-corp/app.web_2': 2222 } } })().github).toEqual({
      subjectTemplates: {},
      ids: { 'acme-corp': 1111, 'acme-corp/app.web_2': 2222 },
    });
  });

  it('refuses an id that is not a positive whole number, or a key that is no owner or repository, naming the field', () => {
    expect(read({ github: { ids: { acme: '1111' } } })).toThrow('trustwatch.config.json: github.ids.acme:');
    expect(read({ github: { ids: { acme: 1.5 } } })).toThrow('github.ids.acme:');
    expect(read({ github: { ids: { acme: 0 } } })).toThrow('github.ids.acme:');
    expect(read({ github: { ids: { 'acme/app/x': 1 } } })).toThrow(
      'github.ids.acme/app/x: Invalid key in record',
    );
    expect(read({ github: { idz: {} } })).toThrow('github: unknown key "idz" (did you mean "ids"?)');
  });
});
