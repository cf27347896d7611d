import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../cli/commands/lint.js';
import { isFileError } from '../../cli/model.js';
import { allResults } from '../support/lint-output.js';

// The same trust policy as policy JSON, CloudFormation JSON and YAML, Terraform (.tf and plan): see the README there.
const ROOT = join(import.meta.dirname, '../fixtures/iac-forms');
const FORMS = ['policy.json', 'template.json', 'template.yaml', 'terraform', 'plan.json'];
const CASES = readdirSync(ROOT, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);

describe('the four forms of a trust policy', () => {
  it('the fixture set covers the cases the forms must agree on', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(8);
  });

  it.each(CASES)('%s: every form gives the expected findings', async (name) => {
    const expected = JSON.parse(readFileSync(join(ROOT, name, 'expected.json'), 'utf8')) as {
      rules: string[];
    };
    const byForm: Record<string, string[]> = {};
    for (const form of FORMS) {
      const results = await allResults(lintFiles([join(ROOT, name, form)]));
      expect(results, form).toHaveLength(1);
      const [result] = results;
      if (!result || isFileError(result)) throw new Error(`${form}: ${JSON.stringify(result)}`);
      expect(result.notes ?? [], form).toEqual([]);
      byForm[form] = [...new Set(result.findings.map((f) => f.ruleId))].sort();
    }
    expect(byForm).toEqual(Object.fromEntries(FORMS.map((form) => [form, expected.rules])));
  });
});
