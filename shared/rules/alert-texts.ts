import type { RuleMeta } from './rule.js';

/** What an alert quotes of its rule. */
export type AlertText = Pick<RuleMeta, 'rationale' | 'references'>;

/** The alert texts of rules, by id: what `npm run docs:rules` writes into texts.ts from the catalog. */
export function alertTexts(rules: RuleMeta[]): Record<string, AlertText> {
  return Object.fromEntries(
    rules.map((rule) => [rule.id, { rationale: rule.rationale, references: rule.references }]),
  );
}
