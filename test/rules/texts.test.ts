import { describe, expect, it } from 'vitest';
import { alertTexts } from '../../shared/rules/alert-texts.js';
import { ALL_RULES } from '../../shared/rules/catalog.js';
import { RULE_TEXTS } from '../../shared/rules/texts.js';

describe('shared/rules/texts.ts', () => {
  it("is every catalog rule's alert text as it is now (regenerate it with npm run docs:rules)", () => {
    expect(
      RULE_TEXTS,
      'shared/rules/texts.ts is stale: run `npm run docs:rules` and commit the result',
    ).toEqual(alertTexts(ALL_RULES));
    expect(Object.keys(RULE_TEXTS)).toHaveLength(ALL_RULES.length);
  });
});
