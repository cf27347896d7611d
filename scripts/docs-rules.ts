// Writes docs/rules.md from the rule catalog with the renderer `trustwatch rules --format markdown` uses,
// and shared/rules/texts.ts, the rules' alert texts without their checks (see that file).
// Run by `npm run docs:rules` after a rule's metadata changes; test/cli/rules.test.ts and
// test/rules/texts.test.ts fail until then.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rulesMarkdown } from '../cli/format/rules.js';
import { alertTexts } from '../shared/rules/alert-texts.js';
import { ALL_RULES } from '../shared/rules/catalog.js';

const docs = new URL('../docs/rules.md', import.meta.url);
writeFileSync(docs, rulesMarkdown());
console.log(`wrote ${docs.pathname}`);

const texts = fileURLToPath(new URL('../shared/rules/texts.ts', import.meta.url));
writeFileSync(
  texts,
  `// Written by scripts/docs-rules.ts (npm run docs:rules) from the rule catalog: do not edit.
// The alert texts apart from the catalog, whose checks bring the policy engine with them: the functions
// that alert but never check (alarm-relay, daily-digest) then bundle some 80 KB less.
import type { AlertText } from './alert-texts.js';

export const RULE_TEXTS: Record<string, AlertText> = ${JSON.stringify(alertTexts(ALL_RULES), null, 2)};
`,
);
execFileSync(fileURLToPath(new URL('../node_modules/.bin/biome', import.meta.url)), [
  'format',
  '--write',
  texts,
]);
console.log(`wrote ${texts}`);
